import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ResultsFile } from "../../src/reports/results.ts";
import { OWN_TARGET_FILE, ROOT, VITEST_BIN, WORK_DIR } from "./paths.ts";
import { type Measured, measureProcess } from "./process-tree.ts";

/** The package's bin, run with this Node: what `npm run conformance` runs, without npm's start-up. */
const CLI = join(ROOT, "scripts/otc-detach-conformance.mjs");
/** How often a measured process's peak RSS is read (VmHWM: a peak between reads still counts). */
const PEAK_MS = 25;

export interface CliRun {
  /** Names the run's report folder under .state/bench/reports/. */
  label: string;
  mode: "replay" | "live";
  /** Scenario ids (or unique prefixes) to run alone; default the whole catalog. */
  scenarios?: string[];
}

export interface CliResult extends Measured {
  /** The run's results.json; absent when the run never finished. */
  results?: ResultsFile;
}

/**
 * One `otc-detach-conformance` run, as a user starts it, in a fresh process: the wall time
 * includes Node's and tsx's start-up, the imports, the contract, the catalog and the reports.
 * Live runs always go to the project's own target.
 */
export async function runCli(run: CliRun): Promise<CliResult> {
  const reports = join(WORK_DIR, "reports", run.label);
  rmSync(reports, { recursive: true, force: true });
  const args = [
    ...(run.mode === "live" ? ["run", "--target", OWN_TARGET_FILE] : ["replay"]),
    "--reports",
    reports,
    ...(run.scenarios ? ["--scenario", ...run.scenarios] : []),
  ];
  const measured = await measureProcess(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    peakMs: PEAK_MS,
  });
  try {
    const results = JSON.parse(readFileSync(join(reports, "results.json"), "utf8")) as ResultsFile;
    return { ...measured, results };
  } catch {
    return measured; // The caller reports the exit code and output.
  }
}

/** A plain Node process, `node …args` in the repository (no tsx unless the script registers it). */
export function runNode(args: string[]): Promise<Measured> {
  return measureProcess(process.execPath, args, {
    cwd: ROOT,
    peakMs: PEAK_MS,
  });
}

/**
 * The catalog as vitest tests (tests/conformance/catalog.test.ts, replay): `vitest run
 * --project conformance` as `npm test` runs it, without npm's start-up. It writes no reports.
 */
export function runVitestCatalog(): Promise<Measured> {
  const env: NodeJS.ProcessEnv = { ...process.env, CONFORMANCE_MODE: "replay" };
  delete env.CONFORMANCE_TARGET;
  return measureProcess(process.execPath, [VITEST_BIN, "run", "--project", "conformance"], {
    cwd: ROOT,
    env,
    peakMs: PEAK_MS,
  });
}

/** Whether a catalog run ended green: exit 0 and no scenario fails or errors. */
export function isGreen(run: CliResult): boolean {
  const summary = run.results?.summary;
  return run.code === 0 && summary !== undefined && summary.fails + summary.error === 0;
}

/** The end of a failed run's output, for the bench's own error message. */
export function tail(run: Measured, lines = 15): string {
  return `${run.stdout}\n${run.stderr}`.trim().split("\n").slice(-lines).join("\n");
}
