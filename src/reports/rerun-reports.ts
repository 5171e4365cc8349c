import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { loadDeviations } from "../deviations/deviations.ts";
import type { FinishedRun, Subscriber } from "../engine/events.ts";
import type { ScenarioOutcome } from "../engine/outcome.ts";
import { renderHtmlReport } from "./html.ts";
import { renderJunit } from "./junit.ts";
import { renderMarkdown } from "./markdown.ts";
import { callOf } from "./merge.ts";
import { type RunInfo, tally, timeToAgree } from "./report-data.ts";
import {
  RESULTS_SCHEMA_PATH,
  type ResultsFile,
  renderResults,
  type ScenarioResult,
} from "./results.ts";
import { ReportWriteError, reportPaths, runInfo } from "./write-reports.ts";

// A rerun (`--failed`) of the cases an earlier run left red updates that run's reports: each
// rerun case's result replaces the earlier one, marked `rerun`, and every other case keeps
// the result it had. The reports then still cover the whole run, not only what was rerun.

const RERUN_MARK = " (rerun)";

/** The report files of a rerun over `last` (the earlier run's results.json), when it finishes. */
export function rerunReportFiles(dir: string, last: ResultsFile): Subscriber {
  return async (event) => {
    if (event.type === "run-finished") await writeRerunReports(dir, last, event.run);
  };
}

export async function writeRerunReports(
  dir: string,
  last: ResultsFile,
  rerun: FinishedRun,
): Promise<void> {
  const texts = renderRerun(last, rerun);
  const paths = reportPaths(dir);
  try {
    await mkdir(resolve(dir), { recursive: true });
    await writeFile(paths.results, texts.results, "utf8");
    await writeFile(paths.junit, texts.junit, "utf8");
    await writeFile(paths.markdown, texts.markdown, "utf8");
    await writeFile(paths.html, texts.html, "utf8");
  } catch (error) {
    throw new ReportWriteError(
      `cannot write the reports into ${resolve(dir)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The four reports of `last` with the rerun's results in place of the earlier ones. */
export function renderRerun(
  last: ResultsFile,
  rerun: FinishedRun,
): { results: string; junit: string; markdown: string; html: string } {
  const info = runInfo(rerun);
  // The rerun as results.json writes it: redacted, picked field by field.
  const fresh = JSON.parse(renderResults(rerun.outcomes, info, rerun.knownSecrets)) as ResultsFile;
  const outcomeById = new Map(rerun.outcomes.map((o) => [o.scenario.id, o]));
  const replaces = (entry: ScenarioResult) =>
    outcomeById.has(entry.id) && (entry.target ?? last.run.target) === info.target;
  const entries: ScenarioResult[] = [];
  const outcomes: ScenarioOutcome[] = [];
  for (const entry of last.scenarios) {
    const outcome = replaces(entry) ? outcomeById.get(entry.id) : undefined;
    const result = outcome && fresh.scenarios.find((f) => f.id === entry.id);
    if (outcome && result) {
      entries.push({ ...result, ...(entry.target && { target: entry.target }), rerun: true });
      outcomes.push(marked(outcome));
    } else {
      entries.push(entry);
      const rebuilt = outcomeOfResult(entry, last.run);
      outcomes.push(entry.rerun ? marked(rebuilt) : rebuilt);
    }
  }
  const leftovers = [...(last.run.leftovers ?? []), ...(fresh.run.leftovers ?? [])];
  const run: RunInfo = {
    target: last.run.target,
    family: last.run.family,
    mode: last.run.mode,
    startedAt: new Date(last.run.startedAt),
    finishedAt: info.finishedAt,
    ...(leftovers.length > 0 && { leftovers }),
  };
  const file: ResultsFile = {
    $schema: RESULTS_SCHEMA_PATH,
    schemaVersion: last.schemaVersion,
    run: {
      target: run.target,
      family: run.family,
      mode: run.mode,
      startedAt: last.run.startedAt,
      finishedAt: run.finishedAt.toISOString(),
      durationMs: last.run.durationMs + (info.finishedAt.getTime() - info.startedAt.getTime()),
      // The rerun updates the last run: its shard and selection stay those of that run.
      ...(last.run.shard && { shard: last.run.shard }),
      ...(last.run.selection && { selection: last.run.selection }),
      ...(leftovers.length > 0 && { leftovers }),
    },
    summary: tally(outcomes),
    scenarios: entries,
  };
  const agreed = timeToAgree(outcomes);
  if (Object.keys(agreed).length > 0) file.timeToAgree = agreed;
  const secrets = rerun.knownSecrets;
  return {
    results: `${JSON.stringify(file, null, 2)}\n`,
    junit: renderJunit(outcomes, run, secrets),
    markdown: renderMarkdown(outcomes, run, [], secrets),
    html: renderHtmlReport(outcomes, run, loadDeviations(run.family), secrets),
  };
}

/** The reports other than results.json say "(rerun)" in the case's title. */
function marked(outcome: ScenarioOutcome): ScenarioOutcome {
  return {
    ...outcome,
    scenario: { ...outcome.scenario, title: `${outcome.scenario.title}${RERUN_MARK}` },
  };
}

/**
 * An earlier result as an outcome the reports can render. A green case's exchanges are not in
 * results.json: its call under test is rebuilt from the summary (method, path, status, content
 * types), without bodies.
 */
function outcomeOfResult(result: ScenarioResult, run: ResultsFile["run"]): ScenarioOutcome {
  const exchanges = result.exchanges ?? (result.call ? [callOf(result.call)] : []);
  const callIndex = result.exchanges ? result.callIndex : result.call ? 0 : undefined;
  return {
    scenario: {
      id: result.id,
      title: result.title,
      operation: result.operation,
      category: result.category,
      documented: result.documented,
      ...(result.version !== undefined && { version: result.version }),
      ...(result.microversion !== undefined && { microversion: result.microversion }),
    },
    target: { name: result.target ?? run.target, family: run.family, mode: run.mode },
    verdict: result.verdict,
    ...(result.reason !== undefined && { reason: result.reason }),
    expected: result.expected,
    findings: result.findings,
    exchanges,
    ...(callIndex !== undefined && { callIndex }),
    leftovers: result.leftovers,
    durationMs: result.durationMs,
    ...(result.measurements && { measurements: result.measurements }),
  };
}
