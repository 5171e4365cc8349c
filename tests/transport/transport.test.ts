import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTransport, type Transport } from "../../src/transport/transport.ts";
import { TransportError } from "../../src/transport/transport-error.ts";
import { missingCommand, withReason } from "../support/missing-command.ts";

// Real sockets on 127.0.0.1; `env: {}` keeps the machine's proxy variables out of the way.
const servers: net.Server[] = [];
let transport: Transport | undefined;

afterEach(async () => {
  await transport?.close();
  transport = undefined;
  for (const server of servers.splice(0)) {
    (server as http.Server).closeAllConnections?.();
    server.close();
  }
});

async function listen<T extends net.Server>(server: T): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function open(options: Parameters<typeof createTransport>[0] = {}): Transport {
  transport = createTransport({ env: {}, ...options });
  return transport;
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe("createTransport", () => {
  it("returns the response with its body readable", async () => {
    const host = await listen(
      http.createServer((req, res) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ method: req.method, url: req.url }));
      }),
    );
    const response = await open().fetch(`http://${host}/v3/volumes`, {
      method: "POST",
      body: "{}",
    });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`http://${host}/v3/volumes`);
    expect(await response.json()).toEqual({ method: "POST", url: "/v3/volumes" });
  });

  it("reports a refused connection with the origin and what to do", async () => {
    const port = await freePort();
    const error = await failure(
      open().fetch(`http://127.0.0.1:${port}/v3/x`, { method: "delete" }),
    );
    expect(error.kind).toBe("refused");
    expect(error.code).toBe("ECONNREFUSED");
    expect(error.method).toBe("DELETE");
    expect(error.url).toBe(`http://127.0.0.1:${port}/v3/x`);
    expect(error.message).toBe(
      `cannot connect to http://127.0.0.1:${port} (connection refused): is the endpoint up?`,
    );
  });

  it("times out when the server sends no response", async () => {
    const host = await listen(http.createServer(() => {}));
    const error = await failure(open({ timeouts: { readMs: 200 } }).fetch(`http://${host}/slow`));
    expect(error.kind).toBe("timeout");
    expect(error.message).toBe(
      `GET http://${host}/slow: no response within 200 ms: the server is stalled or slow; check its logs, or raise timeouts.readMs if that is expected.`,
    );
  });

  it("times out when the body stalls, before the caller reads it", async () => {
    const host = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
      }),
    );
    const error = await failure(open({ timeouts: { readMs: 200 } }).fetch(`http://${host}/`));
    expect(error.kind).toBe("timeout");
    expect(error.code).toBe("UND_ERR_BODY_TIMEOUT");
  });

  it("reports a reset connection", async () => {
    const host = await listen(
      net.createServer((socket) => socket.on("data", () => socket.resetAndDestroy())),
    );
    const error = await failure(open().fetch(`http://${host}/`));
    expect(error.kind).toBe("reset");
    expect(error.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/: the connection was closed/);
  });

  it("reports a body cut off after the headers as truncated", async () => {
    const host = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { "content-length": "100" });
        res.flushHeaders();
        res.write("partial", () => res.socket?.destroy());
      }),
    );
    const error = await failure(open().fetch(`http://${host}/v3/volumes/v`));
    expect(error.kind).toBe("truncated");
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/v3\/volumes\/v: the response body was cut off after the status and headers had arrived/,
    );
  });

  it("uses HTTPS_PROXY / HTTP_PROXY and honours NO_PROXY", async () => {
    const target = await listen(http.createServer((_req, res) => res.end("through")));
    const tunnels: string[] = [];
    const proxy = http.createServer();
    proxy.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? "");
      const [hostname, port] = (req.url ?? "").split(":");
      const upstream = net.connect(Number(port), hostname, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client).on("error", () => {});
        client.pipe(upstream).on("error", () => {});
      });
    });
    const proxyHost = await listen(proxy);

    const proxied = createTransport({ env: { HTTP_PROXY: `http://${proxyHost}` } });
    expect(await (await proxied.fetch(`http://${target}/`)).text()).toBe("through");
    await proxied.close();
    expect(tunnels).toEqual([target]);

    const bypass = createTransport({
      env: { HTTP_PROXY: `http://${proxyHost}`, NO_PROXY: "127.0.0.1" },
    });
    expect(await (await bypass.fetch(`http://${target}/`)).text()).toBe("through");
    await bypass.close();
    expect(tunnels).toHaveLength(1);
  });

  it("says which CA file cannot be read", () => {
    expect(() => createTransport({ tls: { caFile: "/nonexistent/ca.pem" } })).toThrow(
      "CA bundle /nonexistent/ca.pem cannot be read (ENOENT): give the path of a PEM file (tls.caFile in the target description, OS_CACERT, or cacert in clouds.yaml).",
    );
  });
});

// Node cannot mint X.509 certificates itself; the openssl CLI can.
const NO_OPENSSL = missingCommand("openssl", ["version"], "openssl", "TLS tests");
const TLS = withReason("createTransport over TLS (self-signed certificate)", NO_OPENSSL);

describe.skipIf(NO_OPENSSL !== undefined)(TLS, () => {
  let dir: string;
  let host: string;
  let server: https.Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "transport-tls-"));
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1"],
        ...["-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
      ],
      { stdio: "ignore" },
    );
    server = https.createServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_req, res) => res.end("secure"),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });

  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("rejects the certificate without the CA file", async () => {
    const error = await failure(open().fetch(`https://${host}/`));
    expect(error.kind).toBe("tls");
    expect(error.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(error.message).toContain("give its CA bundle (tls.caFile in the target description");
  });

  it("trusts the certificate with the CA file", async () => {
    const response = await open({ tls: { caFile: join(dir, "cert.pem") } }).fetch(
      `https://${host}/`,
    );
    expect(await response.text()).toBe("secure");
  });
});
