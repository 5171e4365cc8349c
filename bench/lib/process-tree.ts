import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface Measured {
  wallMs: number;
  /** CPU seconds (user + system) of the process and its descendants, once they were reaped. */
  cpuS: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /**
   * With `peakMs`: the sum over the tree's processes of each one's peak resident set (VmHWM,
   * which the kernel keeps, so a peak between two samples is not missed), in MiB.
   */
  peakRssMiB?: number;
}

export interface MeasureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Reads each process's peak RSS (VmHWM) every this many milliseconds: one small read per
   * process, cheap enough to run beside a timing.
   */
  peakMs?: number;
}

/**
 * Runs a command to its end and returns its wall time (spawn to exit), its output, and with
 * `peakMs` the peak memory of its process tree (vitest runs tests in child processes).
 */
export function measureProcess(
  command: string,
  args: string[],
  options: MeasureOptions = {},
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cpuBefore = childrenCpuSeconds();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    const peaks = options.peakMs && child.pid ? peakSampler(child.pid) : undefined;
    const timer = peaks && setInterval(peaks.sample, options.peakMs);
    let wallMs = 0;
    child.on("exit", () => {
      wallMs = performance.now() - started;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({
        wallMs: wallMs || performance.now() - started,
        cpuS: Math.round((childrenCpuSeconds() - cpuBefore) * 100) / 100,
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ...(peaks && { peakRssMiB: peaks.result() }),
      });
    });
  });
}

/**
 * CPU seconds of this process's reaped children and their reaped descendants (cutime +
 * cstime of /proc/self/stat). Measured runs are sequential, so a difference is one run's.
 */
export function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Each process's highest VmHWM seen; a process that ended keeps its last reading. */
function peakSampler(root: number) {
  const peaks = new Map<number, number>();
  return {
    sample() {
      for (const pid of descendants(root)) {
        const kib = statusField(pid, "VmHWM");
        if (kib > (peaks.get(pid) ?? 0)) peaks.set(pid, kib);
      }
    },
    result: () => Math.round([...peaks.values()].reduce((a, b) => a + b, 0) / 1024),
  };
}

/** The process and everything below it, from /proc/<pid>/task/<tid>/children. */
function descendants(root: number): number[] {
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    found.push(pid);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // Gone between two reads.
    }
    for (const tid of tasks) {
      try {
        const children = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
        if (children) queue.push(...children.split(/\s+/).map(Number));
      } catch {
        // The thread ended.
      }
    }
  }
  return found;
}

function statusField(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
