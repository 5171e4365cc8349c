import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadDeviations } from "../deviations/deviations.ts";
import type { FinishedRun, Subscriber } from "../engine/events.ts";
import { renderHtmlReport } from "./html.ts";
import { renderJunit } from "./junit.ts";
import { renderMarkdown } from "./markdown.ts";
import type { Partition } from "./partition.ts";
import type { RunInfo } from "./report-data.ts";
import { renderResults } from "./results.ts";

export interface ReportPaths {
  results: string;
  junit: string;
  markdown: string;
  html: string;
}

export class ReportWriteError extends Error {}

/** The names of the files a run writes into its reports folder. */
export function reportPaths(dir: string): ReportPaths {
  const folder = resolve(dir);
  return {
    results: join(folder, "results.json"),
    junit: join(folder, "junit.xml"),
    markdown: join(folder, "summary.md"),
    html: join(folder, "index.html"),
  };
}

export function runInfo(run: FinishedRun, partition?: Partition): RunInfo {
  const { name, family, mode } = run.target;
  return {
    target: name,
    family,
    mode,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...(run.leftovers.length > 0 && { leftovers: run.leftovers }),
    ...(run.staleDeviations.length > 0 && { staleDeviations: run.staleDeviations }),
    ...(partition && { partition }),
  };
}

/**
 * Writes results.json, junit.xml, summary.md and index.html into `dir`, creating it. Each report scrubs
 * the credentials the outcomes' exchanges carry and the run's `knownSecrets` (e.g. the password
 * of the target description, which no exchange carries).
 */
export async function writeReports(
  dir: string,
  run: FinishedRun,
  partition?: Partition,
): Promise<ReportPaths> {
  const paths = reportPaths(dir);
  const info = runInfo(run, partition);
  const { outcomes, knownSecrets } = run;
  const texts: [string, string][] = [
    [paths.results, renderResults(outcomes, info, knownSecrets)],
    [paths.junit, renderJunit(outcomes, info, knownSecrets)],
    [paths.markdown, renderMarkdown(outcomes, info, run.staleDeviations, knownSecrets)],
    // The deviations file gives the reasons behind each deviation id the outcomes name.
    [paths.html, renderHtmlReport(outcomes, info, loadDeviations(info.family), knownSecrets)],
  ];
  try {
    await mkdir(resolve(dir), { recursive: true });
    for (const [path, text] of texts) await writeFile(path, text, "utf8");
  } catch (error) {
    throw new ReportWriteError(
      `cannot write the reports into ${resolve(dir)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return paths;
}

/** The report files, written when the run finishes; `partition` says which shard it was. */
export function reportFiles(dir: string, partition?: Partition): Subscriber {
  return async (event) => {
    if (event.type === "run-finished") await writeReports(dir, event.run, partition);
  };
}
