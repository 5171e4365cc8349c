import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OWN_TARGET_FILE, OWN_TARGET_PIDS } from "./paths.ts";

/**
 * Why the project's own OpenStack target cannot be used now, or `undefined` when Keystone
 * answers. The bench never starts or stops it: others may be using it.
 */
export async function ownTargetUnavailable(): Promise<string | undefined> {
  if (!existsSync(OWN_TARGET_FILE)) {
    return `no ${OWN_TARGET_FILE}: start the target with \`npm run target:start\``;
  }
  const description = JSON.parse(readFileSync(OWN_TARGET_FILE, "utf8")) as {
    auth?: { url?: string };
  };
  const url = description.auth?.url;
  if (!url) return `${OWN_TARGET_FILE} names no auth.url`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await response.arrayBuffer();
    return response.ok ? undefined : `Keystone at ${url} answered ${response.status}`;
  } catch (error) {
    return `Keystone at ${url} does not answer (${(error as Error).message}): start the target with \`npm run target:start\``;
  }
}

/**
 * CPU seconds (user + system) spent so far by the target's processes: every process in the
 * process group of a PID in .state/openstack/pids/. The difference over a run is the work the
 * run cost the target (and anyone else using it meanwhile); on N cores it needs at least
 * that / N of wall time.
 */
export function targetCpuSeconds(): number {
  let groups: Set<number>;
  try {
    groups = new Set(
      readdirSync(OWN_TARGET_PIDS)
        .filter((file) => file.endsWith(".pid"))
        .map((file) => Number(readFileSync(join(OWN_TARGET_PIDS, file), "utf8").trim())),
    );
  } catch {
    return Number.NaN;
  }
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command (which may hold spaces): state ppid pgrp … utime stime.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (!groups.has(Number(fields[2]))) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return ticks / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux the target runs on. */
const CLOCK_TICKS = 100;
