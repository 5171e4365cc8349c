// A read-only stand-in for Neutron (service type `network`) on 127.0.0.1:9696.
// Nova answers `GET /servers/{id}` with 500 when it cannot reach a network service: it
// lists the server's ports (and their security groups). Servers here boot with
// `"networks": "none"`, so every list is empty and every single resource is unknown.
import { pathToFileURL } from "node:url";
import { createRouteServer, serve, toStdout } from "./stub-server.mjs";

export const DEFAULT_PORT = 9696;

/** Path segments that group collections (`/v2.0/qos/policies`) rather than name one. */
const NAMESPACES = new Set(["qos", "lbaas", "fwaas", "vpn", "log"]);

/** `security-groups` → `SecurityGroup`, `policies` → `Policy` (Neutron's fault type names). */
function resourceName(collection) {
  const singular = collection.endsWith("ies")
    ? `${collection.slice(0, -3)}y`
    : collection.replace(/s$/, "");
  return singular
    .split(/[-_]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

function neutronError(status, type, message) {
  return { status, body: { NeutronError: { type, message, detail: "" } } };
}

/**
 * Answers one request: `{ status, body }`, body being JSON-serialisable.
 * @param {string} method
 * @param {string} url path and query
 * @param {string} origin e.g. http://127.0.0.1:9696, for links
 */
export function route(method, url, origin = `http://127.0.0.1:${DEFAULT_PORT}`) {
  const path = new URL(url, origin).pathname.replace(/\.json$/, "").replace(/\/+$/, "");
  if (method !== "GET" && method !== "HEAD") {
    return neutronError(405, "HTTPMethodNotAllowed", `The Neutron stub is read-only (${method}).`);
  }
  if (path === "") {
    const links = [{ rel: "self", href: `${origin}/v2.0/` }];
    return { status: 200, body: { versions: [{ id: "v2.0", status: "CURRENT", links }] } };
  }
  if (path === "/v2.0") return { status: 200, body: { resources: [] } };
  const segments = path.split("/").slice(2);
  if (NAMESPACES.has(segments[0] ?? "")) segments.shift();
  if (!path.startsWith("/v2.0/") || segments.length === 0) {
    return neutronError(404, "HTTPNotFound", "The resource could not be found.");
  }
  if (segments.length === 1) {
    const collection = segments[0] ?? "";
    return { status: 200, body: { [collection.replaceAll("-", "_")]: [] } };
  }
  const collection = segments[0] ?? "";
  const id = segments[1] ?? "";
  const name = resourceName(collection);
  return neutronError(404, `${name}NotFound`, `${name} ${id} could not be found.`);
}

/** The HTTP server; logs one line per request so Nova's calls can be read back. */
export function createStubServer(log = toStdout) {
  return createRouteServer(route, DEFAULT_PORT, log);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  serve("neutron stub", createStubServer(), Number(process.env.NEUTRON_STUB_PORT ?? DEFAULT_PORT));
}
