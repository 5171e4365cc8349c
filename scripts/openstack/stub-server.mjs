// The HTTP side of the read-only service stubs (Neutron, Glance): each answers from its own
// `route(method, url, origin)`; this serves those answers as JSON with a request id, logs one
// line per request so that Nova's calls can be read back, and listens on 127.0.0.1.
import { createServer } from "node:http";

/** A server answering every request with `route`'s `{ status, body }`. */
export function createRouteServer(route, defaultPort, log) {
  return createServer((req, res) => {
    const origin = `http://${req.headers.host ?? `127.0.0.1:${defaultPort}`}`;
    const { status, body } = route(req.method ?? "GET", req.url ?? "/", origin);
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(text),
      "X-Openstack-Request-Id": `req-${crypto.randomUUID()}`,
    });
    res.end(req.method === "HEAD" ? undefined : text);
    log(`${new Date().toISOString()} ${req.method} ${req.url} ${status}`);
  });
}

/** Listens on 127.0.0.1:`port` until SIGTERM or SIGINT. */
export function serve(name, server, port) {
  server.listen(port, "127.0.0.1", () => {
    process.stdout.write(`${name} listening on http://127.0.0.1:${port}\n`);
  });
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => server.close(() => process.exit(0)));
  }
}

/** Writes each log line to stdout (start.sh sends it to the service's log). */
export function toStdout(line) {
  process.stdout.write(`${line}\n`);
}
