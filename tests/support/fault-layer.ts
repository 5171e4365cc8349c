// Faults of a flaky cloud, injected between a scenario's clients and a replay target: an
// Interposer that resets connections, stalls, cuts bodies short, answers 503 or 429 in place of
// the service, and holds a resource in a state longer than the waiters wait. Transport faults
// are thrown exactly as the transport throws them for real sockets (toTransportError of
// undici's error codes), so the harness sees what it sees live; the live counterpart, through
// a real proxy, is tests/faults/live-faults.test.ts.
import type { Interposer } from "../../src/engine/target.ts";
import { toTransportError } from "../../src/transport/transport-error.ts";

export type Fault =
  /** The connection is reset before any answer; the request never reaches the service. */
  | { kind: "reset" }
  /** No answer at all: fails as the transport's read timeout after `readMs`. */
  | { kind: "stall" }
  /** The service answers, but the body is cut off after the headers. */
  | { kind: "truncate" }
  /** Something in front of the service answers instead of it (a gateway, a rate limiter). */
  | { kind: "respond"; status: number; body: string; headers?: Record<string, string> }
  /**
   * The service is not asked; the last JSON body it gave for this URL comes back changed,
   * e.g. a volume still `detaching`.
   */
  | { kind: "hold"; change: (body: unknown) => unknown };

export interface RequestMatch {
  method: string;
  /** Matched against the URL's path. */
  path: RegExp;
  /** Matched against the request body, e.g. /"os-detach"/. */
  body?: RegExp;
}

export interface FaultRule extends RequestMatch {
  fault: Fault;
  /** Only once a request matching this one has been sent (e.g. after the call under test). */
  after?: RequestMatch;
  /** The first matching request to fault, from 1 (default 1). */
  from?: number;
  /** How many matching requests to fault from there (default 1; Infinity for all). */
  times?: number;
}

export interface FaultLayer {
  interpose: Interposer;
  /** One line per injected fault: `<fault> <METHOD> <path>`. */
  injected: string[];
  /** Every request that passed through, `<METHOD> <path>`, faulted or not. */
  requests: string[];
}

/** Answers shaped like a gateway's, for `respond` faults. */
export const GATEWAY_503: Fault = {
  kind: "respond",
  status: 503,
  headers: { "content-type": "text/html" },
  body: "<html><body><h1>503 Service Temporarily Unavailable</h1>nginx</body></html>",
};

export const GATEWAY_502: Fault = {
  kind: "respond",
  status: 502,
  headers: { "content-type": "text/html" },
  body: "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>",
};

export function rateLimited(retryAfterSeconds: number): Fault {
  return {
    kind: "respond",
    status: 429,
    headers: { "content-type": "application/json", "retry-after": String(retryAfterSeconds) },
    body: JSON.stringify({ overLimit: { message: "Too many requests", code: 429 } }),
  };
}

/** A volume that stays in `status` (its JSON body `{"volume": {...}}` otherwise unchanged). */
export function volumeHeldIn(status: string): Fault {
  return {
    kind: "hold",
    change: (body) => {
      const volume = (body as { volume?: Record<string, unknown> } | undefined)?.volume;
      return { volume: { ...volume, status } };
    },
  };
}

export function faultLayer(
  rules: FaultRule[],
  options: { readMs: number; connectMs?: number },
): FaultLayer {
  const injected: string[] = [];
  const requests: string[] = [];
  const seen = new Map<FaultRule, number>();
  const armed = new Set<FaultRule>();
  const lastJson = new Map<string, unknown>();

  const interpose: Interposer = (fetchFn) =>
    (async (input: string | URL | Request, init: RequestInit = {}) => {
      const url = String(input instanceof Request ? input.url : input);
      const method = (init.method ?? "GET").toUpperCase();
      const body = typeof init.body === "string" ? init.body : "";
      const path = new URL(url).pathname;
      requests.push(`${method} ${path}`);
      let rule: FaultRule | undefined;
      for (const candidate of rules) {
        if (candidate.after && !armed.has(candidate)) continue;
        if (!matches(candidate, method, path, body)) continue;
        const count = (seen.get(candidate) ?? 0) + 1;
        seen.set(candidate, count);
        const from = candidate.from ?? 1;
        if (count >= from && count < from + (candidate.times ?? 1)) {
          rule = candidate;
          break;
        }
      }
      // Arm the rules waiting for this request only after it went through.
      const arm = () => {
        for (const candidate of rules) {
          if (candidate.after && matches(candidate.after, method, path, body)) armed.add(candidate);
        }
      };
      const failed = {
        method,
        url,
        connectMs: options.connectMs ?? 10_000,
        readMs: options.readMs,
      };
      if (!rule) {
        const response = await fetchFn(input, init);
        await remember(lastJson, url, response);
        arm();
        return response;
      }
      const { fault } = rule;
      injected.push(`${fault.kind} ${method} ${path}`);
      switch (fault.kind) {
        case "reset":
          throw toTransportError(fetchFailed("ECONNRESET", "read ECONNRESET"), failed);
        case "stall":
          await new Promise((resolve) => setTimeout(resolve, options.readMs));
          throw toTransportError(
            fetchFailed("UND_ERR_HEADERS_TIMEOUT", "Headers Timeout Error"),
            failed,
          );
        case "truncate": {
          // The service got the request and acted on it; only its answer is lost.
          await fetchFn(input, init);
          arm();
          throw toTransportError(
            new TypeError("terminated", {
              cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
            }),
            { ...failed, phase: "body" },
          );
        }
        case "respond":
          arm();
          return new Response(fault.body, { status: fault.status, headers: fault.headers ?? {} });
        case "hold": {
          const last = lastJson.get(url);
          if (last === undefined)
            throw new Error(`fault layer: no earlier answer of ${url} to hold`);
          arm();
          return new Response(JSON.stringify(fault.change(structuredClone(last))), {
            status: 200,
            headers: { "content-type": "application/json" },
          });
        }
      }
    }) as typeof fetch;

  return { interpose, injected, requests };
}

function matches(match: RequestMatch, method: string, path: string, body: string): boolean {
  return match.method === method && match.path.test(path) && (!match.body || match.body.test(body));
}

/** Keeps the JSON body of a 200, for `hold` faults; the response stays readable. */
async function remember(store: Map<string, unknown>, url: string, response: Response) {
  if (response.status !== 200) return;
  try {
    store.set(url, await response.clone().json());
  } catch {
    // Not JSON: nothing to hold.
  }
}

/** What global fetch throws when undici fails with `code`. */
function fetchFailed(code: string, message: string): TypeError {
  return new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) });
}
