import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Selection } from "../../src/engine/selection.ts";
import type { ResultsFile } from "../../src/reports/results.ts";
import { OWN_TARGET_FILE, ROOT, VITEST_BIN, WORK_DIR } from "./paths.ts";
import { type Measured, measureProcess } from "./process-tree.ts";

/** Options of the conformance project that a variant changes (see vitest.config.ts). */
export type ProjectOverrides = Record<string, unknown>;

export interface ConformanceRun {
  /** Names the run's report folder under .state/bench/reports/. */
  label: string;
  mode: "replay" | "live";
  selection?: Selection;
  /** Runs with vitest.config.ts's conformance project changed by these options. */
  overrides?: ProjectOverrides;
  /** Runs these test files instead of the catalog, with the conformance project's options. */
  include?: string[];
  sampleMs?: number;
}

export interface ConformanceResult extends Measured {
  /** The run's results.json; absent for other test files, or when the catalog never finished. */
  results?: ResultsFile;
}

/**
 * One `vitest run --project conformance`, as `npm test` and the CLI run it, in a fresh
 * process: the wall time includes vitest's start-up, the import of the harness and the
 * contract, the catalog, and the reports. Live runs always go to the project's own target.
 */
export async function runConformance(run: ConformanceRun): Promise<ConformanceResult> {
  const reports = join(WORK_DIR, "reports", run.label);
  rmSync(reports, { recursive: true, force: true });
  const config =
    run.overrides || run.include ? derivedConfig(run.label, run.overrides, run.include) : undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONFORMANCE_MODE: run.mode,
    CONFORMANCE_REPORTS: reports,
    CONFORMANCE_SELECT: JSON.stringify(run.selection ?? {}),
    ...(run.mode === "live" ? { CONFORMANCE_TARGET: OWN_TARGET_FILE } : {}),
  };
  delete env.CONFORMANCE_CASSETTES;
  const measured = await measureProcess(
    process.execPath,
    [VITEST_BIN, "run", "--project", "conformance", ...(config ? ["--config", config] : [])],
    { cwd: ROOT, env, ...(run.sampleMs ? { sampleMs: run.sampleMs } : {}) },
  );
  let results: ResultsFile | undefined;
  if (!run.include) {
    try {
      results = JSON.parse(readFileSync(join(reports, "results.json"), "utf8")) as ResultsFile;
    } catch {
      // The catalog did not finish; the caller reports the exit code and output.
    }
  }
  return { ...measured, ...(results && { results }) };
}

/**
 * A vitest config whose only project is vitest.config.ts's conformance project, with its
 * options changed by `overrides` and, for the floor, other test files.
 */
function derivedConfig(label: string, overrides?: ProjectOverrides, include?: string[]): string {
  const dir = join(WORK_DIR, "configs");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${label.replace(/[^\w-]/g, "_")}.config.ts`);
  const base = relative(dir, join(ROOT, "vitest.config.ts"));
  const changes = { ...overrides, ...(include && { include }) };
  writeFileSync(
    file,
    `// Written by bench/lib/vitest-run.ts for one bench run; not a config to use by hand.
import { defineConfig } from "vitest/config";
import base from ${JSON.stringify(base)};

type Project = { test?: { name?: string } & Record<string, unknown> };
const projects = (base.test?.projects ?? []) as Project[];
const conformance = projects.find((project) => project.test?.name === "conformance");
if (!conformance) throw new Error("vitest.config.ts has no project named conformance");

export default defineConfig({
  root: ${JSON.stringify(ROOT)},
  test: {
    projects: [{ ...conformance, test: { ...conformance.test, ...${JSON.stringify(changes)} } }],
  },
});
`,
  );
  return file;
}

/** A test file of `count` trivial tests, run like the catalog: the floor of a vitest run. */
export function writeFloorFile(count: number): string {
  const dir = join(WORK_DIR, "floor");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "trivial.test.ts");
  const tests = Array.from(
    { length: count },
    (_, i) => `test("trivial ${i}", () => {\n  expect(${i}).toBe(${i});\n});\n`,
  );
  writeFileSync(file, `import { expect, test } from "vitest";\n\n${tests.join("\n")}`);
  return relative(ROOT, file);
}

/** The end of a failed run's output, for the bench's own error message. */
export function tail(run: Measured, lines = 15): string {
  return `${run.stdout}\n${run.stderr}`.trim().split("\n").slice(-lines).join("\n");
}
