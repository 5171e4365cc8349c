import type { ExchangeCostResult } from "../exchange-cost.ts";
import type { LiveRunResult } from "../live-run.ts";
import type { MemoryFigures, MemoryResult } from "../memory.ts";
import type { ReplayOverheadResult } from "../replay-overhead.ts";
import type { StateLatencyResult, Transition } from "../state-latency.ts";
import type { LoadFigures, QuietWait } from "./load.ts";
import type { Machine } from "./machine.ts";
import type { BenchOptions } from "./options.ts";
import { median } from "./stats.ts";

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
  memory: Outcome<MemoryResult>;
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

/** The summary table: one row per figure, in README and results.md alike. */
export function summaryRows(results: BenchResults): Row[] {
  const rows: Row[] = [];
  const { replayOverhead: replay, exchangeCost: exchange, liveRun: live } = results;
  const { stateLatency: latency, memory } = results;
  if (replay.ok) {
    const r = replay.result;
    rows.push({
      measurement: `Replay: whole catalog (${r.tests} scenarios), one vitest process`,
      figure: s(r.catalogWallMs.median),
      floor: `${s(r.floorWallMs.median)}: ${r.tests} trivial tests`,
      ratio: x(r.ratio),
      target: `≤ ${r.target.ratio}×, < ${s(r.target.wallMs)}`,
      met: `ratio ${verdict(r.ratio <= r.target.ratio, r.ratio, r.target.ratio)}; wall ${verdict(
        r.catalogWallMs.median < r.target.wallMs,
        r.catalogWallMs.median,
        r.target.wallMs,
      )}`,
    });
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
    for (const config of r.configs) {
      const st = config.stability;
      rows.push({
        measurement: `Live: whole catalog, concurrent, ${config.name}`,
        figure: s(config.wallMs.median),
        floor: `${s(r.slowest.wallMs.median)}: slowest scenario alone`,
        ratio: x(config.ratio),
        target: `≤ ${r.target.ratio}×, no flakes in ${r.target.runs} runs`,
        met: `ratio ${verdict(config.ratio <= r.target.ratio, config.ratio, r.target.ratio)}; verdicts ${
          st.stable
            ? `identical in ${st.runs}/${st.runs} runs`
            : `UNSTABLE (${st.unstable.length} scenarios)`
        }${st.leftovers.length ? `; ${st.leftovers.length} clean-up step(s) failed` : ""}`,
      });
    }
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
  if (memory.ok) {
    const r = memory.result;
    for (const [mode, figures] of [
      ["replay", r.replay],
      ["live", r.live],
    ] as const) {
      if (!figures) continue;
      rows.push({
        measurement: `Memory: peak RSS of the vitest process tree, ${mode}`,
        figure: `${figures.peakTreeRssMiB} MiB (PSS ${figures.peakTreePssMiB})`,
        floor: `${r.floor.peakTreeRssMiB} MiB (PSS ${r.floor.peakTreePssMiB}): trivial tests`,
        ratio: x(figures.peakTreeRssMiB / r.floor.peakTreeRssMiB),
        target: `< ${r.target.peakMiB} MiB`,
        met: verdict(
          figures.peakTreeRssMiB < r.target.peakMiB,
          figures.peakTreeRssMiB,
          r.target.peakMiB,
        ),
      });
    }
  } else rows.push(missing("Memory", memory));
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

/** The README's Speed table, between its markers. */
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
  memory: "memory",
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
    ...memorySection(results),
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

function replaySection(results: BenchResults): string[] {
  const o = results.replayOverhead;
  if (!o.ok) return unavailable("Replay overhead", o);
  const r = o.result;
  const e = results.exchangeCost.ok ? results.exchangeCost.result : undefined;
  const lines = [
    "## Replay overhead",
    "",
    `\`vitest run --project conformance\` run as \`node node_modules/vitest/vitest.mjs\` (\`npx\` adds npm's start-up, about 0.3 s), spawn to exit, ${r.catalogWallMs.n} runs after a warm-up. The floor, alternating with it: a file of ${r.tests} trivial tests run with the conformance project's options.`,
    "",
    `- catalog: ${range(r.catalogWallMs, s)}, ${r.catalogCpuS.median.toFixed(2)} CPU-seconds${r.green ? ", every run green" : ", NOT every run green"}`,
    `- floor: ${range(r.floorWallMs, s)}, ${r.floorCpuS.median.toFixed(2)} CPU-seconds`,
    ...(r.catalogPhases
      ? [
          `- vitest's own account (medians): catalog ${phaseLine(r.catalogPhases)}; floor ${phaseLine(r.floorPhases)}. The rest of the wall time is vitest's start-up and exit.`,
        ]
      : []),
    `- ratio: ${x(r.ratio)}, target ≤ ${r.target.ratio}×: ${verdict(r.ratio <= r.target.ratio, r.ratio, r.target.ratio)}; wall target < ${s(r.target.wallMs)}: ${verdict(r.catalogWallMs.median < r.target.wallMs, r.catalogWallMs.median, r.target.wallMs)}`,
    ...r.variants.map(
      (v) =>
        `- variant \`${JSON.stringify(v.overrides)}\`: ${range(v.wallMs, s)}, ${x(v.toCurrent)} the current config in the same repeat${v.green ? "" : ", NOT green"}`,
    ),
  ];
  if (r.ratio > r.target.ratio && e) {
    const idle = e.nockUs.median - e.nockCpuUs.median;
    lines.push(
      "",
      `What limits it: ${r.target.ratio}× the floor leaves ${s(r.floorWallMs.median * (r.target.ratio - 1))} for the harness; it takes ${s(r.catalogWallMs.median - r.floorWallMs.median)}.`,
      `- nock: replaying the ${e.exchanges} recorded exchanges costs ${us(e.harnessUs.median)} each, ${s((e.harnessUs.median * e.exchanges) / 1000)} per catalog. nock alone takes ${us(e.nockUs.median)} per exchange of which ${us(e.nockCpuUs.median)} is CPU: it answers after a setImmediate and two \`setTimeout(…, 0)\` (nock/lib/playback_interceptor.js), each at least 1 ms in Node. That idle time, about ${s((idle * e.exchanges) / 1000)} per catalog, is the largest single part; the checks cost ${e.checksUs.median.toFixed(1)} µs per exchange.`,
      `- start-up: importing the harness (${ms(e.importMs)} in a fresh Node process, more under vitest's transform) and loading spec/ (${ms(e.loadContractMs)}; swagger-parser's \`validate()\` compiles the OpenAPI 3.1 meta-schema for each document — dereferencing alone takes ${ms(e.dereferenceMs)}).`,
    );
  }
  lines.push("");
  return lines;
}

function phaseLine(p: ReplayOverheadResult["catalogPhases"]): string {
  return `${ms(p.duration)} in all: transform ${ms(p.transform)}, import ${ms(p.import)}, tests ${ms(p.tests)}`;
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
  const lines = [
    "## Live run",
    "",
    `The whole catalog (${r.scenarios} scenarios, \`test.concurrent\`) against the project's OpenStack target, spawn to exit. A warm-up run named the three slowest scenarios; each of ${r.target.runs} repeats then ran the catalog per configuration and each of the three alone (\`CONFORMANCE_SELECT\`, the same way). The floor of a repeat is the slowest alone in it.`,
    "",
    `- slowest alone: ${r.slowest.id.slice(0, 8)} "${r.slowest.title}": ${range(r.slowest.wallMs, s)} wall, the scenario itself ${range(r.slowest.durationMs, s)}; CPU-seconds: target ${r.slowest.targetCpuS.median.toFixed(1)}, vitest ${r.slowest.harnessCpuS.median.toFixed(1)}`,
    `- the three (median alone): ${r.slowest.candidates.map((c) => `${c.id.slice(0, 8)} ${s(c.wallMs)} (scenario ${s(c.durationMs)})`).join(", ")}`,
  ];
  for (const c of r.configs) {
    const st = c.stability;
    lines.push(
      `- ${c.name}: ${range(c.wallMs, s)} wall (catalog span ${range(c.catalogMs, s)}), ${x(c.ratio)} the floor — target ≤ ${r.target.ratio}×: ${verdict(c.ratio <= r.target.ratio, c.ratio, r.target.ratio)}. The slowest scenario takes ${range(c.slowestInCatalogMs, s)} in it. CPU-seconds: target ${c.targetCpuS.median.toFixed(1)}, vitest ${c.harnessCpuS.median.toFixed(1)} → at least ${s(c.cpuBoundMs)} on ${results.machine.cores} cores.`,
      `  - verdicts: ${st.stable ? `identical in all ${st.runs} runs, no fails or error` : "NOT stable"}; ${Object.entries(
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
    );
  }
  const best = r.configs.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  if (best.ratio > r.target.ratio) {
    const cpuRatio = best.cpuBoundMs / r.slowest.wallMs.median;
    const cpu = best.harnessCpuS.median + best.targetCpuS.median;
    const budgetS = (r.slowest.wallMs.median * r.target.ratio) / 1000;
    lines.push(
      "",
      cpuRatio > r.target.ratio
        ? `What limits it: CPU. The catalog costs ${cpu.toFixed(1)} CPU-seconds (target services — Keystone, Cinder, Nova, MariaDB, RabbitMQ — and vitest; whatever others ran on the target meanwhile counts too), at least ${s(best.cpuBoundMs)} on ${results.machine.cores} cores, ${x(cpuRatio)} the floor by itself. No concurrency setting goes below that: ${r.target.ratio}× (${budgetS.toFixed(1)} s) needs about ${Math.ceil(cpu / budgetS)} cores for this work, or a target on other machines, as a staging cloud is.`
        : `What limits it: CPU alone would allow ${x(cpuRatio)} the floor (${cpu.toFixed(1)} CPU-seconds on ${results.machine.cores} cores); the rest is contention: the target's services, vitest and the scenarios share ${results.machine.cores} cores, so the slowest scenario runs ${x(best.slowestInCatalogMs.median / r.slowest.durationMs.median)} slower inside the catalog than alone, and it starts only when a slot of maxConcurrency frees up.`,
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
    `Requests per resource: the waiter sleeps ${r.schedule.delaysMs.join(", ")} … ms between polls (25 ms doubling, capped at \`DEFAULT_BUDGET.intervalMs\`), so with instant answers it sends ${r.schedule.firstSecond} requests in its first second and ${r.schedule.steadyRps} per second after; each answer's time stretches that.`,
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
      `The ${r.target.rps} req/s limit holds from the second second of a wait on, not within the first: ${peak} requests there (missed by ${pct(peak, r.target.rps)}). The fast start (25, 50, 100 ms) is what notices these transitions within tens of milliseconds. A hard cap of ${r.target.rps} in every 1 s window leaves no room for it: ${r.target.rps} polls at the steady ${1000 / r.target.rps} ms already fill each second, so any faster start must be paid back by a pause before the second second (e.g. 25, 50, 100, 200, then 625 ms), which delays transitions landing in that pause by up to ~600 ms. Read as a sustained rate, the limit is met.`,
    );
  }
  if (r.skippedSamples.length) lines.push("", `Not counted: ${r.skippedSamples.join("; ")}`);
  lines.push("");
  return lines;
}

function memorySection(results: BenchResults): string[] {
  const o = results.memory;
  if (!o.ok) return unavailable("Memory", o);
  const r = o.result;
  const line = (name: string, f: MemoryFigures) =>
    `- ${name}: ${f.peakTreeRssMiB} MiB RSS (PSS ${f.peakTreePssMiB} MiB) over ${f.processes} processes — ${Object.entries(
      f.byProcess,
    )
      .filter(([command, mib]) => command && mib > 0)
      .map(([command, mib]) => `\`${command}\` ${mib} MiB`)
      .join(", ")}; median of ${f.runs} run(s)`;
  const lines = [
    "## Memory",
    "",
    `Peak of the summed resident set of the vitest process tree (the main process and the fork worker that runs the catalog), sampled every ${r.sampleMs} ms from /proc, in runs of their own. RSS counts the pages the processes share (Node itself) once per process; PSS splits them.`,
    "",
    line("replay", r.replay),
    r.live ? line("live", r.live) : `- live: skipped (${r.liveSkipped})`,
    line("floor (trivial tests)", r.floor),
    ...(r.variants ?? []).map((v) => line(`replay, \`${JSON.stringify(v.overrides)}\``, v.figures)),
  ];
  const worst = Math.max(r.replay.peakTreeRssMiB, r.live?.peakTreeRssMiB ?? 0);
  if (worst >= r.target.peakMiB) {
    lines.push(
      "",
      `What limits it: vitest's two processes. The floor's tree already holds ${r.floor.peakTreeRssMiB} MiB (${Math.round((r.floor.peakTreeRssMiB / r.target.peakMiB) * 100)} % of the target) before any harness code runs; the harness adds ${worst - r.floor.peakTreeRssMiB} MiB across both (vite's module graph and transforms in the main process; swagger-parser, Ajv's compiled schemas, nock and undici in the worker). No single process reaches ${r.target.peakMiB} MiB.`,
    );
  }
  lines.push("");
  return lines;
}

function proposalSection(results: BenchResults): string[] {
  const lines = ["## Speed-ups, measured", ""];
  const replay = results.replayOverhead.ok ? results.replayOverhead.result : undefined;
  const e = results.exchangeCost.ok ? results.exchangeCost.result : undefined;
  const live = results.liveRun.ok ? results.liveRun.result : undefined;
  for (const v of replay?.variants ?? []) {
    lines.push(
      `- Replay, conformance project \`${JSON.stringify(v.overrides)}\`: ${x(v.toCurrent)} the current wall (median of paired runs)${memoryOf(results, v.name)}. ${
        v.toCurrent < 0.95 ? "Faster." : "Within the noise: not worth a change."
      }${v.overrides.pool === "threads" ? " Also unsafe for live runs: a worker thread gets no SIGINT, so an interrupted live run would skip its cleanup." : ""}`,
    );
  }
  if (live) {
    const current = live.configs[0];
    for (const c of live.configs.slice(1)) {
      if (!current) continue;
      const change = c.wallMs.median / current.wallMs.median;
      lines.push(
        `- Live, conformance project \`${JSON.stringify(c.overrides)}\`: ${s(c.wallMs.median)} against ${s(current.wallMs.median)} (${x(change)}), verdicts ${c.stability.stable ? "stable" : "NOT stable"}. ${
          change < 0.9 && c.stability.stable
            ? "Worth it on this target; on a real cloud it also multiplies concurrent volumes and servers against the project's quotas."
            : "Not worth it: the target is CPU-bound, and on a real cloud more concurrent servers and volumes meet the project's quotas."
        }`,
      );
    }
  }
  if (e) {
    lines.push(
      `- Replay through undici's MockAgent instead of nock (the transport already takes an undici dispatcher): ${us(e.mockAgentUs.median)} instead of ${us(e.nockUs.median)} per exchange, about ${s(((e.nockUs.median - e.mockAgentUs.median) * e.exchanges) / 1000)} less per catalog. A change of src/targets/replay.ts (and of what its tests expect of nock), not a setting.`,
      `- Load spec/ with \`dereference()\` at run time and leave \`validate()\` to \`npm test\` (tests/contract): ${ms(e.dereferenceMs)} instead of ${ms(e.loadContractMs)}. It gives up the check that a locally edited spec/ is valid before a run.`,
    );
  }
  lines.push("");
  return lines;
}

/** ", tree peak N MiB instead of M MiB" for a replay variant the memory measurement ran too. */
function memoryOf(results: BenchResults, variant: string): string {
  if (!results.memory.ok) return "";
  const m = results.memory.result;
  const figures = m.variants?.find((v) => v.name === variant)?.figures;
  return figures
    ? `, peak tree RSS ${figures.peakTreeRssMiB} MiB instead of ${m.replay.peakTreeRssMiB} MiB`
    : "";
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
