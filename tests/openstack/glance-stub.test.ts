import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStubServer, IMAGE_ID, image, route } from "../../scripts/openstack/glance-stub.mjs";

describe("glance stub routing", () => {
  it("serves its one image, active and small enough for the tiny flavor's 1 GB disk", () => {
    const { status, body } = route("GET", `/v2/images/${IMAGE_ID}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: IMAGE_ID,
      status: "active",
      disk_format: "raw",
      container_format: "bare",
      min_disk: 0,
      min_ram: 0,
    });
    expect((body as { size: number }).size).toBeLessThanOrEqual(1024 ** 3);
    expect(route("GET", "/v2/images").body).toMatchObject({ images: [image()] });
  });

  it("knows no other image, with Glance's fault body", () => {
    expect(route("GET", "/v2/images/0b5c")).toEqual({
      status: 404,
      body: { code: 404, title: "Not Found", message: "No image found with ID 0b5c" },
    });
  });

  it("serves a schema that admits the image and any other string property", () => {
    const { status, body } = route("GET", "/v2/schemas/image");
    expect(status).toBe(200);
    const schema = body as { properties: Record<string, unknown>; additionalProperties: unknown };
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(image()).sort());
    expect(schema.additionalProperties).toEqual({ type: "string" });
  });

  it("answers version discovery and is read-only", () => {
    expect(route("GET", "/", "http://127.0.0.1:9292").body).toEqual({
      versions: [
        {
          id: "v2.9",
          status: "CURRENT",
          links: [{ rel: "self", href: "http://127.0.0.1:9292/v2/" }],
        },
      ],
    });
    expect(route("POST", "/v2/images").status).toBe(405);
    expect(route("DELETE", `/v2/images/${IMAGE_ID}`).status).toBe(405);
  });
});

describe("glance stub server", () => {
  const lines: string[] = [];
  const server = createStubServer((line) => lines.push(line));
  let origin = "";

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("serves JSON and logs each request", async () => {
    const res = await fetch(`${origin}/v2/images/${IMAGE_ID}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-openstack-request-id")).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual(image());
    expect(lines.at(-1)).toMatch(new RegExp(` GET /v2/images/${IMAGE_ID} 200$`));
  });
});
