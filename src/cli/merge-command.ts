import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { Scenario } from "../engine/scenario.ts";
import { countsLine } from "../reports/console.ts";
import { exitCodeFor } from "../reports/exit-codes.ts";
import { MergeError, mergeResults, readShardResults, renderMerged } from "../reports/merge.ts";
import { tally } from "../reports/report-data.ts";
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
      const { outcomes, run } = mergeResults(
        shards,
        catalog.map((scenario) => scenario.id),
      );
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
        `${countsLine(tally(outcomes))} (${shards.length} results files, ${run.target})\nreports: results.json, junit.xml, summary.md, index.html in ${resolve(options.reports)}\n`,
      );
      process.exitCode = exitCodeFor(outcomes);
    });
}
