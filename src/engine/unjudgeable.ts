// Answers that say nothing about the contract, because the service did not really answer:
//
// - a 502, 503 or 504 whose body is not the OpenStack fault envelope came from a gateway, load
//   balancer or proxy in front of the service (the services wrap every error of their own in
//   `{"<fault>": {"message": …, "code": …}}`, Keystone in `{"error": {…}}`);
// - a 429 means the request was turned away before it ran; the operation under test is never
//   sent twice, so its case stays unjudged.
//
// On the call under test such an answer makes the verdict `error`, not `fails`; on set-up and
// state calls it is not judged either.
import type { Exchange } from "../transport/exchange.ts";

export const GATEWAY_STATUSES: readonly number[] = [502, 503, 504];

/** Why the answer cannot be judged against the contract, or `undefined` when it can. */
export function unjudgeable(exchange: Exchange): string | undefined {
  const { status, headers, bodyText } = exchange.response;
  if (GATEWAY_STATUSES.includes(status) && !hasFaultEnvelope(bodyText)) {
    return `answered ${status} by a gateway or proxy in front of the service, not by the service itself (the body is not the OpenStack fault envelope: ${snippet(bodyText)})`;
  }
  if (status === 429) {
    const after = headers["retry-after"];
    return `rate-limited: answered 429${after ? ` with Retry-After ${after}` : ""} before the request ran`;
  }
  return undefined;
}

/** `{"<fault>": {"message": "…", …}}`: one key holding an object with a message. */
export function hasFaultEnvelope(bodyText: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return false;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const values = Object.values(body);
  const inner = values[0] as { message?: unknown } | null | undefined;
  return values.length === 1 && typeof inner === "object" && typeof inner?.message === "string";
}

function snippet(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line === "") return "empty";
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}
