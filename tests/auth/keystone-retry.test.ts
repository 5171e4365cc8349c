import { describe, expect, it } from "vitest";
import { issueToken, type PasswordAuth } from "../../src/auth/keystone.ts";
import { AuthError } from "../../src/config/auth-error.ts";
import { virtualClock } from "../../src/transport/clock.ts";
import { DEFAULT_RETRY } from "../../src/transport/retry.ts";
import type { Transport } from "../../src/transport/transport.ts";
import { TransportError } from "../../src/transport/transport-error.ts";

// Token requests may be repeated: each one only issues a token. A transport failure or a
// 429/503 is retried; a 401 (wrong password) is not.

const AUTH: PasswordAuth = {
  authUrl: "http://keystone.test/v3",
  user: { name: "u", domainName: "Default", password: "pw" },
  project: { name: "p", domainName: "Default" },
};

function keystone(answers: (() => Response)[]): Transport & { calls: number } {
  const transport = {
    calls: 0,
    async fetch() {
      const answer = answers[transport.calls++];
      if (!answer) throw new Error("no more answers");
      return answer();
    },
    close: async () => {},
  };
  return transport;
}

const token = () =>
  new Response(
    JSON.stringify({
      token: {
        issued_at: "2030-01-01T00:00:00Z",
        expires_at: "2030-01-01T01:00:00Z",
        project: { id: "p" },
      },
    }),
    { status: 201, headers: { "x-subject-token": "tok", "content-type": "application/json" } },
  );
const reset = () => {
  throw new TransportError("reset", "POST", AUTH.authUrl, "reset", "ECONNRESET", {
    cause: undefined,
  });
};
const retry = () => ({ ...DEFAULT_RETRY, clock: virtualClock() });

describe("issueToken", () => {
  it("retries a reset and a 503", async () => {
    const transport = keystone([reset, () => new Response("busy", { status: 503 }), token]);
    const issued = await issueToken(transport, AUTH, retry());
    expect(issued.token).toBe("tok");
    expect(transport.calls).toBe(3);
  });

  it("does not retry a 401", async () => {
    const transport = keystone([() => new Response("{}", { status: 401 }), token]);
    await expect(issueToken(transport, AUTH, retry())).rejects.toThrow(AuthError);
    expect(transport.calls).toBe(1);
  });

  it("says what Keystone answered when it stays unavailable", async () => {
    const unavailable = () => new Response('{"error": {"message": "down"}}', { status: 503 });
    const transport = keystone([unavailable, unavailable, unavailable, unavailable]);
    await expect(issueToken(transport, AUTH, retry())).rejects.toThrow(
      "Keystone at http://keystone.test/v3 answered 503 (down).",
    );
    expect(transport.calls).toBe(DEFAULT_RETRY.attempts);
  });
});
