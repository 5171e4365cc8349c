// Live run: the whole catalog against the project's OpenStack target, scenarios running
// concurrently (test.concurrent), against the slowest scenario run alone the same way.
// A warm-up catalog run names the three slowest scenarios; then each repeat runs the catalog
// with the current config, with a raised maxConcurrency, and each candidate alone, so that
// load from other users hits all of them alike. Repeated runs judge verdict stability.
import { cpus } from "node:os";
import { CATALOG } from "../tests/scenarios/catalog.ts";
import { type BenchOptions, progress } from "./lib/options.ts";
import { median, round, type Spread, spread } from "./lib/stats.ts";
import { targetCpuSeconds } from "./lib/target.ts";
import {
  type ConformanceResult,
  type ProjectOverrides,
  runConformance,
  tail,
} from "./lib/vitest-run.ts";

export interface LiveConfigResult {
  name: string;
  overrides: ProjectOverrides;
  wallMs: Spread;
  /** The catalog's own span (results.json: after auth, to the reports), per run. */
  catalogMs: Spread;
  /** Median over the repeats of this run's wall over the slowest alone of the same repeat. */
  ratio: number;
  /** The slowest scenario's own duration inside these catalog runs (it runs slower than alone). */
  slowestInCatalogMs: Spread;
  /** CPU seconds per run: the vitest tree, and the target's services (others' load included). */
  harnessCpuS: Spread;
  targetCpuS: Spread;
  /** (harness + target CPU) / cores: the least wall time this work needs on this machine. */
  cpuBoundMs: number;
  stability: Stability;
}

export interface Stability {
  runs: number;
  /** Every scenario had the same verdict in every run, and none was fails or error. */
  stable: boolean;
  /** Scenarios whose verdict changed between runs or was fails/error, with the verdicts seen. */
  unstable: { id: string; title: string; verdicts: string[]; reasons: string[] }[];
  /** Clean-up steps that failed, per run: a shared-resource race shows up here first. */
  leftovers: { run: number; scenario: string; label: string; error: string }[];
  /** Verdict counts of the first run. */
  summary: Record<string, number>;
}

export interface LiveRunResult {
  scenarios: number;
  configs: LiveConfigResult[];
  slowest: {
    id: string;
    title: string;
    wallMs: Spread;
    durationMs: Spread;
    harnessCpuS: Spread;
    targetCpuS: Spread;
    /** Each candidate's median alone, for the record. */
    candidates: { id: string; title: string; wallMs: number; durationMs: number }[];
  };
  target: { ratio: number; runs: number };
}

type Timed = ConformanceResult & { targetCpuS: number };

export async function measure(options: BenchOptions): Promise<LiveRunResult> {
  const configs: { name: string; overrides: ProjectOverrides }[] = [
    { name: "maxConcurrency 5 (current)", overrides: {} },
    ...(options.variants
      ? [
          {
            name: `maxConcurrency ${CATALOG.length}`,
            overrides: { maxConcurrency: CATALOG.length },
          },
        ]
      : []),
  ];

  const warmUp = await timed({ label: "live-warm-up", mode: "live" });
  if (!warmUp.results) throw new Error(`the live warm-up run did not finish:\n${tail(warmUp)}`);
  const candidates = [...warmUp.results.scenarios]
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, 3)
    .map((s) => ({ id: s.id, title: s.title, runs: [] as Timed[] }));
  progress(
    `live warm-up: ${round(warmUp.wallMs)} ms; slowest: ${candidates.map((c) => c.id.slice(0, 8)).join(", ")}`,
  );

  const runs = configs.map(() => [] as Timed[]);
  for (let r = 0; r < options.liveRuns; r++) {
    for (const [i, config] of configs.entries()) {
      const run = await timed({
        label: `live-${i}-${r}`,
        mode: "live",
        ...(Object.keys(config.overrides).length > 0 && { overrides: config.overrides }),
      });
      if (!run.results) throw new Error(`live run ${config.name} did not finish:\n${tail(run)}`);
      runs[i]?.push(run);
      progress(
        `live ${r + 1}/${options.liveRuns} ${config.name}: ${round(run.wallMs)} ms, ${verdictLine(run)}`,
      );
    }
    for (const candidate of candidates) {
      const run = await timed({
        label: `alone-${candidate.id.slice(0, 8)}-${r}`,
        mode: "live",
        selection: { ids: [candidate.id] },
      });
      if (!run.results?.scenarios[0]) {
        throw new Error(`scenario ${candidate.id} alone did not finish:\n${tail(run)}`);
      }
      candidate.runs.push(run);
    }
    progress(
      `live ${r + 1}/${options.liveRuns} alone: ${candidates.map((c) => `${c.id.slice(0, 8)} ${round(c.runs.at(-1)?.wallMs ?? 0)} ms`).join(", ")}`,
    );
  }

  const slowest = candidates.reduce((a, b) =>
    median(b.runs.map((run) => run.wallMs)) > median(a.runs.map((run) => run.wallMs)) ? b : a,
  );
  // The floor of repeat r: the slowest candidate alone in that repeat.
  const floorOf = (r: number) => Math.max(...candidates.map((c) => c.runs[r]?.wallMs ?? 0));
  const durationOf = (run: Timed, id: string) =>
    run.results?.scenarios.find((s) => s.id === id)?.durationMs ?? Number.NaN;

  return {
    scenarios: CATALOG.length,
    configs: configs.map((config, i) => {
      const list = runs[i] ?? [];
      const harnessCpuS = spread(list.map((run) => run.cpuS));
      const targetCpuS = spread(list.map((run) => run.targetCpuS));
      return {
        ...config,
        wallMs: spread(list.map((run) => run.wallMs)),
        catalogMs: spread(list.map((run) => run.results?.run.durationMs ?? Number.NaN)),
        ratio: round(median(list.map((run, r) => run.wallMs / floorOf(r))), 2),
        slowestInCatalogMs: spread(list.map((run) => durationOf(run, slowest.id))),
        harnessCpuS,
        targetCpuS,
        cpuBoundMs: round(((harnessCpuS.median + targetCpuS.median) * 1000) / cpus().length),
        stability: stability(list),
      };
    }),
    slowest: {
      id: slowest.id,
      title: slowest.title,
      wallMs: spread(slowest.runs.map((run) => run.wallMs)),
      durationMs: spread(slowest.runs.map((run) => durationOf(run, slowest.id))),
      harnessCpuS: spread(slowest.runs.map((run) => run.cpuS)),
      targetCpuS: spread(slowest.runs.map((run) => run.targetCpuS)),
      candidates: candidates.map((c) => ({
        id: c.id,
        title: c.title,
        wallMs: round(median(c.runs.map((run) => run.wallMs))),
        durationMs: round(median(c.runs.map((run) => durationOf(run, c.id)))),
      })),
    },
    target: { ratio: 1.5, runs: options.liveRuns },
  };
}

/** A conformance run, with the CPU time the target's services spent meanwhile. */
async function timed(run: Parameters<typeof runConformance>[0]): Promise<Timed> {
  const before = targetCpuSeconds();
  const result = await runConformance(run);
  return { ...result, targetCpuS: round(targetCpuSeconds() - before, 2) };
}

function verdictLine(run: ConformanceResult): string {
  const summary = run.results?.summary;
  if (!summary) return "no results";
  return Object.entries(summary)
    .filter(([key, n]) => key !== "total" && n > 0)
    .map(([key, n]) => `${n} ${key}`)
    .join(", ");
}

function stability(runs: Timed[]): Stability {
  const verdicts = new Map<string, { title: string; verdicts: string[]; reasons: string[] }>();
  const leftovers: Stability["leftovers"] = [];
  for (const [index, run] of runs.entries()) {
    for (const s of run.results?.scenarios ?? []) {
      const entry = verdicts.get(s.id) ?? { title: s.title, verdicts: [], reasons: [] };
      entry.verdicts.push(s.verdict);
      if (s.reason && (s.verdict === "fails" || s.verdict === "error"))
        entry.reasons.push(s.reason);
      verdicts.set(s.id, entry);
      for (const leftover of s.leftovers) {
        leftovers.push({ run: index + 1, scenario: `${s.id.slice(0, 8)} ${s.title}`, ...leftover });
      }
    }
  }
  const unstable = [...verdicts]
    .filter(
      ([, v]) =>
        new Set(v.verdicts).size > 1 ||
        v.verdicts.length !== runs.length ||
        v.verdicts.some((verdict) => verdict === "fails" || verdict === "error"),
    )
    .map(([id, v]) => ({ id, ...v }));
  const first = runs[0]?.results?.summary;
  return {
    runs: runs.length,
    stable: unstable.length === 0,
    unstable,
    leftovers,
    summary: first ? { ...first } : {},
  };
}
