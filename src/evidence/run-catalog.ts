import type { TargetDescription } from "../config/description.ts";
import type { Contract } from "../contract/load-spec.ts";
import { loadDeviations } from "../deviations/deviations.ts";
import type { FinishedRun } from "../engine/events.ts";
import { runScenarios } from "../engine/run.ts";
import type { Scenario } from "../engine/scenario.ts";
import type { Target } from "../engine/target.ts";
import { createLiveTarget } from "../targets/live.ts";

/** Runs the scenarios through the engine on a target, then closes it. */
export async function runOn(target: Target, scenarios: readonly Scenario[]): Promise<FinishedRun> {
  try {
    return await runScenarios({ target, scenarios, deviations: loadDeviations(target.family) });
  } finally {
    await target.close();
  }
}

/** The scenarios replayed from the cassettes. */
export async function replayCatalog(
  contract: Contract,
  scenarios: readonly Scenario[],
  cassetteDir?: string,
): Promise<FinishedRun> {
  const { createReplayTarget } = await import("../targets/replay.ts");
  return runOn(await createReplayTarget(contract, cassetteDir), scenarios);
}

/** The scenarios live against a target. */
export async function liveCatalog(
  contract: Contract,
  description: TargetDescription,
  scenarios: readonly Scenario[],
): Promise<FinishedRun> {
  return runOn(await createLiveTarget({ description, contract }), scenarios);
}
