// `npm run bench`: the suite's own speed, each figure beside its floor, in one run.
// Each measurement runs in a process of its own (bench/lib/child.ts); live measurements use
// the project's OpenStack target when it is up (`npm run target:start`) and are skipped when
// it is not. Writes bench/results.json and bench/results.md, and the Speed table of docs/architecture.md.
//
//   npm run bench                       everything, with the defaults of bench/lib/options.ts
//   npm run bench -- --live-runs 3      the live catalog 3 times (default once: the target is shared)
//   npm run bench -- --only replay-overhead,exchange-cost --repeats 3
//   npm run bench -- --skip-live --no-write
//   npm run bench -- --render-only      results.md and the Speed table again from results.json
// With --only, the measurements not selected keep their figures from results.json, marked as
// an earlier run's.
// Before each measurement it waits up to --quiet-wait seconds (default 600) for other users'
// load to pass, and records what the machine did meanwhile.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { between, snapshot, waitForQuiet } from "./lib/load.ts";
import { currentLoad, machine } from "./lib/machine.ts";
import { type BenchOptions, DEFAULT_OPTIONS } from "./lib/options.ts";
import { RESULTS_JSON, RESULTS_MD, ROOT, SPEED_PAGE, WORK_DIR } from "./lib/paths.ts";
import {
  type BenchResults,
  type Outcome,
  readmeSection,
  resultsMarkdown,
  summaryRows,
  table,
} from "./lib/report.ts";
import { ownTargetUnavailable } from "./lib/target.ts";

/** In this order: the quiet, offline figures first, then those that load the target. */
const MEASUREMENTS = [
  { name: "exchange-cost", key: "exchangeCost", live: false },
  { name: "replay-overhead", key: "replayOverhead", live: false },
  { name: "live-run", key: "liveRun", live: true },
  { name: "state-latency", key: "stateLatency", live: true },
] as const;

const TABLE_START = "<!-- bench:start -->";
const TABLE_END = "<!-- bench:end -->";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    repeats: { type: "string" },
    "live-runs": { type: "string" },
    samples: { type: "string" },
    "no-vitest": { type: "boolean", default: false },
    "skip-live": { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
    "quiet-wait": { type: "string" },
    "render-only": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(
    `npm run bench -- [--only ${MEASUREMENTS.map((m) => m.name).join(",")}] [--repeats n] [--live-runs n] [--samples n] [--no-vitest] [--skip-live] [--no-write] [--quiet-wait seconds] [--render-only]\n`,
  );
  process.exit(0);
}
if (values["render-only"]) {
  // After a change of bench/lib/report.ts: the same figures, written again.
  writeOutputs(JSON.parse(readFileSync(RESULTS_JSON, "utf8")) as BenchResults);
  process.exit(0);
}
const count = (value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${value} is not a positive whole number`);
  return n;
};
const options: BenchOptions = {
  repeats: count(values.repeats, DEFAULT_OPTIONS.repeats),
  liveRuns: count(values["live-runs"], DEFAULT_OPTIONS.liveRuns),
  latencySamples: count(values.samples, DEFAULT_OPTIONS.latencySamples),
  vitest: !values["no-vitest"],
};
/** How long to wait, before each measurement, for other users' load to pass. */
const quietWaitS = values["quiet-wait"] === undefined ? 600 : Number(values["quiet-wait"]);
const only = values.only?.split(",").map((name) => name.trim());
for (const name of only ?? []) {
  if (!MEASUREMENTS.some((m) => m.name === name)) throw new Error(`no measurement named ${name}`);
}

const started = performance.now();
const results: Partial<BenchResults> & Pick<BenchResults, "date" | "machine" | "options"> = {
  date: new Date().toISOString(),
  machine: machine(),
  options,
};
const unavailable = values["skip-live"] ? "--skip-live was given" : await ownTargetUnavailable();
const earlier = only ? earlierResults() : undefined;
mkdirSync(WORK_DIR, { recursive: true });
for (const m of MEASUREMENTS) {
  let outcome: Outcome<unknown>;
  if (only && !only.includes(m.name)) {
    outcome = carriedOver(earlier, m.key) ?? { ok: false, skipped: "not selected (--only)" };
  } else if (m.live && unavailable)
    outcome = { ok: false, skipped: `no live target: ${unavailable}` };
  else {
    const quiet = await waitForQuiet(quietWaitS, (line) => process.stderr.write(`  ${line}\n`));
    process.stderr.write(`${m.name}…\n`);
    const before = snapshot();
    outcome = await inChild(m.name, options);
    if (outcome.ok) outcome.load = { ...between(before, snapshot()), quietBefore: quiet };
  }
  (results as Record<string, unknown>)[m.key] = outcome;
}
results.machine.loadAverage.end = currentLoad();
results.durationS = Math.round((performance.now() - started) / 1000);
const complete = results as BenchResults;

process.stdout.write(`\n${table(summaryRows(complete))}\n\n`);
if (!values["no-write"]) {
  writeFileSync(RESULTS_JSON, `${JSON.stringify(complete, null, 2)}\n`);
  await formatJson(RESULTS_JSON);
  writeOutputs(complete);
}

function earlierResults(): BenchResults | undefined {
  try {
    return JSON.parse(readFileSync(RESULTS_JSON, "utf8")) as BenchResults;
  } catch {
    return undefined;
  }
}

/** With --only, a measurement not selected keeps its last figures, marked with their date. */
function carriedOver(
  results: BenchResults | undefined,
  key: (typeof MEASUREMENTS)[number]["key"],
): Outcome<unknown> | undefined {
  const outcome = results?.[key];
  if (!results || !outcome?.ok) return undefined;
  return { ...outcome, measuredAt: outcome.measuredAt ?? results.date };
}

function writeOutputs(figures: BenchResults): void {
  writeFileSync(RESULTS_MD, resultsMarkdown(figures));
  updateSpeedPage(readmeSection(figures));
  process.stdout.write(
    "written: bench/results.json, bench/results.md, docs/architecture.md (Speed)\n",
  );
}

/** Runs a measurement module in a fresh process and reads its JSON result. */
async function inChild(name: string, benchOptions: BenchOptions): Promise<Outcome<unknown>> {
  const out = join(WORK_DIR, `${name}.json`);
  rmSync(out, { force: true });
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "bench/lib/child.ts"),
        name,
        JSON.stringify(benchOptions),
        out,
      ],
      { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] },
    );
    child.on("close", resolve);
  });
  try {
    return { ok: true, result: JSON.parse(readFileSync(out, "utf8")) };
  } catch {
    return { ok: false, error: `${name} ended with exit code ${code}; its output above says why` };
  }
}

/** Biome checks every JSON file of the repository: write results.json as it would. */
function formatJson(file: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, "node_modules/.bin/biome"), ["format", "--write", file], {
      cwd: ROOT,
      stdio: "ignore",
    });
    child.on("close", () => resolve());
    child.on("error", () => resolve());
  });
}

function updateSpeedPage(section: string): void {
  const text = readFileSync(SPEED_PAGE, "utf8");
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    process.stderr.write(
      `docs/architecture.md has no ${TABLE_START} … ${TABLE_END}: Speed table not updated\n`,
    );
    return;
  }
  writeFileSync(
    SPEED_PAGE,
    `${text.slice(0, start + TABLE_START.length)}\n${section}\n${text.slice(end)}`,
  );
}
