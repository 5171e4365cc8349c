import type { ExchangeCostResult } from "../exchange-cost.ts";
import type { LiveRunResult } from "../live-run.ts";
import type { ReplayOverheadResult } from "../replay-overhead.ts";
import type { StateLatencyResult, Transition } from "../state-latency.ts";
import type { LoadFigures, QuietWait } from "./load.ts";
import type { Machine } from "./machine.ts";
import type { BenchOptions } from "./options.ts";
import { median } from "./stats.ts";

/** Tempest's detach tests on the same kind of target, serially (docs/sources.md#tempest-baseline). */
const TEMPEST = { tests: 6, wallMs: 58_500 };

/**
 * "Well under a minute" for the live catalog: three quarters of one, which leaves a quarter
 * for a slower or busier machine.
 */
const WELL_UNDER_A_MINUTE_MS = 45_000;

/** A measurement's figures (with the machine's load meanwhile), or why there are none. */
export type Outcome<T> =
  | {
      ok: true;
      result: T;
      load?: LoadFigures & { quietBefore?: QuietWait };
      /** Set when the figures are an earlier run's, kept by a run with `--only`: its date. */
      measuredAt?: string;
    }
  | { ok: false; skipped?: string; error?: string };

export interface BenchResults {
  date: string;
  durationS: number;
  machine: Machine;
  options: BenchOptions;
  exchangeCost: Outcome<ExchangeCostResult>;
  replayOverhead: Outcome<ReplayOverheadResult>;
  liveRun: Outcome<LiveRunResult>;
  stateLatency: Outcome<StateLatencyResult>;
}

interface Row {
  measurement: string;
  figure: string;
  floor: string;
  ratio: string;
  target: string;
  met: string;
}

const s = (value: number) => `${(value / 1000).toFixed(2)} s`;
const ms = (value: number) => `${Math.round(value)} ms`;
const us = (value: number) => `${Math.round(value)} µs`;
const x = (value: number) => `${value.toFixed(2)}×`;
const pct = (value: number, limit: number) => `${Math.round((value / limit - 1) * 100)} %`;
const verdict = (met: boolean, value: number, limit: number) =>
  met ? "met" : `missed by ${pct(value, limit)}`;
const range = (v: { median: number; min: number; max: number }, unit: (n: number) => string) =>
  `${unit(v.median)} (${unit(v.min)}–${unit(v.max)})`;

/** The summary table: one row per figure, in docs/architecture.md and results.md alike. */
export function summaryRows(results: BenchResults): Row[] {
  const rows: Row[] = [];
  const { replayOverhead: replay, exchangeCost: exchange, liveRun: live } = results;
  const { stateLatency: latency } = results;
  if (replay.ok) {
    const r = replay.result;
    const floor = `${s(r.floor.wallMs.median)}: plain Node, the ${r.floorExchanges} recorded exchanges as bare fetch, keep-alive, 127.0.0.1`;
    rows.push({
      measurement: `Replay: \`npm run conformance\`, whole catalog (${r.scenarios} scenarios), one Node process`,
      figure: s(r.command.wallMs.median),
      floor,
      ratio: x(r.ratio),
      target: `≤ ${r.target.ratio}×`,
      met: `${verdict(r.ratio <= r.target.ratio, r.ratio, r.target.ratio)}${r.command.green ? "" : "; NOT every run green"}; cannot go: ${s(cannotGoMs(r))} (${x(cannotGoMs(r) / r.floor.wallMs.median)})`,
    });
    const peak = r.command.peakRssMiB.median;
    rows.push({
      measurement: "Replay: peak RSS of that process",
      figure: `${peak} MiB`,
      floor: `${r.floor.peakRssMiB.median} MiB: the floor process`,
      ratio: x(peak / r.floor.peakRssMiB.median),
      target: `< ${r.target.peakMiB} MiB`,
      met: verdict(peak < r.target.peakMiB, peak, r.target.peakMiB),
    });
    if (r.vitest) {
      rows.push({
        measurement: "Replay: the catalog as vitest tests (`vitest run --project conformance`)",
        figure: `${s(r.vitest.wallMs.median)}, ${r.vitest.peakRssMiB.median} MiB`,
        floor: `${s(r.floor.wallMs.median)}, ${r.floor.peakRssMiB.median} MiB: the same floor`,
        ratio: x(r.vitest.ratio),
        target: "(report)",
        met: r.vitest.green ? "every run green" : "NOT every run green",
      });
    }
  } else rows.push(missing("Replay: whole catalog", replay));
  if (exchange.ok) {
    const r = exchange.result;
    rows.push({
      measurement: `Replay path + checks, per recorded exchange (${r.exchanges})`,
      figure: us(r.harnessUs.median),
      floor: `${us(r.bareFetchUs.median)}: bare fetch, keep-alive, 127.0.0.1`,
      ratio: x(r.ratio),
      target: "(report)",
      met: `checks ${r.checksUs.median.toFixed(1)} µs; nock ${us(r.nockUs.median)}, ${us(r.nockCpuUs.median)} of it CPU`,
    });
  } else rows.push(missing("Replay path + checks, per exchange", exchange));
  if (live.ok) {
    const r = live.result;
    const c = r.catalog;
    const st = c.stability;
    rows.push({
      measurement: "Live: whole catalog, `otc-detach-conformance run`, scenarios side by side",
      figure: s(c.wallMs.median),
      floor: `${s(r.slowest.wallMs.median)}: slowest scenario alone`,
      ratio: x(c.ratio),
      target: `≤ ${r.target.ratio}×, no flakes in ${r.target.runs} run(s)`,
      met: `ratio ${verdict(c.ratio <= r.target.ratio, c.ratio, r.target.ratio)}; verdicts ${
        st.stable
          ? `identical in ${st.runs}/${st.runs} run(s)`
          : `UNSTABLE (${st.unstable.length} scenarios)`
      }${st.leftovers.length ? `; ${st.leftovers.length} clean-up step(s) failed` : ""}; peak RSS ${c.peakRssMiB.median} MiB`,
    });
    const perCase = c.wallMs.median / r.scenarios;
    rows.push({
      measurement: `Live: per case, the catalog's wall time over its ${r.scenarios} cases`,
      figure: s(perCase),
      floor: `${s(TEMPEST.wallMs / TEMPEST.tests)}: Tempest 33, its ${TEMPEST.tests} detach tests in ${s(TEMPEST.wallMs)} on the same kind of target (docs/sources.md#tempest-baseline)`,
      ratio: x(perCase / (TEMPEST.wallMs / TEMPEST.tests)),
      target: `≤ 1×; the catalog well under a minute (≤ ${WELL_UNDER_A_MINUTE_MS / 1000} s)`,
      met: `per case ${verdict(perCase <= TEMPEST.wallMs / TEMPEST.tests, perCase, TEMPEST.wallMs / TEMPEST.tests)}; catalog ${verdict(c.wallMs.median <= WELL_UNDER_A_MINUTE_MS, c.wallMs.median, WELL_UNDER_A_MINUTE_MS)}`,
    });
  } else rows.push(missing("Live: whole catalog", live));
  if (latency.ok) {
    const r = latency.result;
    const after = (kinds: Transition["kind"][]) =>
      ms(
        median(
          r.transitions.filter((t) => kinds.includes(t.kind)).map((t) => t.serverAt - t.startAt),
        ),
      );
    for (const [name, l] of [
      [`fast transition (available ${after(["create", "detach"])} after the call)`, r.latency.fast],
      [
        `slow transition (held at detaching ${r.hold.minMs / 1000}–${r.hold.maxMs / 1000} s by a proxy; available ${after(["held-detach"])} after the call)`,
        r.latency["held-detach"],
      ],
    ] as const) {
      rows.push({
        measurement: `State detection, ${name}: volume reaches available → waiter notices (medians)`,
        figure: ms(l.waiter.median),
        floor: `${ms(l.fixed.median)}: fixed 1 s poll, first poll at a random moment`,
        ratio: x(l.waiter.median / l.fixed.median),
        target: `≤ ${r.target.medianMs} ms`,
        met: verdict(l.waiter.median <= r.target.medianMs, l.waiter.median, r.target.medianMs),
      });
    }
    const long = r.rates.find((rate) => rate.steadyRps !== null);
    const peak = Math.max(...r.rates.map((rate) => rate.peakPerSecond));
    rows.push({
      measurement: "Waiter requests per second per resource",
      figure: long
        ? `${long.steadyRps} after the 1st second; ${peak} in the 1st`
        : `${peak} in the 1st second`,
      floor: "1: fixed 1 s poll",
      ratio: "—",
      target: `≤ ${r.target.rps} req/s`,
      met: `steady ${long && (long.steadyRps ?? 0) <= r.target.rps ? "met" : "missed"}; first second ${
        peak <= r.target.rps ? "met" : `missed by ${pct(peak, r.target.rps)}`
      }`,
    });
  } else rows.push(missing("State detection latency", latency));
  return rows;
}

function missing(measurement: string, outcome: { skipped?: string; error?: string }): Row {
  return {
    measurement,
    figure: "—",
    floor: "—",
    ratio: "—",
    target: "—",
    met: outcome.skipped ? `skipped: ${outcome.skipped}` : `error: ${outcome.error ?? "?"}`,
  };
}

export function table(rows: Row[]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  return [
    line(["measurement", "figure", "floor", "ratio", "target", "verdict"]),
    line(["---", "---:", "---", "---:", "---", "---"]),
    ...rows.map((r) => line([r.measurement, r.figure, r.floor, r.ratio, r.target, r.met])),
  ].join("\n");
}

export function machineLine(results: BenchResults): string {
  const m = results.machine;
  return `${results.date.slice(0, 10)}, ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}`;
}

/** The Speed table of docs/architecture.md, between its markers. */
export function readmeSection(results: BenchResults): string {
  return [
    `Latest run: ${machineLine(results)}; medians of repeated runs. Other users' load meanwhile,`,
    "and what limits each missed target: [bench/results.md](bench/results.md).",
    ...carriedLine(results),
    "",
    table(summaryRows(results)),
  ].join("\n");
}

const MEASUREMENT_NAMES = {
  exchangeCost: "exchange cost",
  replayOverhead: "replay overhead",
  liveRun: "live run",
  stateLatency: "state latency",
} as const;

/** Which figures a run with `--only` kept from earlier runs, and from when. */
function carriedLine(results: BenchResults): string[] {
  const carried = Object.entries(MEASUREMENT_NAMES).flatMap(([key, name]) => {
    const o = results[key as keyof typeof MEASUREMENT_NAMES];
    return o.ok && o.measuredAt ? [`${name} (${o.measuredAt.slice(0, 10)})`] : [];
  });
  if (carried.length === 0) return [];
  const fresh = Object.entries(MEASUREMENT_NAMES).flatMap(([key, name]) => {
    const o = results[key as keyof typeof MEASUREMENT_NAMES];
    return o.ok && !o.measuredAt ? [name] : [];
  });
  return [
    `This run measured ${fresh.join(", ") || "nothing"}; the other figures are from earlier runs: ${carried.join(", ")}.`,
  ];
}

/** bench/results.md: the summary, each measurement in detail, what limits a missed target. */
export function resultsMarkdown(results: BenchResults): string {
  const m = results.machine;
  const out: string[] = [
    "# Bench results",
    "",
    "Written by `npm run bench` (bench/run.ts), overwritten by each run; raw figures in `bench/results.json`.",
    "",
    `- Date: ${results.date}`,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}`,
    `- Load average: ${m.loadAverage.start} at the start, ${m.loadAverage.end ?? "?"} at the end; the bench took ${results.durationS} s`,
    `- Options: ${JSON.stringify(results.options)}`,
    ...carriedLine(results).map((line) => `- ${line}`),
    "- Figures are medians over repeated runs (min–max in brackets); ratios are medians of",
    "  ratios within one repeat, so that a burst of load from other users hits both sides alike.",
    "",
    "## Summary",
    "",
    table(summaryRows(results)),
    "",
    ...replaySection(results),
    ...exchangeSection(results),
    ...liveSection(results),
    ...latencySection(results),
    ...proposalSection(results),
    ...loadSection(results),
  ];
  return `${out.join("\n").trimEnd()}\n`;
}

function unavailable(title: string, outcome: { skipped?: string; error?: string }): string[] {
  return [
    `## ${title}`,
    "",
    outcome.skipped ? `Skipped: ${outcome.skipped}` : `Error: ${outcome.error}`,
    "",
  ];
}

/**
 * The part of the replay's wall time no change of the harness removes: the floor's own work
 * (Node's start-up, reading the cassettes, the exchanges), loading the contract the checks
 * need, and writing the reports the run is for.
 */
function cannotGoMs(r: ReplayOverheadResult): number {
  return r.floor.wallMs.median + r.phases.contract.median + r.phases.reports.median;
}

function replaySection(results: BenchResults): string[] {
  const o = results.replayOverhead;
  if (!o.ok) return unavailable("Replay", o);
  const r = o.result;
  const p = r.phases;
  const e = results.exchangeCost.ok ? results.exchangeCost.result : undefined;
  const tsxOnly = r.tsxMs.median - r.nodeMs.median;
  const fig = (f: ReplayOverheadResult["floor"]) =>
    `${range(f.wallMs, s)} wall, ${f.cpuS.median.toFixed(2)} CPU-seconds, peak RSS ${f.peakRssMiB.median} MiB (${f.peakRssMiB.min}–${f.peakRssMiB.max})`;
  const row = (part: string, wall: number, cpu: number | undefined, note: string) =>
    `| ${part} | ${ms(wall)} | ${cpu === undefined ? "—" : ms(cpu)} | ${note} |`;
  const lines = [
    "## Replay",
    "",
    `\`node scripts/otc-detach-conformance.mjs --reports <dir>\` (what \`npm run conformance\` runs, without npm's start-up of about 0.3 s), spawn to exit, ${r.command.wallMs.n} runs after a warm-up, alternating with its floor: \`node bench/replay/floor.mjs\`, plain Node without tsx, which reads tests/cassettes/**, starts a keep-alive HTTP server on 127.0.0.1 and makes the same ${r.floorExchanges} recorded exchanges (${r.exchanges} of the scenarios, the rest the session's token requests) as bare \`fetch\` calls — same methods, paths, headers and bodies, the cassettes side by side and each cassette's exchanges in order, as the engine runs them — answered with the recorded status, headers and body. Peak RSS is the process's VmHWM, read every 25 ms during the same runs.`,
    "",
    `- command: ${fig(r.command)}${r.command.green ? ", every run green" : ", NOT every run green"}`,
    `- floor: ${fig(r.floor)}`,
    ...(r.vitest
      ? [
          `- the catalog as vitest tests (\`vitest run --project conformance\`, tests/conformance/catalog.test.ts; two processes, RSS summed): ${fig(r.vitest)}, ${x(r.vitest.ratio)} the floor${r.vitest.green ? "" : ", NOT every run green"}`,
        ]
      : []),
    `- ratio: ${x(r.ratio)}, target ≤ ${r.target.ratio}×: ${verdict(r.ratio <= r.target.ratio, r.ratio, r.target.ratio)}; peak RSS target < ${r.target.peakMiB} MiB: ${verdict(r.command.peakRssMiB.median < r.target.peakMiB, r.command.peakRssMiB.median, r.target.peakMiB)}`,
    "",
    `### Where the command's time goes`,
    "",
    `In the same repeats: \`node -e ""\`, Node + tsx registered as the bin registers it with an empty .ts file (\`bench/replay/empty.ts\`), and \`bench/replay/phases.ts\`, which makes the command's own calls (import of src/cli/main.ts and the catalog, \`loadContract\`, \`createTarget\`, \`runScenarios\` with the console and report subscribers, \`close\`) with a clock between them. Medians, ms; CPU counts every thread of the process (tsx's loader thread too).`,
    "",
    "| part | wall | CPU | can it go? |",
    "|---|---:|---:|---|",
    row('Node start-up (`node -e ""`)', r.nodeMs.median, undefined, "no: the floor pays it too"),
    row(
      "tsx start-up (Node + tsx with an empty .ts file, minus Node)",
      tsxOnly,
      undefined,
      "only with the package built to JavaScript (it ships TypeScript run through tsx)",
    ),
    row(
      "process start → the script's first line (Node, tsx, the script)",
      p.startup.median,
      p.cpuMs.startup,
      "as the two rows above",
    ),
    row(
      "import of the command line's modules and the catalog",
      p.import.median,
      p.cpuMs.import,
      "mostly module loading through tsx's loader thread; only a JS build removes most of it",
    ),
    row(
      "`loadContract()`: spec/ parsed, validated, dereferenced",
      p.contract.median,
      p.cpuMs.contract,
      "no: the checks need the contract (its validation could move to `npm test`)",
    ),
    row(
      "`createTarget()`: nock, the session cassette, token requests",
      p.target.median,
      p.cpuMs.target,
      "partly",
    ),
    row(
      `\`runScenarios()\`: ${r.scenarios} scenarios, ${r.exchanges} exchanges, checks, console lines`,
      p.run.median,
      p.cpuMs.run,
      `the exchanges no (the floor makes them in ${s(r.floor.wallMs.median - r.nodeMs.median)} after Node's start-up)${e ? `; the checks no (${us(e.checksUs.median)} each, ${ms((e.checksUs.median * r.exchanges) / 1000)} in all); nock's replay path yes (${us(e.nockUs.median)} per exchange against ${us(e.bareFetchUs.median)} for a bare fetch)` : ""}`,
    ),
    row(
      "reports: results.json, junit.xml, summary.md, index.html",
      p.reports.median,
      p.cpuMs.reports,
      "no: they are the run's output",
    ),
    row("close and exit (wall after the last mark)", p.exit.median, undefined, "—"),
    "",
    `What cannot go: the floor's ${s(r.floor.wallMs.median)} (of it Node's start-up ${ms(r.nodeMs.median)}), loading the contract ${ms(p.contract.median)} and writing the reports ${ms(p.reports.median)}: ${s(cannotGoMs(r))}, ${x(cannotGoMs(r) / r.floor.wallMs.median)} the floor. Start-up through tsx (${ms(p.startup.median - r.nodeMs.median)} before the script runs, and most of the ${ms(p.import.median)} import) goes only with a compiled build; the rest of the run is the harness's own (nock, transport, clients, redaction).`,
    "",
  ];
  return lines;
}

function exchangeSection(results: BenchResults): string[] {
  const o = results.exchangeCost;
  if (!o.ok) return unavailable("Per-exchange harness cost", o);
  const r = o.result;
  return [
    "## Per-exchange harness cost",
    "",
    `All scenarios replayed in one process through the real replay path (createReplayTarget + executeScenario: nock, transport, clients, scenario code, checks, deviations), ${r.harnessUs.n} rounds after a warm-up, divided by the ${r.exchanges} exchanges they make. Floor: a bare \`fetch\` to a keep-alive node:http server on 127.0.0.1 in the same process, answering with the median recorded body (${r.floorBodyBytes} bytes).`,
    "",
    `- replay path: ${range(r.harnessUs, us)} wall, ${us(r.harnessCpuUs.median)} CPU per exchange; ${x(r.ratio)} the floor`,
    `- its parts: checks ${r.checksUs.median.toFixed(1)} µs; nock + transport alone ${range(r.nockUs, us)} wall, ${us(r.nockCpuUs.median)} CPU`,
    `- the same exchanges through undici's MockAgent instead of nock: ${range(r.mockAgentUs, us)} wall, ${us(r.mockAgentCpuUs.median)} CPU`,
    `- floor: bare fetch ${range(r.bareFetchUs, us)}; the project's transport (undici Agent, body drained) ${range(r.transportFetchUs, us)}`,
    "",
  ];
}

function liveSection(results: BenchResults): string[] {
  const o = results.liveRun;
  if (!o.ok) return unavailable("Live run", o);
  const r = o.result;
  const c = r.catalog;
  const st = c.stability;
  const lines = [
    "## Live run",
    "",
    `The whole catalog (${r.scenarios} scenarios, side by side) through the command line, \`otc-detach-conformance run --target .state/openstack/target.json\`, against the project's OpenStack target, spawn to exit, ${r.target.runs} run(s). The first catalog run named the three slowest scenarios; after each catalog run each of the three ran alone (\`--scenario <id>\`), the same way. The floor of a repeat is the slowest alone in it. The target is shared with other users and slow under load, so one run is the default of this measurement.`,
    "",
    `- slowest alone: ${r.slowest.id.slice(0, 8)} "${r.slowest.title}": ${range(r.slowest.wallMs, s)} wall, the scenario itself ${range(r.slowest.durationMs, s)}; CPU-seconds: target ${r.slowest.targetCpuS.median.toFixed(1)}, command ${r.slowest.harnessCpuS.median.toFixed(1)}`,
    `- the three (median alone): ${r.slowest.candidates.map((cand) => `${cand.id.slice(0, 8)} ${s(cand.wallMs)} (scenario ${s(cand.durationMs)})`).join(", ")}`,
    `- catalog: ${range(c.wallMs, s)} wall (catalog span ${range(c.catalogMs, s)}), ${x(c.ratio)} the floor — target ≤ ${r.target.ratio}×: ${verdict(c.ratio <= r.target.ratio, c.ratio, r.target.ratio)}. The slowest scenario takes ${range(c.slowestInCatalogMs, s)} in it. Peak RSS ${c.peakRssMiB.median} MiB. CPU-seconds: target ${c.targetCpuS.median.toFixed(1)}, command ${c.harnessCpuS.median.toFixed(1)} → at least ${s(c.cpuBoundMs)} on ${results.machine.cores} cores.`,
    `  - verdicts: ${st.stable ? `identical in all ${st.runs} run(s), no fails or error` : "NOT stable"}; ${Object.entries(
      st.summary,
    )
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}; clean-up steps that failed: ${st.leftovers.length}`,
    ...st.leftovers.map(
      (l) => `  - run ${l.run}, ${l.scenario}: \`${l.label}\` failed: ${l.error}`,
    ),
    ...st.unstable.map(
      (u) =>
        `  - ${u.id.slice(0, 8)} ${u.title}: ${u.verdicts.join(", ")}${u.reasons[0] ? ` (${u.reasons[0]})` : ""}`,
    ),
  ];
  if (c.ratio > r.target.ratio) {
    const cpuRatio = c.cpuBoundMs / r.slowest.wallMs.median;
    const cpu = c.harnessCpuS.median + c.targetCpuS.median;
    const budgetS = (r.slowest.wallMs.median * r.target.ratio) / 1000;
    lines.push(
      "",
      cpuRatio > r.target.ratio
        ? `What limits it: CPU. The catalog costs ${cpu.toFixed(1)} CPU-seconds (target services — Keystone, Cinder, Nova, MariaDB, RabbitMQ — and the command; whatever others ran on the target meanwhile counts too), at least ${s(c.cpuBoundMs)} on ${results.machine.cores} cores, ${x(cpuRatio)} the floor by itself. ${r.target.ratio}× (${budgetS.toFixed(1)} s) needs about ${Math.ceil(cpu / budgetS)} cores for this work, or a target on other machines, as a staging cloud is.`
        : `What limits it: CPU alone would allow ${x(cpuRatio)} the floor (${cpu.toFixed(1)} CPU-seconds on ${results.machine.cores} cores); the rest is contention: the target's services, the command and other users share ${results.machine.cores} cores, so the slowest scenario runs ${x(c.slowestInCatalogMs.median / r.slowest.durationMs.median)} slower inside the catalog than alone.`,
    );
  }
  lines.push("");
  return lines;
}

function latencySection(results: BenchResults): string[] {
  const o = results.stateLatency;
  if (!o.ok) return unavailable("State detection latency", o);
  const r = o.result;
  const lines = [
    "## State detection latency",
    "",
    `${r.samples} volumes on the project's OpenStack target, each timed on three transitions. Two are fast, over in well under a second on this target: creating → available (server moment: cinder-volume.log, \`created successfully\`, logged right after the status update) and a Nova detach, in-use → available (server moment: cinder-api.log, Nova's attachment delete \`returned with HTTP 200\`; Cinder marks the volume available inside that request). The slow one stands for a cloud whose back end takes seconds: a second Nova detach, read through a loopback proxy in front of Cinder (src/interpose/loopback-proxy.ts) that answers \`detaching\` for a random ${r.hold.minMs / 1000}–${r.hold.maxMs / 1000} s after the call (server moment: the later of the log line and the hold's end). oslo.log stamps local time in milliseconds, the clock the bench reads. The harness's waiter (\`waitVolumeStatus\`, \`DEFAULT_BUDGET\`) starts right after the call; a fixed 1 s poller (Tempest's \`build_interval\`) on the same volume makes its first poll at a random moment of the first second, as a poller not in step with the call does.`,
    "",
    "| transition | waiter: median (p90) | fixed 1 s poll, random phase: median (p90) | n |",
    "|---|---:|---:|---:|",
  ];
  for (const kind of ["create", "detach", "fast", "held-detach"] as const) {
    const l = r.latency[kind];
    lines.push(
      `| ${kind} | ${ms(l.waiter.median)} (${ms(l.waiterP90)}) | ${ms(l.fixed.median)} (${ms(l.fixedP90)}) | ${l.waiter.n} |`,
    );
  }
  const peak = Math.max(...r.rates.map((rate) => rate.peakPerSecond));
  lines.push(
    "",
    `Target ≤ ${r.target.medianMs} ms: fast ${verdict(r.latency.fast.waiter.median <= r.target.medianMs, r.latency.fast.waiter.median, r.target.medianMs)}, slow ${verdict(r.latency["held-detach"].waiter.median <= r.target.medianMs, r.latency["held-detach"].waiter.median, r.target.medianMs)}. The server reached \`available\` a median ${ms(median(r.transitions.filter((t) => t.kind === "create").map((t) => t.serverAt - t.startAt)))} after the create call returned and ${ms(median(r.transitions.filter((t) => t.kind === "detach").map((t) => t.serverAt - t.startAt)))} after the detach call, while the waiter still polls fast; held, ${ms(median(r.transitions.filter((t) => t.kind === "held-detach").map((t) => t.serverAt - t.startAt)))}, when the waiter polls every ${ms(1000 / r.schedule.steadyRps)}. A latency of a few ms below zero means the poll landed between the status update and its log line.`,
    "",
    `Requests per resource: the waiter sleeps ${r.schedule.delaysMs.join(", ")} … ms between polls (\`pollDelay\`: doubling from \`FIRST_POLL_DELAY_MS\`, capped at \`DEFAULT_BUDGET.intervalMs\`), so with instant answers it sends ${r.schedule.firstSecond} requests in its first second and ${r.schedule.steadyRps} per second after; each answer's time stretches that.`,
    "",
    "| wait | requests | duration | average req/s | req/s after the first second | most in one second |",
    "|---|---:|---:|---:|---:|---:|",
    ...r.rates.map(
      (rate) =>
        `| ${rate.what} | ${rate.probes} | ${s(rate.durationMs)} | ${rate.averageRps ?? "—"} | ${rate.steadyRps ?? "—"} | ${rate.peakPerSecond} |`,
    ),
  );
  if (peak > r.target.rps) {
    lines.push(
      "",
      `The ${r.target.rps} req/s limit holds from the second second of a wait on, not within the first: ${peak} requests there (missed by ${pct(peak, r.target.rps)}); the schedule alone sends ${r.schedule.firstSecond} in the first second.`,
    );
  }
  if (r.skippedSamples.length) lines.push("", `Not counted: ${r.skippedSamples.join("; ")}`);
  lines.push("");
  return lines;
}

function proposalSection(results: BenchResults): string[] {
  const e = results.exchangeCost.ok ? results.exchangeCost.result : undefined;
  if (!e) return [];
  return [
    "## Speed-ups, measured",
    "",
    `- Replay through undici's MockAgent instead of nock (the transport already takes an undici dispatcher): ${us(e.mockAgentUs.median)} instead of ${us(e.nockUs.median)} per exchange, about ${s(((e.nockUs.median - e.mockAgentUs.median) * e.exchanges) / 1000)} less per catalog. A change of src/targets/replay.ts (and of what its tests expect of nock), not a setting.`,
    `- Load spec/ with \`dereference()\` at run time and leave \`validate()\` to \`npm test\` (tests/contract): ${ms(e.dereferenceMs)} instead of ${ms(e.loadContractMs)}. It gives up the check that a locally edited spec/ is valid before a run.`,
    "",
  ];
}

function loadSection(results: BenchResults): string[] {
  const rows = Object.entries(MEASUREMENT_NAMES).flatMap(([key, name]) => {
    const o = results[key as keyof typeof MEASUREMENT_NAMES];
    if (!o.ok || !o.load) return [];
    const l = o.load;
    const q = l.quietBefore;
    const before = q ? `${q.quiet ? "quiet" : "NOT quiet"} after ${q.waitedS} s` : "—";
    return [
      `| ${name} | ${before} | ${l.wallS} s | ${l.machineBusyPct} % | ${l.benchCpuS} | ${l.targetCpuS} | ${l.othersCpuS} | ${l.loadAverage.start} → ${l.loadAverage.end} |`,
    ];
  });
  if (rows.length === 0) return [];
  return [
    "## The machine meanwhile",
    "",
    "Before each measurement the bench waits (up to `--quiet-wait`, default 600 s) until the cores are less than 35 % busy and the target's services idle. During it: CPU-seconds of the bench's own processes, of the target's services (a live measurement's own work, plus anyone else's on the target), and the rest of the machine's busy time (other users). A large last CPU column means distorted figures.",
    "",
    "| measurement | before it | wall | all cores busy | bench | target | others | load average |",
    "|---|---|---:|---:|---:|---:|---:|---|",
    ...rows,
    "",
  ];
}
