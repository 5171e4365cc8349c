// The replay path of `otc-detach-conformance` (src/cli/main.ts, runCatalog), step by step with
// a clock: the same modules, the same calls, reporters included. Its last line of output is
// JSON: marks in ms since the process started (performance.now()), for bench/replay-overhead.ts.
// `node bench/replay/load-ts.mjs bench/replay/phases.ts <reports-dir> [import-only|contract]`
const started = performance.now();
const [reports, stopAfter] = process.argv.slice(3);
if (!reports) throw new Error("usage: phases.ts <reports-dir> [import-only|contract]");
const marks: Record<string, number> = { started };
/** CPU ms (user + system) of this process at each mark. */
const cpu: Record<string, number> = { started: cpuMs() };
const mark = (name: string) => {
  marks[name] = performance.now();
  cpu[name] = cpuMs();
};
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
let exchanges = 0;
const done = () => {
  process.stdout.write(`${JSON.stringify({ marks, cpu, exchanges })}\n`);
  process.exit(0);
};

// Every module the command line loads, as `scripts/conformance.ts` loads them.
await import("../../src/cli/main.ts");
const { CATALOG } = await import("../../tests/scenarios/catalog.ts");
const { loadContract } = await import("../../src/contract/load-spec.ts");
const { loadDeviations } = await import("../../src/deviations/deviations.ts");
const { runScenarios } = await import("../../src/engine/run.ts");
const { createTarget } = await import("../../src/targets/create.ts");
const { consoleReporter } = await import("../../src/reports/console.ts");
const { reportFiles } = await import("../../src/reports/write-reports.ts");
mark("imported");
if (stopAfter === "import-only") done();

const contract = await loadContract();
mark("contract");
if (stopAfter === "contract") done();

const target = await createTarget({ mode: "replay" }, contract);
mark("target");
// The console lines go where the command's go: stdout, a pipe to the bench.
const lines = consoleReporter({
  out: process.stdout,
  err: process.stderr,
  color: false,
  verbose: false,
  knownSecrets: () => [],
});
const files = reportFiles(reports);
const run = await runScenarios({
  target,
  scenarios: CATALOG,
  deviations: loadDeviations(target.family),
  subscribers: [
    lines,
    (event) => {
      // The report files are written when the run has finished.
      if (event.type === "run-finished") mark("ran");
      return files(event);
    },
  ],
  wholeCatalog: true,
});
mark("reports");
await target.close();
mark("closed");
exchanges = run.outcomes.reduce((n, o) => n + o.exchanges.length, 0);
done();
