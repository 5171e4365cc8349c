import { describe, expect, it } from "vitest";
import { hasFaultEnvelope, unjudgeable } from "../../src/engine/unjudgeable.ts";
import type { Exchange } from "../../src/transport/exchange.ts";

function answer(status: number, bodyText: string, headers: Record<string, string> = {}): Exchange {
  return {
    operationId: "detachVolume",
    request: { method: "POST", url: "http://x/v3/p/volumes/v/action", headers: {} },
    response: { status, headers, bodyText },
  };
}

describe("unjudgeable", () => {
  it("names a 502, 503 or 504 without the OpenStack fault envelope as a gateway's", () => {
    expect(unjudgeable(answer(503, "<html><h1>503 Service Unavailable</h1></html>"))).toBe(
      'answered 503 by a gateway or proxy in front of the service, not by the service itself (the body is not the OpenStack fault envelope: "<html><h1>503 Service Unavailable</h1></html>")',
    );
    expect(unjudgeable(answer(502, ""))).toMatch(/envelope: empty\)$/);
    expect(unjudgeable(answer(504, '{"message": "upstream timed out"}'))).toMatch(/^answered 504/);
  });

  it("leaves the service's own 5xx to the checks", () => {
    const cinder = '{"serviceUnavailable": {"message": "Service Unavailable", "code": 503}}';
    const keystone = '{"error": {"code": 503, "title": "Service Unavailable", "message": "x"}}';
    expect(unjudgeable(answer(503, cinder))).toBeUndefined();
    expect(unjudgeable(answer(503, keystone))).toBeUndefined();
    expect(unjudgeable(answer(500, "<html>Internal Server Error</html>"))).toBeUndefined();
  });

  it("names a 429 as rate limiting, with its Retry-After", () => {
    expect(unjudgeable(answer(429, "", { "retry-after": "30" }))).toBe(
      "rate-limited: answered 429 with Retry-After 30 before the request ran",
    );
  });

  it("judges everything else", () => {
    for (const status of [200, 202, 400, 404, 409]) {
      expect(unjudgeable(answer(status, "<html/>"))).toBeUndefined();
    }
  });

  it("recognises the envelope: one key holding an object with a message", () => {
    expect(hasFaultEnvelope('{"itemNotFound": {"message": "m", "code": 404}}')).toBe(true);
    expect(hasFaultEnvelope('{"a": {"message": "m"}, "b": {}}')).toBe(false);
    expect(hasFaultEnvelope('{"a": "m"}')).toBe(false);
    expect(hasFaultEnvelope("[]")).toBe(false);
    expect(hasFaultEnvelope("not json")).toBe(false);
  });

  it("names a 429 without Retry-After as rate limiting too", () => {
    expect(unjudgeable(answer(429, ""))).toBe("rate-limited: answered 429 before the request ran");
  });

  it("quotes a gateway's body on one line, cut at 120 characters", () => {
    const long = `<html>\n  <body>${"x".repeat(200)}</body>\n</html>`;
    const quoted = `<html> <body>${"x".repeat(200)}</body> </html>`.slice(0, 120);
    expect(unjudgeable(answer(502, long))).toBe(
      `answered 502 by a gateway or proxy in front of the service, not by the service itself (the body is not the OpenStack fault envelope: "${quoted}…")`,
    );
    const exact = "y".repeat(120);
    expect(unjudgeable(answer(502, `  ${exact}\n`))).toMatch(
      new RegExp(`envelope: "${exact}"\\)$`),
    );
    expect(unjudgeable(answer(502, " \n\t "))).toMatch(/envelope: empty\)$/);
  });

  it("does not take null, a list or a bare message for the envelope", () => {
    expect(hasFaultEnvelope("null")).toBe(false);
    expect(hasFaultEnvelope('[{"message": "m"}]')).toBe(false);
    expect(hasFaultEnvelope('{"a": null}')).toBe(false);
    expect(hasFaultEnvelope('{"a": {"message": 7}}')).toBe(false);
    expect(hasFaultEnvelope("{}")).toBe(false);
  });
});
