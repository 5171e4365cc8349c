import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoopbackProxy, startLoopbackProxy } from "../../src/interpose/loopback-proxy.ts";

let upstream: Server;
let origin: string;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    res.writeHead(202, { "content-type": "application/json", "x-openstack-request-id": "req-1" });
    res.end(req.method === "POST" ? "" : '{"ok":true}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

async function withProxy(
  rule: Parameters<typeof startLoopbackProxy>[1],
  use: (proxy: LoopbackProxy) => Promise<void>,
) {
  const proxy = await startLoopbackProxy(origin, rule);
  try {
    await use(proxy);
  } finally {
    await proxy.close();
  }
}

describe("loopback proxy", () => {
  it("forwards and lets a rule change the answer", async () => {
    await withProxy(
      async (_request, forward) => {
        const real = await forward();
        return { kind: "respond", response: { ...real, status: 200 } };
      },
      async (proxy) => {
        const response = await fetch(`${proxy.origin}/v3/x`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ ok: true });
        expect(response.headers.get("x-openstack-request-id")).toBe("req-1");
      },
    );
  });

  it("resets the connection", async () => {
    await withProxy(
      async () => ({ kind: "reset" }),
      async (proxy) => {
        await expect(fetch(`${proxy.origin}/v3/x`)).rejects.toThrow();
      },
    );
  });

  it("cuts a body short", async () => {
    await withProxy(
      async (_request, forward) => ({ kind: "truncate", response: await forward() }),
      async (proxy) => {
        const response = await fetch(`${proxy.origin}/v3/x`);
        await expect(response.text()).rejects.toThrow();
      },
    );
  });

  it("never answers a stalled request", async () => {
    await withProxy(
      async () => ({ kind: "stall" }),
      async (proxy) => {
        const signal = AbortSignal.timeout(200);
        await expect(fetch(`${proxy.origin}/v3/x`, { signal })).rejects.toThrow();
      },
    );
  });
});
