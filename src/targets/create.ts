import { existsSync } from "node:fs";
import {
  DEFAULT_TARGET_FILE,
  loadTargetDescription,
  type TargetDescription,
  TargetDescriptionError,
  targetFromEnvironment,
} from "../config/description.ts";
import type { Contract } from "../contract/load-spec.ts";
import type { Interposer, Mode, Target } from "../engine/target.ts";
import { CASSETTE_DIR } from "../paths.ts";
import { createLiveTarget } from "./live.ts";

export interface TargetChoice {
  mode: Mode;
  /** A target description file; without it, OS_CLOUD / OS_* variables, then the project's own. */
  targetFile?: string;
  /** Where replay reads and record writes cassettes; default tests/cassettes. */
  cassetteDir?: string;
  /** Names the live run's resources, so that what an interrupted run left can be found. */
  runId?: string;
  interpose?: Interposer;
}

/** The description of a live target: a file, then OS_CLOUD / OS_*, then the project's own. */
export function liveDescription(
  targetFile: string | undefined,
  env: Record<string, string | undefined>,
): TargetDescription {
  if (targetFile) return loadTargetDescription(targetFile);
  if (env.OS_CLOUD || env.OS_AUTH_URL || env.OS_AUTH_TOKEN) return targetFromEnvironment(env);
  if (existsSync(DEFAULT_TARGET_FILE)) return loadTargetDescription(DEFAULT_TARGET_FILE);
  throw new TargetDescriptionError([
    `no live target: give --target <file>, set OS_CLOUD or OS_* variables, or start the project's own OpenStack with \`npm run target:start\` (it writes ${DEFAULT_TARGET_FILE})`,
  ]);
}

export async function createTarget(
  choice: TargetChoice,
  contract: Contract,
  description?: TargetDescription,
): Promise<Target> {
  if (choice.mode === "replay") {
    // Imported only for replay: loading nock patches global fetch, which live runs must not see.
    const { createReplayTarget } = await import("./replay.ts");
    return createReplayTarget(contract, choice.cassetteDir, choice.interpose);
  }
  return createLiveTarget({
    description: description ?? liveDescription(choice.targetFile, process.env),
    contract,
    ...(choice.interpose && { interpose: choice.interpose }),
    ...(choice.runId && { runId: choice.runId }),
    ...(choice.mode === "record" ? { recordTo: choice.cassetteDir ?? CASSETTE_DIR } : {}),
  });
}
