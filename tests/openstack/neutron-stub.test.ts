import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStubServer, route } from "../../scripts/openstack/neutron-stub.mjs";

describe("neutron stub routing", () => {
  it("answers version discovery at the root", () => {
    const { status, body } = route("GET", "/", "http://127.0.0.1:9696");
    expect(status).toBe(200);
    expect(body).toEqual({
      versions: [
        {
          id: "v2.0",
          status: "CURRENT",
          links: [{ rel: "self", href: "http://127.0.0.1:9696/v2.0/" }],
        },
      ],
    });
  });

  it("answers every list with an empty list under the collection's key", () => {
    expect(route("GET", "/v2.0/ports?device_id=abc&fields=id")).toEqual({
      status: 200,
      body: { ports: [] },
    });
    expect(route("GET", "/v2.0/security-groups?id=1&id=2").body).toEqual({ security_groups: [] });
    expect(route("GET", "/v2.0/networks.json?shared=True").body).toEqual({ networks: [] });
    expect(route("GET", "/v2.0/extensions/").body).toEqual({ extensions: [] });
    expect(route("GET", "/v2.0/qos/policies").body).toEqual({ policies: [] });
  });

  it("knows no single resource, with Neutron's fault body", () => {
    expect(route("GET", "/v2.0/ports/3c1e")).toEqual({
      status: 404,
      body: {
        NeutronError: {
          type: "PortNotFound",
          message: "Port 3c1e could not be found.",
          detail: "",
        },
      },
    });
    expect(route("GET", "/v2.0/qos/policies/7").body).toMatchObject({
      NeutronError: { type: "PolicyNotFound" },
    });
    expect(route("GET", "/v2.0/security-groups/x").body).toMatchObject({
      NeutronError: { type: "SecurityGroupNotFound" },
    });
  });

  it("is read-only", () => {
    expect(route("POST", "/v2.0/ports").status).toBe(405);
    expect(route("DELETE", "/v2.0/ports/1").status).toBe(405);
  });
});

describe("neutron stub server", () => {
  const lines: string[] = [];
  const server = createStubServer((line) => lines.push(line));
  let origin = "";

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("serves JSON and logs each request", async () => {
    const res = await fetch(`${origin}/v2.0/ports?device_id=abc`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-openstack-request-id")).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ ports: [] });
    expect(lines.at(-1)).toMatch(/ GET \/v2\.0\/ports\?device_id=abc 200$/);
  });
});
