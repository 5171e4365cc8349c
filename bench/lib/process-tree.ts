import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface TreeMemory {
  /** Highest sum of the tree's resident set sizes at one sample (shared pages counted per process). */
  peakTreeRssMiB: number;
  /** Highest sum of proportional set sizes at one sample (shared pages split between sharers). */
  peakTreePssMiB: number;
  /** Highest RSS of any single process of the tree, and which command it was. */
  peakProcessRssMiB: number;
  peakProcess: string;
  /** Peak RSS (MiB) of each process of the tree, by command. */
  byProcess: Record<string, number>;
  /** Most processes alive in the tree at one sample. */
  processes: number;
  samples: number;
}

export interface Measured {
  wallMs: number;
  /** CPU seconds (user + system) of the process and its descendants, once they were reaped. */
  cpuS: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  memory?: TreeMemory;
}

export interface MeasureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Samples the process tree's memory every this many milliseconds; no sampling without it. */
  sampleMs?: number;
}

/**
 * Runs a command to its end and returns its wall time (spawn to exit), its output, and with
 * `sampleMs` the peak memory of its whole process tree (vitest runs tests in child processes).
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
    const sampler = options.sampleMs && child.pid ? treeSampler(child.pid) : undefined;
    const timer = sampler && setInterval(sampler.sample, options.sampleMs);
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
        ...(sampler && { memory: sampler.result() }),
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

function treeSampler(root: number) {
  const memory: TreeMemory = {
    peakTreeRssMiB: 0,
    peakTreePssMiB: 0,
    peakProcessRssMiB: 0,
    peakProcess: "",
    byProcess: {},
    processes: 0,
    samples: 0,
  };
  return {
    sample() {
      const pids = descendants(root);
      let rss = 0;
      let pss = 0;
      for (const pid of pids) {
        const kib = statusField(pid, "VmRSS");
        rss += kib;
        pss += smapsPss(pid);
        const command = commandOf(pid);
        // A process that has just ended reads as no command and no memory.
        if (command && kib > 0) {
          memory.byProcess[command] = Math.max(
            memory.byProcess[command] ?? 0,
            Math.round(kib / 1024),
          );
        }
        if (kib / 1024 > memory.peakProcessRssMiB) {
          memory.peakProcessRssMiB = kib / 1024;
          memory.peakProcess = command;
        }
      }
      memory.samples++;
      memory.processes = Math.max(memory.processes, pids.length);
      memory.peakTreeRssMiB = Math.max(memory.peakTreeRssMiB, rss / 1024);
      memory.peakTreePssMiB = Math.max(memory.peakTreePssMiB, pss / 1024);
    },
    result: () => ({
      ...memory,
      peakTreeRssMiB: Math.round(memory.peakTreeRssMiB),
      peakTreePssMiB: Math.round(memory.peakTreePssMiB),
      peakProcessRssMiB: Math.round(memory.peakProcessRssMiB),
    }),
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

function smapsPss(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const match = /^Pss:\s+(\d+) kB/m.exec(rollup);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The script a process runs, e.g. `vitest/vitest.mjs run` or `vitest/dist/workers/forks.js`. */
function commandOf(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const script = argv.findIndex(
      (arg, i) =>
        i > 0 && /\.(c|m)?(j|t)s$/.test(arg) && !/^--(require|import)$/.test(argv[i - 1] ?? ""),
    );
    if (script < 0) return argv.slice(0, 2).join(" ").slice(0, 80);
    const name = (argv[script] as string).replace(/^.*\/node_modules\//, "");
    const next = argv[script + 1];
    return next && !next.startsWith("-") && !next.includes("/") ? `${name} ${next}` : name;
  } catch {
    return "?";
  }
}
