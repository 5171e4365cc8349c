import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { loadDeviations } from "../deviations/deviations.ts";
import type { ScenarioOutcome } from "../engine/outcome.ts";
import { ledgerUse } from "../engine/run.ts";
import type { Scenario } from "../engine/scenario.ts";
import { countsLine, staleLine } from "../reports/console.ts";
import { exitCodeFor } from "../reports/exit-codes.ts";
import { MergeError, mergeResults, readShardResults, renderMerged } from "../reports/merge.ts";
import { counted, tally } from "../reports/report-data.ts";
import { reportPaths } from "../reports/write-reports.ts";

/**
 * `merge`: joins the results.json of shards (`--shard i/n`) and of runs on several targets into
 * one results.json, junit.xml, summary.md and index.html; exits as a run with those verdicts.
 */
export function mergeCommand(program: Command, catalog: readonly Scenario[]): void {
  program
    .command("merge")
    .description("join the results.json of shards and of several targets into one set of reports")
    .argument("<results...>", "results.json files, or the reports folders that hold them")
    .option("--reports <dir>", "where the merged reports are written", "reports")
    .action(async (paths: string[], options: { reports: string }) => {
      const shards = await readShardResults(paths);
      const merged = mergeResults(
        shards,
        catalog.map((scenario) => scenario.id),
      );
      const { outcomes } = merged;
      // Shards that together ran the whole catalog on every target tell stale ledger entries.
      const { staleDeviations } = ledgerUse(
        loadDeviations(merged.run.family),
        outcomes,
        coversCatalog(outcomes, catalog),
      );
      const run = { ...merged.run, ...(staleDeviations.length > 0 && { staleDeviations }) };
      const texts = renderMerged(outcomes, run);
      const files = reportPaths(options.reports);
      try {
        await mkdir(resolve(options.reports), { recursive: true });
        for (const key of ["results", "junit", "markdown", "html"] as const) {
          await writeFile(files[key], texts[key], "utf8");
        }
      } catch (error) {
        throw new MergeError(
          `cannot write the merged reports into ${resolve(options.reports)}: ${(error as Error).message}`,
        );
      }
      process.stdout.write(
        `${countsLine(tally(outcomes))} (${counted(shards.length, "results file")}, ${run.target})\nreports: results.json, junit.xml, summary.md, index.html in ${resolve(options.reports)}\n`,
      );
      for (const id of staleDeviations) process.stdout.write(`${staleLine(id, run.family)}\n`);
      for (const problem of run.incomplete ?? []) process.stdout.write(`incomplete: ${problem}\n`);
      process.exitCode = exitCodeFor(outcomes, staleDeviations, run.incomplete);
    });
}

/** Whether every target of the merged outcomes has a verdict for every case of the catalog. */
function coversCatalog(outcomes: ScenarioOutcome[], catalog: readonly Scenario[]): boolean {
  const byTarget = new Map<string, Set<string>>();
  for (const o of outcomes) {
    byTarget.set(o.target.name, (byTarget.get(o.target.name) ?? new Set()).add(o.scenario.id));
  }
  return [...byTarget.values()].every((ids) => catalog.every((scenario) => ids.has(scenario.id)));
}
