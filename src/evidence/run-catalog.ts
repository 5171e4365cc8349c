import { CATALOG } from "../../tests/scenarios/catalog.ts";
import type { Contract } from "../contract/load-spec.ts";
import { loadDeviations } from "../deviations/deviations.ts";
import { executeScenario } from "../engine/execute.ts";
import type { ScenarioOutcome } from "../engine/outcome.ts";
import type { Scenario } from "../engine/scenario.ts";
import type { Target } from "../engine/target.ts";
import type { TargetDescription } from "../config/description.ts";
import { createLiveTarget } from "../targets/live.ts";

export interface CatalogRun {
  target: { name: string; family: string; mode: Target["mode"] };
  startedAt: Date;
  outcomes: ScenarioOutcome[];
}

/** Runs the scenarios in-process on a target, side by side when it allows, then closes it. */
export async function runOn(
  target: Target,
  scenarios: readonly Scenario[] = CATALOG,
): Promise<CatalogRun> {
  const startedAt = new Date();
  try {
    const deviations = loadDeviations(target.family);
    const one = (scenario: Scenario) => executeScenario(target, scenario, deviations);
    let outcomes: ScenarioOutcome[];
    if (target.concurrent) {
      outcomes = await Promise.all(scenarios.map(one));
    } else {
      outcomes = [];
      for (const scenario of scenarios) outcomes.push(await one(scenario));
    }
    return {
      target: { name: target.name, family: target.family, mode: target.mode },
      startedAt,
      outcomes,
    };
  } finally {
    await target.close();
  }
}

/** The catalog replayed from the cassettes (loads nock: run live work before it, not after). */
export async function replayCatalog(
  contract: Contract,
  cassetteDir?: string,
  scenarios: readonly Scenario[] = CATALOG,
): Promise<CatalogRun> {
  const { createReplayTarget } = await import("../targets/replay.ts");
  return runOn(await createReplayTarget(contract, cassetteDir), scenarios);
}

/** The catalog live against a target. */
export async function liveCatalog(
  contract: Contract,
  description: TargetDescription,
  scenarios: readonly Scenario[] = CATALOG,
): Promise<CatalogRun> {
  return runOn(await createLiveTarget({ description, contract }), scenarios);
}
