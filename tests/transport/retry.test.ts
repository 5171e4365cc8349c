import { describe, expect, it } from "vitest";
import { virtualClock } from "../../src/transport/clock.ts";
import { InterruptedError, interruptible } from "../../src/transport/interrupt.ts";
import {
  DEFAULT_RETRY,
  isIdempotentRead,
  parseRetryAfter,
  type RetryPolicy,
  retryableError,
  retryableStatus,
  withRetry,
} from "../../src/transport/retry.ts";
import { TransportError, type TransportErrorKind } from "../../src/transport/transport-error.ts";

function transportError(kind: TransportErrorKind, code?: string): TransportError {
  return new TransportError(kind, "GET", "http://x/v3/p/volumes/v", `GET failed (${kind})`, code, {
    cause: undefined,
  });
}

/** Answers from a script; records when (on the virtual clock) each attempt was made. */
function scripted<T>(answers: (T | Error)[], policy: Partial<RetryPolicy> = {}) {
  const clock = virtualClock();
  const at: number[] = [];
  const attempt = async () => {
    at.push(clock.now());
    const next = answers.shift();
    if (next === undefined) throw new Error("script exhausted");
    if (next instanceof Error) throw next;
    return next;
  };
  return { attempt, at, policy: { ...DEFAULT_RETRY, ...policy, clock } };
}

const status = (code: number, retryAfter?: string) => ({ code, retryAfter });
type Answer = ReturnType<typeof status>;
const retryResult = (answer: Answer) => retryableStatus(answer.code, answer.retryAfter);

describe("the retry policy", () => {
  it("retries reads only", () => {
    expect(isIdempotentRead("GET")).toBe(true);
    expect(isIdempotentRead("get")).toBe(true);
    for (const method of ["POST", "DELETE", "PUT", "PATCH"]) {
      expect(isIdempotentRead(method)).toBe(false);
    }
  });

  it("treats 429 and 503 as 'not now', nothing else", () => {
    expect(retryableStatus(429, undefined)?.reason).toBe("answered 429");
    expect(retryableStatus(503, "5")).toEqual({
      reason: "answered 503 (Retry-After: 5)",
      retryAfterMs: 5_000,
    });
    for (const code of [200, 400, 401, 404, 409, 500, 502, 504]) {
      expect(retryableStatus(code, undefined)).toBeUndefined();
    }
  });

  it("treats resets, cut bodies, timeouts, refusals and EAI_AGAIN as passing, not TLS or DNS", () => {
    for (const kind of ["reset", "truncated", "timeout", "refused"] as const) {
      expect(retryableError(transportError(kind))).toBeDefined();
    }
    expect(retryableError(transportError("dns", "EAI_AGAIN"))).toBeDefined();
    expect(retryableError(transportError("dns", "ENOTFOUND"))).toBeUndefined();
    expect(retryableError(transportError("tls"))).toBeUndefined();
    expect(retryableError(transportError("other"))).toBeUndefined();
    expect(retryableError(new Error("no recorded exchange matches"))).toBeUndefined();
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Mon, 31 Dec 2029 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("withRetry", () => {
  it("asks again after 503 with exponential backoff, and reports each retried answer", async () => {
    const s = scripted<Answer>([status(503), status(503), status(200)]);
    const retried: string[] = [];
    const result = await withRetry(s.attempt, {
      policy: s.policy,
      what: "GET x",
      retryResult,
      onRetry: (event) =>
        retried.push(`${event.attempt} ${event.reason} ${event.delayMs} ${event.result?.code}`),
    });
    expect(result).toEqual(status(200));
    expect(s.at).toEqual([0, 500, 1500]);
    expect(retried).toEqual(["1 answered 503 500 503", "2 answered 503 1000 503"]);
  });

  it("waits as long as Retry-After asks when that is longer than the backoff", async () => {
    const s = scripted<Answer>([status(429, "3"), status(200)]);
    await withRetry(s.attempt, { policy: s.policy, what: "GET x", retryResult });
    expect(s.at).toEqual([0, 3_000]);
  });

  it("returns the last answer when the attempts are used up", async () => {
    const s = scripted<Answer>([status(503), status(503), status(503), status(503), status(200)]);
    const result = await withRetry(s.attempt, { policy: s.policy, what: "GET x", retryResult });
    expect(result).toEqual(status(503));
    expect(s.at).toHaveLength(DEFAULT_RETRY.attempts);
  });

  it("gives up at once when Retry-After asks for more than it may wait", async () => {
    const s = scripted<Answer>([status(503, "3600"), status(200)]);
    const result = await withRetry(s.attempt, { policy: s.policy, what: "GET x", retryResult });
    expect(result).toEqual(status(503, "3600"));
    expect(s.at).toEqual([0]);
  });

  it("starts no retry beyond the time budget", async () => {
    const s = scripted<Answer>([status(503), status(503), status(503), status(200)], {
      budgetMs: 1_200,
    });
    const result = await withRetry(s.attempt, { policy: s.policy, what: "GET x", retryResult });
    expect(result).toEqual(status(503));
    expect(s.at).toEqual([0, 500]);
  });

  it("retries a reset, then throws the last failure saying how often it was tried", async () => {
    const s = scripted<Answer>(
      [
        transportError("reset", "ECONNRESET"),
        transportError("reset", "ECONNRESET"),
        transportError("timeout", "UND_ERR_HEADERS_TIMEOUT"),
      ],
      { attempts: 3 },
    );
    const error = await withRetry(s.attempt, {
      policy: s.policy,
      what: "GET x",
      retryResult,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe("timeout");
    expect((error as TransportError).message).toBe(
      "GET failed (timeout) (the same after 3 attempts in 1.5 s)",
    );
    expect(s.at).toEqual([0, 500, 1500]);
  });

  it("throws other failures at once", async () => {
    const s = scripted<Answer>([transportError("tls"), status(200)]);
    await expect(
      withRetry(s.attempt, { policy: s.policy, what: "GET x", retryResult }),
    ).rejects.toThrow("GET failed (tls)");
    expect(s.at).toEqual([0]);
  });

  it("stops retrying when the scenario is interrupted", async () => {
    const controller = new AbortController();
    const s = scripted<Answer>([status(503), status(200)]);
    const attempt = async () => {
      const answer = await s.attempt();
      controller.abort(new Error("interrupted by SIGINT"));
      return answer;
    };
    const error = await interruptible(controller.signal, () =>
      withRetry(attempt, { policy: s.policy, what: "GET x", retryResult }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as Error).message).toBe("interrupted by SIGINT");
    expect(s.at).toEqual([0]);
  });
});
