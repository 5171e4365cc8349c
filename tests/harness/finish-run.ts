import type { DeviationFile } from "../deviations/deviations.ts";
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

/** Deviation entries that no finding of a full run used: the server may have been fixed. */
export function staleDeviations(deviations: DeviationFile, outcomes: ScenarioOutcome[]): string[] {
  const seen = new Set(outcomes.flatMap((o) => o.findings.map((f) => f.deviation)));
  return deviations.deviations.map((entry) => entry.id).filter((id) => !seen.has(id));
}

export async function finishRun(run: FinishedRun): Promise<void> {
  const { mkdirSync, writeFileSync } = await import("node:fs");
  mkdirSync(run.config.reportDir, { recursive: true });
  writeFileSync(`${run.config.reportDir}/outcomes.json`, JSON.stringify(run.outcomes, null, 2));
}
