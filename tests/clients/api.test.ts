import { describe, expect, it } from "vitest";
import { openSession } from "../../src/auth/session.ts";
import { Api, type OperationRoute } from "../../src/clients/api.ts";
import type { TargetDescription } from "../../src/config/description.ts";
import { virtualClock } from "../../src/transport/clock.ts";
import type { Exchange } from "../../src/transport/exchange.ts";
import { InterruptedError, interruptible } from "../../src/transport/interrupt.ts";
import { DEFAULT_RETRY } from "../../src/transport/retry.ts";
import type { Transport } from "../../src/transport/transport.ts";
import { TransportError } from "../../src/transport/transport-error.ts";

// Api over a real renewing session: Keystone and the service are functions that answer from a
// script, so each test can say which token the service accepts and what it answers.

const ORIGIN = "http://volume.test";
const description: TargetDescription = {
  name: "fake",
  family: "fake",
  auth: {
    url: "http://keystone.test/v3",
    projectName: "p",
    userDomainName: "Default",
    member: { username: "u", password: "pw" },
  },
  endpoints: { volume: ORIGIN, compute: ORIGIN },
};

const ROUTES: Record<string, OperationRoute> = {
  showVolume: { method: "GET", path: "/v2/{project_id}/volumes/{volume_id}", service: "volume" },
  detachVolume: {
    method: "POST",
    path: "/v2/{project_id}/volumes/{volume_id}/action",
    service: "volume",
  },
  deleteVolume: {
    method: "DELETE",
    path: "/v2/{project_id}/volumes/{volume_id}",
    service: "volume",
  },
};

/** Keystone that issues tok-1, tok-2, … each time it is asked. */
function keystone(): Transport & { issued: string[] } {
  const issued: string[] = [];
  return {
    issued,
    async fetch() {
      const token = `tok-${issued.length + 1}`;
      issued.push(token);
      const now = Date.now();
      return new Response(
        JSON.stringify({
          token: {
            issued_at: new Date(now).toISOString(),
            expires_at: new Date(now + 3_600_000).toISOString(),
            project: { id: "p" },
            catalog: [],
          },
        }),
        { status: 201, headers: { "x-subject-token": token, "content-type": "application/json" } },
      );
    },
    close: async () => {},
  };
}

type Service = (request: {
  method: string;
  path: string;
  token: string;
  n: number;
}) => Response | Promise<Response>;

async function api(service: Service) {
  const auth = keystone();
  const session = await openSession(description, "member", auth);
  const requests: string[] = [];
  const sent: Headers[] = [];
  const exchanges: Exchange[] = [];
  const fetchFn = (async (url: string, init: RequestInit = {}) => {
    sent.push(new Headers(init.headers));
    const token = new Headers(init.headers).get("x-auth-token") ?? "";
    const method = init.method ?? "GET";
    const path = new URL(url).pathname;
    requests.push(`${method} ${path} ${token}`);
    return service({ method, path, token, n: requests.length });
  }) as typeof fetch;
  const client = new Api({
    fetch: fetchFn,
    session,
    route: (operationId) => {
      const route = ROUTES[operationId];
      if (!route) throw new Error(`no route ${operationId}`);
      return route;
    },
    mapPath: (_, path) => path,
    onExchange: (exchange) => exchanges.push(exchange),
    retry: { ...DEFAULT_RETRY, clock: virtualClock() },
  });
  return { client, requests, sent, exchanges, issued: auth.issued };
}

const json = (status: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
const unauthorized = () => json(401, { error: { code: 401, message: "expired" } });
const volume = { path: { volume_id: "v" } };

describe("Api and an expired token", () => {
  it("renews the token once after a 401 and sends the call again, the operation under test too", async () => {
    const a = await api(({ token }) => (token === "tok-1" ? unauthorized() : json(202)));
    const exchange = await a.client.call("detachVolume", { ...volume, json: { "os-detach": {} } });
    expect(exchange.response.status).toBe(202);
    expect(a.issued).toEqual(["tok-1", "tok-2"]);
    expect(a.requests).toEqual([
      "POST /v2/p/volumes/v/action tok-1",
      "POST /v2/p/volumes/v/action tok-2",
    ]);
    // The refused attempt is not a server answer to the call: only the real one is reported.
    expect(a.exchanges.map((e) => e.response.status)).toEqual([202]);
  });

  it("renews only once: a fresh token refused too is the answer", async () => {
    const a = await api(() => unauthorized());
    const exchange = await a.client.call("detachVolume", { ...volume, json: { "os-detach": {} } });
    expect(exchange.response.status).toBe(401);
    expect(a.issued).toEqual(["tok-1", "tok-2"]);
    expect(a.requests).toHaveLength(2);
  });

  it("renews once for several calls refused with the same token, even when the 401s come late", async () => {
    // The 401s arrive one after another, the later ones after the renewal has finished.
    const a = await api(async ({ token, n }) => {
      if (token !== "tok-1") return json(200, { volume: { id: "v" } });
      await new Promise((resolve) => setTimeout(resolve, n * 20));
      return unauthorized();
    });
    const answers = await Promise.all([1, 2, 3].map(() => a.client.call("showVolume", volume)));
    expect(answers.map((e) => e.response.status)).toEqual([200, 200, 200]);
    expect(a.issued).toEqual(["tok-1", "tok-2"]);
  });
});

describe("Api and the credential it sends", () => {
  const detach = { ...volume, json: { "os-detach": {} } };

  it("sends the session's token and records the session's role", async () => {
    const a = await api(() => json(202));
    const exchange = await a.client.call("detachVolume", detach);
    expect(a.sent.map((headers) => headers.get("x-auth-token"))).toEqual(["tok-1"]);
    expect(exchange.request.credentialKind).toBe("member");
  });

  it("sends no token header at all for `token: null`, and records the credential none", async () => {
    const a = await api(() => unauthorized());
    const exchange = await a.client.call("detachVolume", { ...detach, token: null });
    expect(a.sent.map((headers) => headers.has("x-auth-token"))).toEqual([false]);
    expect(exchange.request.headers).not.toHaveProperty("x-auth-token");
    expect(exchange.request.credentialKind).toBe("none");
  });

  it("sends exactly the token given, never the session's, and records the credential invalid", async () => {
    const a = await api(() => unauthorized());
    const exchange = await a.client.call("detachVolume", { ...detach, token: "made-up-token" });
    // One request, one value: the given token alone, not beside the session's.
    expect(a.sent.map((headers) => headers.get("x-auth-token"))).toEqual(["made-up-token"]);
    expect(exchange.request.headers["x-auth-token"]).toBe("made-up-token");
    expect(exchange.request.credentialKind).toBe("invalid");
  });
});

describe("Api retries reads only", () => {
  it("asks a GET again after a 503, reporting the retried answer marked", async () => {
    const a = await api(({ n }) => (n === 1 ? json(503, {}, { "retry-after": "1" }) : json(200)));
    const exchange = await a.client.call("showVolume", volume);
    expect(exchange.response.status).toBe(200);
    expect(a.exchanges.map((e) => [e.response.status, e.retried])).toEqual([
      [503, "answered 503 (Retry-After: 1); asked again after 1000 ms"],
      [200, undefined],
    ]);
  });

  it("asks a GET again after a reset connection", async () => {
    const a = await api(({ n, method, path }) => {
      if (n === 1) {
        throw new TransportError("reset", method, `${ORIGIN}${path}`, "reset", "ECONNRESET", {
          cause: undefined,
        });
      }
      return json(200);
    });
    expect((await a.client.call("showVolume", volume)).response.status).toBe(200);
    expect(a.requests).toHaveLength(2);
  });

  it("sends the operation under test (POST) once, whatever it is answered", async () => {
    const a = await api(() => json(503));
    const exchange = await a.client.call("detachVolume", { ...volume, json: { "os-detach": {} } });
    expect(exchange.response.status).toBe(503);
    expect(a.requests).toHaveLength(1);
  });

  it("sends a DELETE once, even after a reset", async () => {
    const a = await api(({ method, path }) => {
      throw new TransportError("reset", method, `${ORIGIN}${path}`, "reset", "ECONNRESET", {
        cause: undefined,
      });
    });
    await expect(a.client.call("deleteVolume", volume)).rejects.toThrow(TransportError);
    expect(a.requests).toHaveLength(1);
  });
});

describe("Api in an interrupted scenario", () => {
  it("refuses new calls inside the interrupted scope, and only there", async () => {
    const a = await api(() => json(200));
    const controller = new AbortController();
    controller.abort(new Error("interrupted by SIGINT"));
    await expect(
      interruptible(controller.signal, () => a.client.call("showVolume", volume)),
    ).rejects.toThrow(InterruptedError);
    expect(a.requests).toEqual([]);
    // Cleanup runs outside the scope.
    expect((await a.client.call("showVolume", volume)).response.status).toBe(200);
  });
});
