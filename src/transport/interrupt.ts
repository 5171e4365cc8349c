// Stopping a scenario when the run is interrupted (SIGINT, SIGTERM, a cancelled vitest run)
// without stopping its cleanup. The scenario's own steps (arrange, act, settle) run inside
// `interruptible`; once its signal is aborted, every API call they start throws at once. Calls
// already on the wire finish, so whatever they created is registered for cleanup; the cleanup
// runs outside that scope and is never refused.
import { AsyncLocalStorage } from "node:async_hooks";

const scope = new AsyncLocalStorage<AbortSignal>();

export class InterruptedError extends Error {
  override readonly name = "InterruptedError";
}

/** Runs `fn` so that API calls it makes (directly or through waiters) honour `signal`. */
export function interruptible<T>(
  signal: AbortSignal | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  return signal ? scope.run(signal, fn) : fn();
}

/** The interruption signal of the scenario step running now, if any. */
export function currentInterruption(): AbortSignal | undefined {
  return scope.getStore();
}

/** Throws an InterruptedError when the scenario step running now was interrupted. */
export function throwIfInterrupted(): void {
  const signal = scope.getStore();
  if (signal?.aborted) throw new InterruptedError(interruptionText(signal.reason));
}

/** One line for an abort reason: `interrupted by SIGINT`, or the reason's message. */
export function interruptionText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === "string" ? reason : "interrupted";
}
