import { CATALOG } from "../../tests/scenarios/catalog.ts";
import type { DeviationFile } from "../deviations/deviations.ts";
import { reportCoverage } from "../evidence/coverage.ts";
import { writeReports } from "../reports/write-reports.ts";
import type { RunConfig } from "./config.ts";
import type { ScenarioOutcome } from "./outcome.ts";
import type { Target } from "./target.ts";

export interface FinishedRun {
  config: RunConfig;
  target: Target;
  deviations: DeviationFile;
  outcomes: ScenarioOutcome[];
  startedAt: Date;
}

/**
 * Deviation entries that no finding of this run used: the server may have been fixed, or
 * the entry is wrong. Only a run of the whole catalog can tell.
 */
export function staleDeviations(deviations: DeviationFile, outcomes: ScenarioOutcome[]): string[] {
  const seen = new Set(outcomes.flatMap((o) => o.findings.map((f) => f.deviation)));
  return deviations.deviations.map((entry) => entry.id).filter((id) => !seen.has(id));
}

/** Writes the reports of a run; the command line prints its table from results.json. */
export async function finishRun(run: FinishedRun): Promise<void> {
  // Concurrent scenarios finish in any order; reports list them in catalog order.
  const order = new Map(CATALOG.map((scenario, i) => [scenario.id, i]));
  const outcomes = [...run.outcomes].sort(
    (a, b) => (order.get(a.scenario.id) ?? 0) - (order.get(b.scenario.id) ?? 0),
  );
  const stale = isWholeCatalog(run.config) ? staleDeviations(run.deviations, outcomes) : [];
  await writeReports(
    run.config.reportDir,
    outcomes,
    {
      target: run.target.name,
      family: run.target.family,
      mode: run.target.mode,
      startedAt: run.startedAt,
      finishedAt: new Date(),
    },
    stale,
    run.target.knownSecrets(),
  );
  await reportCoverage(outcomes, { ...run.config, startedAt: run.startedAt });
}

function isWholeCatalog(config: RunConfig): boolean {
  return Object.values(config.selection).every((filter) => !filter?.length);
}
