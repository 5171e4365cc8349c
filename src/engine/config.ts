import { existsSync } from "node:fs";
import type { Contract } from "../contract/load-spec.ts";
import { CASSETTE_DIR } from "../paths.ts";
import {
  DEFAULT_TARGET_FILE,
  loadTargetDescription,
  type TargetDescription,
  targetFromEnvironment,
} from "../config/description.ts";
import { createLiveTarget } from "../targets/live.ts";
import type { Scenario } from "./scenario.ts";
import type { Interposer, Target } from "./target.ts";

export type Mode = "replay" | "live" | "record";

/** Which scenarios to run; every given filter must match. */
export interface Selection {
  ids?: string[];
  tags?: string[];
  operations?: string[];
  categories?: string[];
}

/** How the conformance run is configured: the CLI sets these variables for vitest. */
export interface RunConfig {
  mode: Mode;
  /** A target description file; without it, OS_CLOUD / OS_* variables, then the project's own target. */
  targetFile?: string;
  cassetteDir?: string;
  reportDir: string;
  selection: Selection;
  /** Names the live run's resources; the CLI sets it to sweep what an interrupted run left. */
  runId?: string;
}

export function configFromEnvironment(env: Record<string, string | undefined>): RunConfig {
  const mode = (env.CONFORMANCE_MODE ?? "replay") as Mode;
  if (!["replay", "live", "record"].includes(mode)) {
    throw new Error(`CONFORMANCE_MODE=${mode} is not a mode; use replay, live or record`);
  }
  return {
    mode,
    ...(env.CONFORMANCE_TARGET ? { targetFile: env.CONFORMANCE_TARGET } : {}),
    ...(env.CONFORMANCE_CASSETTES ? { cassetteDir: env.CONFORMANCE_CASSETTES } : {}),
    reportDir: env.CONFORMANCE_REPORTS ?? "reports",
    selection: env.CONFORMANCE_SELECT ? (JSON.parse(env.CONFORMANCE_SELECT) as Selection) : {},
    ...(env.CONFORMANCE_RUN_ID ? { runId: env.CONFORMANCE_RUN_ID } : {}),
  };
}

/** The description of a live target: a file, then OS_CLOUD / OS_*, then the project's own. */
export function liveDescription(
  config: RunConfig,
  env: Record<string, string | undefined>,
): TargetDescription {
  if (config.targetFile) return loadTargetDescription(config.targetFile);
  if (env.OS_CLOUD || env.OS_AUTH_URL || env.OS_AUTH_TOKEN) return targetFromEnvironment(env);
  if (existsSync(DEFAULT_TARGET_FILE)) return loadTargetDescription(DEFAULT_TARGET_FILE);
  throw new Error(
    `no live target: give --target <file>, set OS_CLOUD or OS_* variables, or start the project's own OpenStack with \`npm run target:start\` (it writes ${DEFAULT_TARGET_FILE})`,
  );
}

export async function createTarget(
  config: RunConfig,
  contract: Contract,
  env: Record<string, string | undefined>,
  interpose?: Interposer,
): Promise<Target> {
  if (config.mode === "replay") {
    // Imported only for replay: loading nock patches global fetch, which live runs must not see.
    const { createReplayTarget } = await import("../targets/replay.ts");
    return createReplayTarget(contract, config.cassetteDir, interpose);
  }
  return createLiveTarget({
    description: liveDescription(config, env),
    contract,
    ...(interpose && { interpose }),
    ...(config.runId && { runId: config.runId }),
    ...(config.mode === "record" ? { recordTo: config.cassetteDir ?? defaultCassetteDir() } : {}),
  });
}

function defaultCassetteDir(): string {
  return CASSETTE_DIR;
}

export function select(catalog: readonly Scenario[], selection: Selection): Scenario[] {
  return catalog.filter(
    (scenario) =>
      (!selection.ids?.length || selection.ids.some((id) => scenario.id.startsWith(id))) &&
      (!selection.tags?.length || selection.tags.some((tag) => scenario.tags?.includes(tag))) &&
      (!selection.operations?.length || selection.operations.includes(scenario.operation)) &&
      (!selection.categories?.length || selection.categories.includes(scenario.category)),
  );
}
