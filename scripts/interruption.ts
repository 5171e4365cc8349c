// A live run that SIGINT / SIGTERM stop without cutting its cleanup short, and the sweep of
// whatever an interrupted run still left.
//
// Vitest's own handler (in its logger) exits the main process 1 ms after the signal; the
// worker running the catalog then loses its parent and dies with whatever it created still
// there. Here that handler is replaced. The first signal is passed to the worker through a
// file it watches (CONFORMANCE_INTERRUPT_FILE; vitest's own cancellation is lost when it comes
// before the worker has started its tests): each running scenario makes no further call, its
// cleanup runs newest first, pending scenarios are skipped, and the worker writes its reports.
// The worker is preloaded with worker-signals.cjs, so that Ctrl-C, which signals the whole
// process group, does not kill it while it starts. If the cleanup takes longer than `graceMs`,
// or a second signal comes, the worker is stopped. Either way the command line then sweeps
// whatever is still named with the run's id, and lists with ids what it could not remove.
import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createVitest } from "vitest/node";
import { openSession } from "../src/auth/session.ts";
import { loadContract } from "../src/contract/load-spec.ts";
import { realClock } from "../src/transport/clock.ts";
import { findLeftovers, removeLeftovers } from "../src/resources/leftovers.ts";
import { DEFAULT_BUDGET } from "../src/resources/waiters.ts";
import type { TargetDescription } from "../src/config/description.ts";
import { roleClients } from "../src/targets/wiring.ts";
import { createTransport } from "../src/transport/transport.ts";

type Vitest = Awaited<ReturnType<typeof createVitest>>;

export interface InterruptibleRunOptions {
  filters: string[];
  /** Vitest CLI options, as for startVitest. */
  options: Parameters<typeof createVitest>[1];
  /** As for startVitest, e.g. `{ stdout: process.stderr }`. */
  vitestOptions?: Parameters<typeof createVitest>[3];
  /** How long an interrupted run may take to clean up before its worker is stopped. */
  graceMs: number;
  log?: (line: string) => void;
}

export interface InterruptibleRunResult {
  /** The signal that interrupted the run, if one did. */
  interrupted?: NodeJS.Signals;
  /** True when the worker was stopped before it finished its cleanup. */
  forced: boolean;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

const WORKER_SIGNALS = fileURLToPath(
  new URL("../tests/conformance/worker-signals.cjs", import.meta.url),
);

/**
 * One Ctrl-C reaches the process from the terminal and again through each wrapper that passes
 * signals on (npm exec, tsx): signals this close together count as one.
 */
const SAME_SIGNAL_MS = 2_000;

/** The exit code of a process ended by `signal`: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

export async function runVitestInterruptibly(
  run: InterruptibleRunOptions,
): Promise<InterruptibleRunResult> {
  const log = run.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // As startVitest does before it creates vitest.
  process.env.TEST = "true";
  process.env.VITEST = "true";
  process.env.NODE_ENV ??= "test";
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  // The worker ignores signals until the catalog handles them (see worker-signals.cjs).
  // Through NODE_OPTIONS, because a project's execArgv comes from the config file only.
  const nodeOptions = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = [nodeOptions, `--require "${WORKER_SIGNALS}"`]
    .filter(Boolean)
    .join(" ");
  // The worker watches this file: a cancellation through vitest is lost when it comes before
  // the worker has started its tests.
  const interruptFile = join(tmpdir(), `conformance-interrupt-${process.pid}-${randomUUID()}`);
  process.env.CONFORMANCE_INTERRUPT_FILE = interruptFile;
  const vitest = await createVitest("test", run.options, {}, run.vitestOptions);
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }

  const result: InterruptibleRunResult = { forced: false };
  let lastSignalAt = 0;
  let deadline: NodeJS.Timeout | undefined;
  let stopNow: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stopNow = resolve;
  });
  const force = (why: string) => {
    if (result.forced) return;
    result.forced = true;
    log(`${why}: stopping the worker now; what the run created is swept afterwards`);
    // A cancel while one is under way stops the workers without waiting for them.
    void vitest.cancelCurrentRun("keyboard-input").catch(() => undefined);
    void vitest.cancelCurrentRun("keyboard-input").catch(() => undefined);
    stopNow();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (now - lastSignalAt < SAME_SIGNAL_MS) return;
    lastSignalAt = now;
    if (!result.interrupted) {
      result.interrupted = signal;
      writeFileSync(interruptFile, signal);
      log(
        `\n${signal}: stopping the run; each running scenario removes what it created, newest first (up to ${Math.round(run.graceMs / 1000)} s; ${signal} again stops at once)`,
      );
      deadline = setTimeout(
        () => force(`cleanup still running after ${run.graceMs} ms`),
        run.graceMs,
      );
      return;
    }
    if (!result.forced) return force(`${signal} again`);
    process.exit(signalExitCode(signal));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);

  try {
    const finished = vitest.start(run.filters).then(
      () => undefined,
      (error: unknown) => {
        process.exitCode = 1;
        vitest.logger.printError(error, { fullStack: true, type: "Unhandled Error" });
      },
    );
    await Promise.race([finished, stopped]);
  } finally {
    clearTimeout(deadline);
    rmSync(interruptFile, { force: true });
    // Closing stops a worker that is still running (after a forced stop).
    await closeWithin(vitest, 2_000);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = nodeOptions;
    delete process.env.CONFORMANCE_INTERRUPT_FILE;
  }
  return result;
}

async function closeWithin(vitest: Vitest, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    vitest.close().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Opens the member's session once, so that an unreachable endpoint or wrong credentials end a
 * live run in seconds, with the transport's or Keystone's one-line message, before vitest starts.
 */
export async function checkReachable(description: TargetDescription): Promise<void> {
  const transport = createTransport(description);
  try {
    await openSession(description, "member", transport);
  } finally {
    await transport.close();
  }
}

export interface SweepResult {
  found: number;
  /** What could not be removed, one line each with its id. */
  left: string[];
}

/**
 * Removes whatever is still named with the run's id: servers first (deleting one detaches its
 * volumes), then volumes, each detached and unreserved first. Bounded by `budgetMs` per wait.
 */
export async function sweepRun(
  description: TargetDescription,
  runId: string,
  budgetMs = 30_000,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<SweepResult> {
  const transport = createTransport(description);
  try {
    const contract = await loadContract();
    const clients = await roleClients(description, "member", transport, contract);
    // An admin, when the target gives one, can release a volume Nova left reserved.
    const admin = description.auth.admin
      ? await roleClients(description, "admin", transport, contract)
      : undefined;
    const found = await findLeftovers(clients, runId);
    const count = found.servers.length + found.volumes.length;
    if (count === 0) {
      log(`run ${runId} left nothing behind`);
      return { found: 0, left: [] };
    }
    log(`run ${runId} left ${count} resource(s); removing them`);
    const failed = await removeLeftovers(
      clients,
      found,
      { clock: realClock, budget: { intervalMs: DEFAULT_BUDGET.intervalMs, budgetMs } },
      admin,
    );
    const left = failed.map((leftover) => `${leftover.label}: ${leftover.error}`);
    for (const line of left) log(`left behind: ${line}`);
    if (left.length > 0) {
      log(`remove them later with \`npm run conformance -- cleanup --run ${runId}\``);
    } else {
      log(`removed ${count} resource(s) of run ${runId}`);
    }
    return { found: count, left };
  } finally {
    await transport.close();
  }
}

/**
 * After an interrupted run: sweeps a live run's leftovers (a further signal ends the sweep at
 * once, naming the cleanup command), then exits with the signal's exit code. It does not wait
 * for the event loop to drain: a worker that died of the signal before it could handle it
 * leaves vitest's pool waiting up to a minute for its answer.
 */
export async function afterInterruption(
  signal: NodeJS.Signals,
  description: TargetDescription | undefined,
  runId: string | undefined,
): Promise<never> {
  if (description && runId) await sweepAfterInterruption(description, runId);
  process.exit(signalExitCode(signal));
}

async function sweepAfterInterruption(description: TargetDescription, runId: string) {
  const exitNow = (again: NodeJS.Signals) => {
    process.stderr.write(
      `${again}: sweep stopped; \`npm run conformance -- cleanup --run ${runId}\` removes what is left\n`,
    );
    process.exit(signalExitCode(again));
  };
  process.once("SIGINT", exitNow);
  process.once("SIGTERM", exitNow);
  try {
    await sweepRun(description, runId);
  } catch (error) {
    process.stderr.write(
      `sweep of run ${runId} failed: ${(error as Error).message}; \`npm run conformance -- cleanup --run ${runId}\` removes what is left\n`,
    );
  } finally {
    process.off("SIGINT", exitNow);
    process.off("SIGTERM", exitNow);
  }
}
