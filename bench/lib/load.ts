import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { currentLoad } from "./machine.ts";
import { childrenCpuSeconds } from "./process-tree.ts";
import { targetCpuSeconds } from "./target.ts";

/** What the machine did while one measurement ran: other users distort the figures. */
export interface LoadFigures {
  wallS: number;
  /** Share of all cores busy (user, system, irq, steal) over the measurement. */
  machineBusyPct: number;
  /** CPU seconds of the measurement's own processes (reaped), and of the target's services. */
  benchCpuS: number;
  targetCpuS: number;
  /** The rest of the busy time: other users of the machine. */
  othersCpuS: number;
  loadAverage: { start: number; end: number };
}

interface Snapshot {
  at: number;
  busyS: number;
  totalS: number;
  childrenS: number;
  targetS: number;
  load: number;
}

export function snapshot(): Snapshot {
  const { busyS, totalS } = procStat();
  const target = targetCpuSeconds();
  return {
    at: performance.now(),
    busyS,
    totalS,
    childrenS: childrenCpuSeconds(),
    targetS: Number.isNaN(target) ? 0 : target,
    load: currentLoad(),
  };
}

export function between(a: Snapshot, b: Snapshot): LoadFigures {
  const busy = b.busyS - a.busyS;
  const bench = b.childrenS - a.childrenS;
  const target = b.targetS - a.targetS;
  const r = (n: number) => Math.round(n * 10) / 10;
  return {
    wallS: r((b.at - a.at) / 1000),
    machineBusyPct: Math.round((busy / Math.max(0.01, b.totalS - a.totalS)) * 100),
    benchCpuS: r(bench),
    targetCpuS: r(target),
    othersCpuS: r(Math.max(0, busy - bench - target)),
    loadAverage: { start: a.load, end: b.load },
  };
}

/** Busy and total CPU seconds of all cores since boot, from /proc/stat. */
function procStat(): { busyS: number; totalS: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .split(/\s+/)
      .slice(1, 9)
      .map(Number) as number[];
    const busy =
      (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    return { busyS: busy / 100, totalS: (busy + (idle ?? 0) + (iowait ?? 0)) / 100 };
  } catch {
    return { busyS: Number.NaN, totalS: Number.NaN };
  }
}

export const CORES = cpus().length;

export interface QuietWait {
  waitedS: number;
  /** Whether the machine got quiet within the allowed wait; if not, the measurement ran anyway. */
  quiet: boolean;
  /** The last 5 s window looked at. */
  last: LoadFigures;
}

/**
 * Waits until the machine is quiet — all cores together less than `maxBusyPct` busy and the
 * target's services at less than a quarter of a core over 5 s — or until `maxWaitS` passed.
 * Other users' runs (mutation tests, live runs against the same target) would distort the
 * figures; they are reported either way.
 */
export async function waitForQuiet(
  maxWaitS: number,
  log: (line: string) => void,
  maxBusyPct = 35,
): Promise<QuietWait> {
  const started = performance.now();
  for (;;) {
    const before = snapshot();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const last = between(before, snapshot());
    const waitedS = Math.round((performance.now() - started) / 1000);
    if (last.machineBusyPct < maxBusyPct && last.targetCpuS / last.wallS < 0.25) {
      return { waitedS, quiet: true, last };
    }
    if (waitedS >= maxWaitS) return { waitedS, quiet: false, last };
    log(
      `waiting for a quiet machine: ${last.machineBusyPct} % busy, target ${(last.targetCpuS / last.wallS).toFixed(2)} cores (${waitedS} of ${maxWaitS} s)`,
    );
  }
}
