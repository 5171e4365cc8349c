import { beforeAll, describe, expect, it } from "vitest";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import { type DeviationFile, loadDeviations } from "../../src/deviations/deviations.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import type { ScenarioOutcome } from "../../src/engine/outcome.ts";
import { classifier } from "../../src/mutation/classify.ts";
import type { Mutant, WireResponse } from "../../src/mutation/core.ts";
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
  mutant: string | Mutant,
  scenarioPrefix: string,
  file: DeviationFile,
): Promise<ScenarioOutcome> {
  const scenario = CATALOG.find((s) => s.id.startsWith(scenarioPrefix));
  if (!scenario) throw new Error(`no scenario ${scenarioPrefix}`);
  const interpose = replayMutation({
    classify: classifier(contract),
    observed: newObservation(),
    mutant: typeof mutant === "string" ? mutantById(mutant) : mutant,
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

/** The call under test answers `status` with this fault message instead of the real one. */
function answering(status: number, message: string | ((real: string) => string)): Mutant {
  return {
    id: `answer-${status}`,
    description: `the call under test answers ${status} "${message}"`,
    operations: ["detachVolume", "detachServerVolume"],
    phases: ["act"],
    mutate: (response) => {
      if (response.status !== status) return undefined;
      const body = JSON.parse(response.body) as Record<string, object>;
      const [fault = "", inner = {}] = Object.entries(body)[0] ?? [];
      const real = String((inner as { message?: unknown }).message);
      const planted = typeof message === "string" ? message : message(real);
      return { ...response, body: JSON.stringify({ [fault]: { ...inner, message: planted } }) };
    },
  };
}

describe("answers the entries' reasons do not explain", { timeout: 60_000 }, () => {
  it.each([
    [
      "188805fa",
      "evs-nova-attachment-409",
      409,
      "Invalid volume: Volume status must be 'in-use' and attach_status must be 'attached' to detach.",
    ],
    [
      "2b102d89",
      "bms-not-attached-404",
      404,
      "Instance 0b5e3d1c-7c3e-4f4a-9d1e-6f0a2b9c8d7e could not be found.",
    ],
    [
      "735a4611",
      "project-mismatch-400",
      400,
      "Invalid input for field/attribute os-detach. Value: None.",
    ],
  ] as const)(
    "%s with another message fails; only the message pattern of %s catches it",
    async (scenario, entry, status, message) => {
      const mutant = answering(status, message);
      const outcome = await replayWith(mutant, scenario, deviations);
      expect(outcome.exchanges[outcome.callIndex ?? -1]?.response).toMatchObject({
        status,
        bodyText: expect.stringContaining(message),
      });
      expect(outcome.verdict).toBe("fails");
      expect(failedChecks(outcome)).toEqual(["status_expected", "error_envelope"]);
      const wide = await replayWith(mutant, scenario, loosened(entry));
      expect(wide.verdict).toBe("deviation");
    },
  );

  it("2b102d89's 404 about another server than the request's fails", async () => {
    const other = "0b5e3d1c-7c3e-4f4a-9d1e-6f0a2b9c8d7e";
    const mutant = answering(404, (real) => real.replace(/^Instance \S+/, `Instance ${other}`));
    const outcome = await replayWith(mutant, "2b102d89", deviations);
    expect(outcome.exchanges[outcome.callIndex ?? -1]?.response.bodyText).toMatch(
      new RegExp(`"Instance ${other} is not attached to volume [0-9a-f-]{36}"`),
    );
    expect(outcome.verdict).toBe("fails");
    expect(failedChecks(outcome)).toEqual(["status_expected", "error_envelope"]);
    const wide = await replayWith(mutant, "2b102d89", loosened("bms-not-attached-404"));
    expect(wide.verdict).toBe("deviation");
  });

  it("3e0633f4's admin 202 with an HTML page, text/html and no request id fails", async () => {
    const page: Mutant = {
      id: "bms-202-html",
      description: "the admin's accepted detach comes back as an HTML page without request id",
      operations: ["detachServerVolume"],
      phases: ["act"],
      mutate: (response): WireResponse | undefined =>
        response.status === 202
          ? { status: 202, headers: { "content-type": "text/html" }, body: "<html>done</html>" }
          : undefined,
    };
    const outcome = await replayWith(page, "3e0633f4", deviations);
    expect(outcome.exchanges[outcome.callIndex ?? -1]?.response).toMatchObject({
      status: 202,
      bodyText: "<html>done</html>",
    });
    expect(outcome.verdict).toBe("fails");
    expect(failedChecks(outcome)).toEqual(["body_schema", "headers"]);
  });
});
