import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TargetDescription } from "../config/description.ts";

/** A request as the proxy received it, body read. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/v3/p/volumes/v/action`. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A response to send back; headers as they should go out. */
export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * What the proxy does with one request: answer (possibly changed), reset the connection,
 * never answer, or send fewer body bytes than announced.
 */
export type Reply =
  | { kind: "respond"; response: ProxiedResponse }
  | { kind: "reset" }
  | { kind: "stall" }
  | { kind: "truncate"; response: ProxiedResponse };

/**
 * Decides the reply. `forward` sends the request upstream and returns the real answer, so a
 * rule can change it, replace it, or never ask the server at all.
 */
export type ProxyRule = (
  request: ProxiedRequest,
  forward: () => Promise<ProxiedResponse>,
) => Promise<Reply>;

export interface LoopbackProxy {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "content-length", "host"];

/** An HTTP proxy on 127.0.0.1 in front of `upstream` (an origin), applying `rule` to each request. */
export async function startLoopbackProxy(
  upstream: string,
  rule: ProxyRule,
): Promise<LoopbackProxy> {
  const stalled = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    try {
      const request = await readRequest(req);
      const reply = await rule(request, () => forward(upstream, request));
      send(reply, res, stalled);
    } catch (error) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`loopback proxy: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of stalled) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The description with the volume and compute endpoints pointed at proxies (auth stays direct). */
export function throughProxies(
  description: TargetDescription,
  proxies: { volume?: string | undefined; compute?: string | undefined },
): TargetDescription {
  return { ...description, endpoints: { ...description.endpoints, ...proxies } };
}

async function readRequest(req: IncomingMessage): Promise<ProxiedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.includes(name)) headers[name] = String(value);
  }
  return {
    method: req.method ?? "GET",
    path: req.url ?? "/",
    headers,
    body: Buffer.concat(chunks).toString("utf8"),
  };
}

async function forward(upstream: string, request: ProxiedRequest): Promise<ProxiedResponse> {
  const response = await fetch(`${upstream}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== "" ? { body: request.body } : {}),
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (!HOP_BY_HOP.includes(name)) headers[name] = value;
  }
  return { status: response.status, headers, body: await response.text() };
}

function send(reply: Reply, res: ServerResponse, stalled: Set<ServerResponse>): void {
  switch (reply.kind) {
    case "respond":
      res.writeHead(reply.response.status, reply.response.headers);
      res.end(reply.response.body);
      return;
    case "reset":
      res.socket?.destroy();
      return;
    case "stall":
      stalled.add(res);
      return;
    case "truncate": {
      const body = Buffer.from(reply.response.body);
      res.writeHead(reply.response.status, {
        ...reply.response.headers,
        "content-length": String(body.length),
      });
      // Half the announced bytes, then the connection goes: a body cut off in transit.
      res.flushHeaders();
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
  }
}
