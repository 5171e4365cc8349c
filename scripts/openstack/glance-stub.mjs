// A read-only stand-in for Glance (service type `image`) on 127.0.0.1:9292, serving one image.
// Nova reads an image when it boots a server from it and when it rescues a server (the rescue
// image is the server's own); the fake driver never downloads one. The image exists so that
// the rescued-server scenario can run: Nova refuses to rescue a server booted from a volume.
import { pathToFileURL } from "node:url";
import { createRouteServer, serve, toStdout } from "./stub-server.mjs";

export const DEFAULT_PORT = 9292;

/** The one image; target.json names it as `resources.imageId`. */
export const IMAGE_ID = "6c2d1f0e-8b7a-4e3c-9d51-0f4a2b6c8e17";

const CREATED = "2026-01-01T00:00:00Z";

/** Glance v2's fields for an active, public, 1 MiB raw image. */
export function image() {
  return {
    id: IMAGE_ID,
    name: "conformance-image",
    status: "active",
    visibility: "public",
    protected: false,
    os_hidden: false,
    disk_format: "raw",
    container_format: "bare",
    size: 1_048_576,
    virtual_size: 1_048_576,
    min_disk: 0,
    min_ram: 0,
    checksum: "b6d81b360a5672d80c27430f39153e2c",
    os_hash_algo: "sha512",
    os_hash_value: "0".repeat(128),
    owner: null,
    tags: [],
    created_at: CREATED,
    updated_at: CREATED,
    self: `/v2/images/${IMAGE_ID}`,
    file: `/v2/images/${IMAGE_ID}/file`,
    schema: "/v2/schemas/image",
  };
}

/**
 * The image schema glanceclient fetches before it reads an image (its model validates
 * against it): the fields above, any other property a string, as Glance's own allows.
 */
function imageSchema() {
  return {
    name: "image",
    properties: Object.fromEntries(Object.keys(image()).map((key) => [key, {}])),
    additionalProperties: { type: "string" },
    links: [{ rel: "self", href: "{self}" }],
  };
}

function notFound(message) {
  return { status: 404, body: { code: 404, title: "Not Found", message } };
}

/**
 * Answers one request: `{ status, body }`, body being JSON-serialisable.
 * @param {string} method
 * @param {string} url path and query
 * @param {string} origin e.g. http://127.0.0.1:9292, for links
 */
export function route(method, url, origin = `http://127.0.0.1:${DEFAULT_PORT}`) {
  const path = new URL(url, origin).pathname.replace(/\/+$/, "");
  if (method !== "GET" && method !== "HEAD") {
    return {
      status: 405,
      body: { code: 405, title: "Method Not Allowed", message: `read-only (${method})` },
    };
  }
  if (path === "" || path === "/versions") {
    const links = [{ rel: "self", href: `${origin}/v2/` }];
    return { status: 200, body: { versions: [{ id: "v2.9", status: "CURRENT", links }] } };
  }
  if (path === "/v2/schemas/image") return { status: 200, body: imageSchema() };
  if (path === "/v2/images")
    return { status: 200, body: { images: [image()], schema: "/v2/schemas/images" } };
  const single = /^\/v2\/images\/([^/]+)$/.exec(path);
  if (single?.[1] === IMAGE_ID) return { status: 200, body: image() };
  if (single) return notFound(`No image found with ID ${single[1]}`);
  return notFound("The resource could not be found.");
}

/** The HTTP server; logs one line per request so Nova's calls can be read back. */
export function createStubServer(log = toStdout) {
  return createRouteServer(route, DEFAULT_PORT, log);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  serve("glance stub", createStubServer(), Number(process.env.GLANCE_STUB_PORT ?? DEFAULT_PORT));
}
