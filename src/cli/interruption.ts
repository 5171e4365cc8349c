// Ctrl-C and SIGTERM during a run: the first signal aborts the engine's signal (no scenario
// starts, each running one makes no further call and removes what it created, newest first);
// the command line then sweeps what is still named with the run's id and exits 130 or 143. A
// second signal ends the process at once, naming the cleanup command.
import { constants } from "node:os";
import { openSession } from "../auth/session.ts";
import type { TargetDescription } from "../config/description.ts";
import { describeFound, sweepLeftovers } from "../targets/sweep.ts";
import { createTransport } from "../transport/transport.ts";
import { COMMAND } from "./command.ts";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * One Ctrl-C reaches the process from the terminal and again through each wrapper that passes
 * signals on (npm exec, tsx): signals this close together count as one.
 */
const SAME_SIGNAL_MS = 2_000;

/** The exit code of a process ended by `signal`: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

export interface Interruption {
  readonly signal: AbortSignal;
  /** The signal that interrupted the run, if one did. */
  received(): NodeJS.Signals | undefined;
  /** Takes the handlers off again. */
  release(): void;
}

/** Turns SIGINT / SIGTERM into an aborted signal, with one notice. */
export function interruptOnSignals(
  cleanupHint: () => string,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Interruption {
  const controller = new AbortController();
  let first: NodeJS.Signals | undefined;
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!first) {
      first = signal;
      firstAt = Date.now();
      log(
        `\n${signal}: stopping the run; each running scenario removes what it created, newest first (${signal} again stops at once)`,
      );
      controller.abort(new Error(`interrupted by ${signal}`));
      return;
    }
    if (Date.now() - firstAt < SAME_SIGNAL_MS) return;
    log(`${signal} again: stopping at once; ${cleanupHint()}`);
    process.exit(signalExitCode(signal));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    signal: controller.signal,
    received: () => first,
    release: () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
    },
  };
}

/**
 * Opens the member's session once, so that an unreachable endpoint or wrong credentials end a
 * live run in seconds, with the transport's or Keystone's one-line message.
 */
export async function checkReachable(description: TargetDescription): Promise<void> {
  const transport = createTransport(description);
  try {
    await openSession(description, "member", transport);
  } finally {
    await transport.close();
  }
}

/** After an interrupted live run: removes whatever is still named with the run's id. */
export async function sweepRun(
  description: TargetDescription,
  runId: string,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<string[]> {
  const hint = `\`${COMMAND} cleanup --run ${runId}\` removes what is left`;
  try {
    const { found, left } = await sweepLeftovers(description, { runId, budgetMs: 30_000 });
    const count = describeFound(found).length;
    if (count === 0) {
      log(`run ${runId} left nothing behind`);
      return [];
    }
    const lines = left.map((leftover) => `${leftover.label}: ${leftover.error}`);
    for (const line of lines) log(`left behind: ${line}`);
    log(lines.length > 0 ? hint : `removed ${count} resource(s) of run ${runId}`);
    return lines;
  } catch (error) {
    log(`sweep of run ${runId} failed: ${(error as Error).message}; ${hint}`);
    return [`sweep failed: ${(error as Error).message}`];
  }
}
