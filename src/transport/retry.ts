// When a request may be sent again. Only requests whose repetition cannot change what the
// server does are retried: reads (GET of a volume, a server, attachments) and token requests.
// The operation under test and every other POST or DELETE go out exactly once, whatever happens.
import { type Clock, realClock } from "./clock.ts";
import { currentInterruption, throwIfInterrupted } from "./interrupt.ts";
import { TransportError } from "./transport-error.ts";

export interface RetryPolicy {
  /** Attempts in all, the first one included; 1 means no retry. */
  attempts: number;
  /** Wait before the first retry; doubled for each further one. */
  initialDelayMs: number;
  /** Longest single wait; a `Retry-After` asking for more ends the retries. */
  maxDelayMs: number;
  /** No retry starts once this much time has passed since the first attempt. */
  budgetMs: number;
  /** Real time live; replay passes its virtual clock, so recorded 503s replay at once. */
  clock?: Clock;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  budgetMs: 60_000,
};

/** Methods whose repetition cannot change the outcome. */
export function isIdempotentRead(method: string): boolean {
  return ["GET", "HEAD"].includes(method.toUpperCase());
}

/** Statuses that say "not now": rate limited, or the service (or a gateway) is unavailable. */
export const RETRY_STATUSES: readonly number[] = [429, 503];

/** Transport failures that may pass: a reset, a cut-off body, a timeout, a restarting server. */
const RETRY_KINDS: readonly string[] = ["reset", "truncated", "timeout", "refused"];

/** Why an answer should be asked for again, or `undefined` when it is final. */
export interface RetryReason {
  reason: string;
  /** From `Retry-After`, when the server said how long to wait. */
  retryAfterMs?: number;
}

export function retryableStatus(
  status: number,
  retryAfter: string | null | undefined,
  now = Date.now(),
): RetryReason | undefined {
  if (!RETRY_STATUSES.includes(status)) return undefined;
  const retryAfterMs = parseRetryAfter(retryAfter, now);
  return {
    reason: `answered ${status}${retryAfter ? ` (Retry-After: ${retryAfter})` : ""}`,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  };
}

export function retryableError(error: unknown): RetryReason | undefined {
  if (!(error instanceof TransportError)) return undefined;
  // EAI_AGAIN is a DNS server that did not answer in time; ENOTFOUND will not change.
  if (RETRY_KINDS.includes(error.kind) || error.code === "EAI_AGAIN") {
    return { reason: `failed (${error.code ?? error.kind})` };
  }
  return undefined;
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface RetryEvent<T> {
  /** The attempt that failed, from 1. */
  attempt: number;
  reason: string;
  delayMs: number;
  /** The answer that is being retried; absent after a transport failure. */
  result?: T;
}

export interface RetryOptions<T> {
  policy: RetryPolicy;
  /** Names the request in messages, e.g. `GET http://…/volumes/…`. */
  what: string;
  /** Whether an answer is to be retried; answers are final when absent. */
  retryResult?: (result: T) => RetryReason | undefined;
  /** Called before each wait, e.g. to keep the superseded answer for the report. */
  onRetry?: (event: RetryEvent<T>) => void;
}

/**
 * Runs `attempt` until its answer is final, the attempts are used up, or the budget is spent.
 * A last retryable answer is returned as it is (the caller judges it); a last retryable
 * failure is thrown with how often it was tried. Other failures are thrown at once.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: RetryOptions<T>,
): Promise<T> {
  const { policy } = options;
  const clock = policy.clock ?? realClock;
  const start = clock.now();
  for (let n = 1; ; n++) {
    throwIfInterrupted();
    let result: T | undefined;
    let failure: unknown;
    let retry: RetryReason | undefined;
    try {
      result = await attempt();
      retry = options.retryResult?.(result);
      if (!retry) return result;
    } catch (error) {
      retry = retryableError(error);
      if (!retry) throw error;
      failure = error;
    }
    const delayMs = Math.max(
      retry.retryAfterMs ?? 0,
      Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (n - 1)),
    );
    const elapsed = clock.now() - start;
    const giveUp =
      n >= policy.attempts || delayMs > policy.maxDelayMs || elapsed + delayMs > policy.budgetMs;
    if (giveUp) {
      if (failure === undefined) return result as T;
      throw gaveUp(failure, n, elapsed);
    }
    options.onRetry?.({
      attempt: n,
      reason: retry.reason,
      delayMs,
      ...(failure === undefined && { result: result as T }),
    });
    await sleep(clock, delayMs);
  }
}

/** The same transport failure, saying that it was retried. */
function gaveUp(error: unknown, attempts: number, elapsedMs: number): unknown {
  if (!(error instanceof TransportError) || attempts === 1) return error;
  return new TransportError(
    error.kind,
    error.method,
    error.url,
    `${error.message} (the same after ${attempts} attempts in ${(elapsedMs / 1000).toFixed(1)} s)`,
    error.code,
    { cause: error },
  );
}

/** Sleeps on the clock, ending early (by throwing) when the scenario is interrupted. */
async function sleep(clock: Clock, ms: number): Promise<void> {
  const signal = currentInterruption();
  if (!signal || clock !== realClock) {
    await clock.sleep(ms);
    throwIfInterrupted();
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
  throwIfInterrupted();
}
