// Memory: peak resident memory of the whole vitest process tree (the main process and the
// worker that runs the catalog), sampled every 20 ms from /proc, in replay and live, next to
// the same for the floor (trivial tests). Runs of its own, so that sampling costs no timing.

import { CATALOG } from "../tests/scenarios/catalog.ts";
import type { BenchOptions } from "./lib/options.ts";
import { progress } from "./lib/options.ts";
import type { TreeMemory } from "./lib/process-tree.ts";
import { median, round } from "./lib/stats.ts";
import { ownTargetUnavailable } from "./lib/target.ts";
import { type ProjectOverrides, runConformance, tail, writeFloorFile } from "./lib/vitest-run.ts";
import { REPLAY_VARIANTS } from "./replay-overhead.ts";

const SAMPLE_MS = 20;

export interface MemoryFigures {
  runs: number;
  /** Medians over the runs of each run's peak. */
  peakTreeRssMiB: number;
  peakTreePssMiB: number;
  peakProcessRssMiB: number;
  peakProcess: string;
  /** Peak RSS (MiB) per process of the run with the median tree peak. */
  byProcess: Record<string, number>;
  processes: number;
}

export interface MemoryResult {
  sampleMs: number;
  replay: MemoryFigures;
  floor: MemoryFigures;
  live?: MemoryFigures;
  liveSkipped?: string | undefined;
  /** Replay with the config changes tried as speed-ups (one process with pool threads). */
  variants: { name: string; overrides: ProjectOverrides; figures: MemoryFigures }[];
  target: { peakMiB: number };
}

export async function measure(options: BenchOptions): Promise<MemoryResult> {
  const runs = Math.min(3, options.repeats);
  const floorFile = writeFloorFile(CATALOG.length);
  const sampled = async (label: string, run: Parameters<typeof runConformance>[0]) => {
    const list: TreeMemory[] = [];
    for (let r = 0; r < (run.mode === "live" ? 1 : runs); r++) {
      const result = await runConformance({ ...run, sampleMs: SAMPLE_MS });
      if (result.code !== 0 || !result.memory) {
        throw new Error(`${label} run for memory failed:\n${tail(result)}`);
      }
      list.push(result.memory);
    }
    const figures = summarize(list);
    progress(
      `memory ${label}: tree ${figures.peakTreeRssMiB} MiB RSS, ${figures.peakTreePssMiB} MiB PSS`,
    );
    return figures;
  };
  const floor = await sampled("floor", {
    label: "mem-floor",
    mode: "replay",
    include: [floorFile],
  });
  const replay = await sampled("replay", { label: "mem-replay", mode: "replay" });
  const variants: MemoryResult["variants"] = [];
  for (const variant of options.variants ? REPLAY_VARIANTS : []) {
    const figures = await sampled(`replay, ${variant.name}`, {
      label: `mem-replay-${variant.name}`,
      mode: "replay",
      overrides: variant.overrides,
    });
    variants.push({ ...variant, figures });
  }
  const unavailable = await ownTargetUnavailable();
  const live = unavailable ? undefined : await sampled("live", { label: "mem-live", mode: "live" });
  return {
    sampleMs: SAMPLE_MS,
    replay,
    floor,
    ...(live ? { live } : { liveSkipped: unavailable }),
    variants,
    target: { peakMiB: 200 },
  };
}

function summarize(list: TreeMemory[]): MemoryFigures {
  const biggest = list.reduce((a, b) => (b.peakProcessRssMiB > a.peakProcessRssMiB ? b : a));
  const byTree = [...list].sort((a, b) => a.peakTreeRssMiB - b.peakTreeRssMiB);
  const middle = byTree[Math.floor((byTree.length - 1) / 2)] ?? biggest;
  return {
    runs: list.length,
    peakTreeRssMiB: round(median(list.map((m) => m.peakTreeRssMiB))),
    peakTreePssMiB: round(median(list.map((m) => m.peakTreePssMiB))),
    peakProcessRssMiB: round(median(list.map((m) => m.peakProcessRssMiB))),
    peakProcess: biggest.peakProcess,
    byProcess: middle.byProcess,
    processes: Math.max(...list.map((m) => m.processes)),
  };
}
