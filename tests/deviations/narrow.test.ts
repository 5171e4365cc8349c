import { beforeAll, describe, expect, it } from "vitest";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import { type DeviationFile, loadDeviations } from "../../src/deviations/deviations.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import type { ScenarioOutcome } from "../../src/engine/outcome.ts";
import { classifier } from "../../src/mutation/classify.ts";
import { newObservation, replayMutation } from "../../src/mutation/interposer.ts";
import { mutantById } from "../../src/mutation/mutants.ts";
import { tracked } from "../../src/mutation/phases.ts";
import { createReplayTarget } from "../../src/targets/replay.ts";
import { CATALOG } from "../scenarios/catalog.ts";

// Each entry's condition on the response, proved on the committed cassettes: the mutant that
// answers what the entry's pattern alone would let through fails the run, and passes as a
// known deviation once the condition is taken out of the entry.

let contract: Contract;
let deviations: DeviationFile;
beforeAll(async () => {
  contract = await loadContract();
  deviations = loadDeviations("upstream-openstack");
});

async function replayWith(
  mutantId: string,
  scenarioPrefix: string,
  file: DeviationFile,
): Promise<ScenarioOutcome> {
  const scenario = CATALOG.find((s) => s.id.startsWith(scenarioPrefix));
  if (!scenario) throw new Error(`no scenario ${scenarioPrefix}`);
  const interpose = replayMutation({
    classify: classifier(contract),
    observed: newObservation(),
    mutant: mutantById(mutantId),
  });
  const target = await createReplayTarget(contract, undefined, interpose);
  try {
    return await executeScenario(target, tracked(scenario).scenario, file);
  } finally {
    await target.close();
  }
}

/** The file with the entry's response condition taken out: as wide as its pattern. */
function loosened(entryId: string): DeviationFile {
  return {
    ...deviations,
    deviations: deviations.deviations.map(({ response, ...entry }) =>
      entry.id === entryId ? entry : { ...entry, ...(response && { response }) },
    ),
  };
}

const failedChecks = (outcome: ScenarioOutcome) =>
  outcome.findings.filter((f) => !f.ok && !f.deviation).map((f) => f.check);

describe("deviation entries as narrow as their reasons", { timeout: 60_000 }, () => {
  it("a 404 whose fault code is 400 fails the run: error-code-integer takes only the status", async () => {
    const outcome = await replayWith("evs-code-not-status", "610204e4", deviations);
    expect(outcome.exchanges[outcome.callIndex ?? -1]?.response).toMatchObject({
      status: 404,
      bodyText: expect.stringContaining('"code":400'),
    });
    expect(outcome.verdict).toBe("fails");
    expect(failedChecks(outcome)).toEqual(["body_schema"]);
    const wide = await replayWith(
      "evs-code-not-status",
      "610204e4",
      loosened("error-code-integer"),
    );
    expect(wide.verdict).toBe("deviation");
  });

  it.each([
    ["bms-code-not-status", "0826bd7a", "error-code-integer", ["body_schema"]],
    [
      "evs-409-other-conflict",
      "12311071",
      "evs-attachment-conflict-409",
      ["status_expected", "error_envelope"],
    ],
    [
      "evs-415-other-reason",
      "c9f2945e",
      "evs-content-type-415",
      ["status_expected", "error_envelope"],
    ],
    ["bms-409-not-locked", "03876b9c", "bms-locked-409", ["status_expected", "error_envelope"]],
  ])("%s on %s: only the condition of %s catches it", async (mutant, scenario, entry, checks) => {
    const outcome = await replayWith(mutant, scenario, deviations);
    expect(outcome.verdict).toBe("fails");
    expect(failedChecks(outcome)).toEqual(checks);
    const wide = await replayWith(mutant, scenario, loosened(entry));
    expect(wide.verdict).toBe("deviation");
  });
});
