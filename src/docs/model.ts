// What the documentation is made of: the contract of each operation under test (spec/), every
// scenario of the catalog replayed from its cassette and judged like a conformance run, and the
// reviewed deviation files. Replaying, rather than reading cassettes, lets the harness say which
// exchange is the call under test and which deviation explains which difference.
import { readdirSync } from "node:fs";
import { relative } from "node:path";
import { loadContract, type OperationContract } from "../contract/load-spec.ts";
import { type DeviationFile, loadDeviations } from "../deviations/deviations.ts";
import type { ScenarioOutcome } from "../engine/outcome.ts";
import { runScenarios } from "../engine/run.ts";
import type { Scenario } from "../engine/scenario.ts";
import { OPERATIONS } from "../engine/scenario.ts";
import { DEVIATIONS_DIR, ROOT } from "../paths.ts";
import { redactorFor } from "../redaction/redact.ts";
import { cassettePath } from "../targets/cassette.ts";

export interface ScenarioDoc {
  scenario: Scenario;
  outcome: ScenarioOutcome;
  /** Repository-relative path of the scenario's cassette, e.g. `tests/cassettes/evs/<id>.json`. */
  cassette: string;
}

export interface OperationDoc {
  contract: OperationContract;
  scenarios: ScenarioDoc[];
}

export interface DocsModel {
  /** Where the cassettes were recorded. */
  recordedOn: { name: string; family: string };
  operations: OperationDoc[];
  /** Every deviation file, by family name. */
  families: DeviationFile[];
}

/** The model of the catalog, from the cassettes in `cassetteDir` (default tests/cassettes). */
export async function buildDocsModel(
  catalog: readonly Scenario[],
  cassetteDir?: string,
): Promise<DocsModel> {
  const contract = await loadContract();
  // Imported here, like the conformance run does: loading nock patches the global fetch.
  const { createReplayTarget } = await import("../targets/replay.ts");
  const target = await createReplayTarget(contract, cassetteDir);
  const deviations = loadDeviations(target.family);
  let docs: ScenarioDoc[];
  try {
    const run = await runScenarios({ target, scenarios: catalog, deviations });
    docs = run.outcomes.map((outcome, i) => {
      const scenario = catalog[i] as Scenario;
      return { scenario, outcome, cassette: relative(ROOT, cassettePath(scenario, cassetteDir)) };
    });
  } finally {
    await target.close();
  }
  // The pages publish every exchange: a cassette that kept a secret must not pass it on.
  const redactor = redactorFor(
    docs.map((doc) => doc.outcome),
    [],
  );
  for (const doc of docs) doc.outcome = redactor.value(doc.outcome);
  return {
    recordedOn: { name: target.name, family: target.family },
    operations: OPERATIONS.map((operationId) => ({
      contract: contract.operation(operationId),
      scenarios: docs.filter((doc) => doc.scenario.operation === operationId),
    })),
    families: readdirSync(DEVIATIONS_DIR)
      .filter((name) => name.endsWith(".yaml"))
      .sort()
      .map((name) => loadDeviations(name.slice(0, -".yaml".length))),
  };
}
