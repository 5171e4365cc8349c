// Holds a target's compute service still, so a server stays in the task state an action left
// it in. Only a target on this machine can offer it: it names the pid file of its compute.
import { readFileSync } from "node:fs";

/** Sends SIGCONT to the paused process; safe to call twice. */
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
  process.kill(pid, "SIGSTOP");
  let paused = true;
  return async () => {
    if (!paused) return;
    paused = false;
    process.kill(pid, "SIGCONT");
  };
}
