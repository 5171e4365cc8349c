// Holds a target's compute service still, so a server stays in the task state an action left
// it in. Only a target on this machine can offer it: it names the pid file of its compute.
import { readFileSync } from "node:fs";

/** Gives up one pause of the process (SIGCONT after the last); safe to call twice. */
export type Resume = () => Promise<void>;

/** Stops (SIGSTOP) the process whose id `pidFile` holds, and says how to resume it. */
export function pauseProcess(pidFile: string): Resume {
  let text: string;
  try {
    text = readFileSync(pidFile, "utf8").trim();
  } catch {
    throw new Error(
      `cannot read the compute pid file ${pidFile} (resources.computePidFile); start the target or remove the entry`,
    );
  }
  const pid = Number(text);
  if (!/^[0-9]+$/.test(text) || pid <= 1) {
    throw new Error(`${pidFile} holds no process id (found "${text.slice(0, 20)}")`);
  }
  const holders = held.get(pid) ?? 0;
  if (holders === 0) process.kill(pid, "SIGSTOP");
  held.set(pid, holders + 1);
  let paused = true;
  return async () => {
    if (!paused) return;
    paused = false;
    const left = (held.get(pid) ?? 1) - 1;
    if (left > 0) {
      held.set(pid, left);
      return;
    }
    held.delete(pid);
    process.kill(pid, "SIGCONT");
  };
}

/**
 * Pauses held per process. Scenarios side by side may each pause compute: the first pause
 * stops it and only the last resume lets it run, so no scenario finds it running early.
 */
const held = new Map<number, number>();
