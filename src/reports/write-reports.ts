import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadDeviations } from "../deviations/deviations.ts";
import type { ScenarioOutcome } from "../engine/outcome.ts";
import { renderHtmlReport } from "./html.ts";
import { renderJunit } from "./junit.ts";
import { renderMarkdown } from "./markdown.ts";
import type { RunInfo } from "./report-data.ts";
import { renderResults } from "./results.ts";

export interface ReportPaths {
  results: string;
  junit: string;
  markdown: string;
  html: string;
}

export class ReportWriteError extends Error {}

/**
 * Writes results.json, junit.xml, summary.md and index.html into `dir`, creating it. `knownSecrets` adds to
 * the credentials each report already finds in the outcomes' exchanges (e.g. the password of
 * the target description, which no exchange carries).
 */
export async function writeReports(
  dir: string,
  outcomes: ScenarioOutcome[],
  run: RunInfo,
  staleDeviations: string[],
  knownSecrets: string[] = [],
): Promise<ReportPaths> {
  const folder = resolve(dir);
  const paths: ReportPaths = {
    results: join(folder, "results.json"),
    junit: join(folder, "junit.xml"),
    markdown: join(folder, "summary.md"),
    html: join(folder, "index.html"),
  };
  const texts: [string, string][] = [
    [paths.results, renderResults(outcomes, run, knownSecrets)],
    [paths.junit, renderJunit(outcomes, run, knownSecrets)],
    [paths.markdown, renderMarkdown(outcomes, run, staleDeviations, knownSecrets)],
    // The deviations file gives the reasons behind each deviation id the outcomes name.
    [paths.html, renderHtmlReport(outcomes, run, loadDeviations(run.family), knownSecrets)],
  ];
  try {
    await mkdir(folder, { recursive: true });
    for (const [path, text] of texts) await writeFile(path, text, "utf8");
  } catch (error) {
    throw new ReportWriteError(
      `cannot write the reports into ${folder}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return paths;
}
