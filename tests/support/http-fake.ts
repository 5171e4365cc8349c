import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface HttpFake {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  stop(): Promise<void>;
}

/** An HTTP server on a free port of 127.0.0.1 that hands each request, body read, to `handle`. */
export async function startHttpFake(handle: FakeHandler): Promise<HttpFake> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Answers as an OpenStack service does: a request id, and a JSON body unless `body` is
 * undefined. `headers` adds to or replaces those.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...(body !== undefined && { "content-type": "application/json" }),
    "x-openstack-request-id": `req-${randomUUID()}`,
    ...headers,
  });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}
