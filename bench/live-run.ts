// Live run: the whole catalog against the project's OpenStack target through the command line
// (`otc-detach-conformance run --target .state/openstack/target.json`, scenarios side by side),
// against the slowest scenario run alone the same way (`--scenario <id>`). The first catalog
// run names the three slowest scenarios; each repeat runs the catalog and then each candidate
// alone, so that load from other users hits all of them alike. Repeated runs judge verdict
// stability.
import { cpus } from "node:os";
import { CATALOG } from "../tests/scenarios/catalog.ts";
import { type BenchOptions, progress } from "./lib/options.ts";
import { type CliResult, runCli, tail } from "./lib/runs.ts";
import { median, round, type Spread, spread } from "./lib/stats.ts";
import { targetCpuSeconds } from "./lib/target.ts";

export interface LiveCatalogResult {
  wallMs: Spread;
  /** Peak RSS of the command's process, MiB. */
  peakRssMiB: Spread;
  /** The catalog's own span (results.json: after auth, to the reports), per run. */
  catalogMs: Spread;
  /** Median over the repeats of this run's wall over the slowest alone of the same repeat. */
  ratio: number;
  /** The slowest scenario's own duration inside these catalog runs (it runs slower than alone). */
  slowestInCatalogMs: Spread;
  /** CPU seconds per run: the command, and the target's services (others' load included). */
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
  catalog: LiveCatalogResult;
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

type Timed = CliResult & { targetCpuS: number };

export async function measure(options: BenchOptions): Promise<LiveRunResult> {
  const runs: Timed[] = [];
  let candidates: { id: string; title: string; runs: Timed[] }[] = [];
  for (let r = 0; r < options.liveRuns; r++) {
    const run = await timed({ label: `live-${r}`, mode: "live" });
    if (!run.results) throw new Error(`live run ${r + 1} did not finish:\n${tail(run)}`);
    runs.push(run);
    progress(`live ${r + 1}/${options.liveRuns}: ${round(run.wallMs)} ms, ${verdictLine(run)}`);
    if (r === 0) {
      candidates = [...run.results.scenarios]
        .sort((a, b) => b.durationMs - a.durationMs)
        .slice(0, 3)
        .map((s) => ({ id: s.id, title: s.title, runs: [] }));
    }
    for (const candidate of candidates) {
      const alone = await timed({
        label: `alone-${candidate.id.slice(0, 8)}-${r}`,
        mode: "live",
        scenarios: [candidate.id],
      });
      if (!alone.results?.scenarios[0]) {
        throw new Error(`scenario ${candidate.id} alone did not finish:\n${tail(alone)}`);
      }
      candidate.runs.push(alone);
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
  const harnessCpuS = spread(runs.map((run) => run.cpuS));
  const targetCpuS = spread(runs.map((run) => run.targetCpuS));

  return {
    scenarios: CATALOG.length,
    catalog: {
      wallMs: spread(runs.map((run) => round(run.wallMs))),
      peakRssMiB: spread(runs.map((run) => run.peakRssMiB ?? Number.NaN)),
      catalogMs: spread(runs.map((run) => run.results?.run.durationMs ?? Number.NaN)),
      ratio: round(median(runs.map((run, r) => run.wallMs / floorOf(r))), 2),
      slowestInCatalogMs: spread(runs.map((run) => durationOf(run, slowest.id))),
      harnessCpuS,
      targetCpuS,
      cpuBoundMs: round(((harnessCpuS.median + targetCpuS.median) * 1000) / cpus().length),
      stability: stability(runs),
    },
    slowest: {
      id: slowest.id,
      title: slowest.title,
      wallMs: spread(slowest.runs.map((run) => round(run.wallMs))),
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

/** A command-line run, with the CPU time the target's services spent meanwhile. */
async function timed(run: Parameters<typeof runCli>[0]): Promise<Timed> {
  const before = targetCpuSeconds();
  const result = await runCli(run);
  return { ...result, targetCpuS: round(targetCpuSeconds() - before, 2) };
}

function verdictLine(run: CliResult): string {
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
