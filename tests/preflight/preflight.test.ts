import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TargetDescription } from "../../src/config/description.ts";
import { loadContract } from "../../src/contract/load-spec.ts";
import type { Scenario } from "../../src/engine/scenario.ts";
import {
  parseVersions,
  preflight,
  preflightPassed,
  renderPreflight,
} from "../../src/preflight/preflight.ts";
import { createTransport } from "../../src/transport/transport.ts";
import { fakeTokenBody } from "../support/fake-keystone.ts";

// A fake cloud on 127.0.0.1 whose Cinder serves only /v3 (under /volume, as devstack puts it)
// and whose Nova serves /v2.1: what a target description without pathPrefixes meets.
const PROJECT = "p1";
const TOKEN = "gAAAAABfake-preflight-token";
const calls: string[] = [];
let origin = "";
// A cloud with nothing to pick: no flavor, no availability zone, no volume type.
let bare = false;

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function route(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? "";
  calls.push(`${request.method} ${url}`);
  if (request.method === "POST" && url === "/identity/v3/auth/tokens") {
    response.setHeader("x-subject-token", TOKEN);
    answer(
      response,
      201,
      fakeTokenBody({ origin, project: PROJECT, token: TOKEN, userName: "member" }),
    );
    return;
  }
  if (request.headers["x-auth-token"] !== TOKEN && !/^\/(volume|compute)\/?$/.test(url)) {
    answer(response, 401, { error: { code: 401 } });
    return;
  }
  const routes: Record<string, [number, unknown]> = {
    "/volume": [
      300,
      {
        versions: [
          {
            id: "v3.0",
            status: "CURRENT",
            version: "3.70",
            min_version: "3.0",
            links: [{ rel: "self", href: `${origin}/volume/v3/` }],
          },
        ],
      },
    ],
    "/compute": [
      300,
      {
        versions: [
          {
            id: "v2.1",
            status: "CURRENT",
            version: "2.93",
            min_version: "2.1",
            links: [{ rel: "self", href: `${origin}/compute/v2.1/` }],
          },
        ],
      },
    ],
    [`/volume/v3/${PROJECT}/volumes?limit=1`]: [200, { volumes: [] }],
    [`/volume/v3/${PROJECT}/os-availability-zone`]: [
      200,
      { availabilityZoneInfo: [{ zoneName: "nova" }] },
    ],
    [`/volume/v3/${PROJECT}/types`]: [
      200,
      {
        volume_types: [
          { id: "t1", name: "multiattach", extra_specs: { multiattach: "<is> True" } },
        ],
      },
    ],
    [`/compute/v2.1/${PROJECT}/flavors`]: [200, { flavors: [{ id: "f1", name: "tiny" }] }],
    [`/compute/v2.1/${PROJECT}/images/img-1`]: [200, { image: { id: "img-1", status: "ACTIVE" } }],
    [`/compute/v2.1/${PROJECT}/os-availability-zone`]: [
      200,
      { availabilityZoneInfo: [{ zoneName: "nova" }] },
    ],
  };
  if (bare) {
    routes[`/compute/v2.1/${PROJECT}/flavors`] = [200, { flavors: [] }];
    routes[`/volume/v3/${PROJECT}/types`] = [200, { volume_types: [] }];
    for (const service of ["volume/v3", "compute/v2.1"]) {
      routes[`/${service}/${PROJECT}/os-availability-zone`] = [200, { availabilityZoneInfo: [] }];
    }
  }
  const [status, body] = routes[url] ?? [404, { message: "The resource could not be found." }];
  answer(response, status, body);
}

const server = createServer(route);
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function description(extra: Partial<TargetDescription> = {}): TargetDescription {
  return {
    name: "fake",
    family: "upstream-openstack",
    auth: {
      url: `${origin}/identity/v3`,
      projectName: "demo",
      userDomainName: "Default",
      member: { username: "member", password: "secret-pw" },
    },
    endpoints: { volume: `${origin}/volume`, compute: `${origin}/compute` },
    resources: {
      flavorId: "tiny",
      imageId: "gone-image",
      availabilityZone: "nova",
      volumeAvailabilityZone: "elsewhere",
      multiattachVolumeType: "multiattach",
    },
    ...extra,
  };
}

const SCENARIOS = [
  { id: "11111111-aaaa", title: "needs an admin", requires: ["admin"] },
  { id: "22222222-bbbb", title: "needs nothing" },
] as unknown as Scenario[];

async function check(target: TargetDescription) {
  const transport = createTransport();
  try {
    return await preflight(target, transport, await loadContract(), SCENARIOS);
  } finally {
    await transport.close();
  }
}

describe("preflight", { timeout: 30_000 }, () => {
  it("names the pathPrefixes a Cinder serving only /v3 needs, and reads nothing else wrong", async () => {
    calls.length = 0;
    const report = await check(description());
    const text = renderPreflight(report);
    expect(preflightPassed(report)).toBe(false);
    expect(text).toContain("serves v3.0 at /v3/ (CURRENT, microversions 3.0–3.70)");
    expect(text).toContain(
      'fix: set "pathPrefixes": { "volume": {"/v2/":"/v3/"} } in the target description',
    );
    // With the fix applied to later probes, the member's read and the resources are judged.
    expect(text).toMatch(/ok +member +may list volumes/);
    expect(text).toMatch(/ok +flavor +tiny exists/);
    expect(text).toMatch(/ok +multiattach type +multiattach exists/);
    expect(text).toContain("fix: set resources.volumeAvailabilityZone to one of: nova");
    expect(text).toMatch(/FAIL +image +resources\.imageId gone-image is not an image here/);
    expect(text).toContain(
      "fix: set resources.imageId to an image the member may boot, or remove it to boot servers from volumes",
    );
    expect(text).toContain("11111111 needs an admin: the target gives no admin user");
    expect(text).toContain("1 scenarios will be skipped");
    expect(text).toMatch(/not ready: 3 problems to fix first\n$/);
    // Reads only: the token request is the one POST, and nothing is created or deleted.
    expect(calls.filter((call) => !call.startsWith("GET "))).toEqual([
      "POST /identity/v3/auth/tokens",
    ]);
    expect(text).not.toContain(TOKEN);
  });

  it("is ready once the description has the prefixes and a zone that exists", async () => {
    const fixed = description({
      pathPrefixes: { volume: { "/v2/": "/v3/" } },
      resources: { flavorId: "f1", imageId: "img-1", volumeAvailabilityZone: "nova" },
    });
    const report = await check(fixed);
    expect(report.checks.filter((c) => c.level !== "ok")).toEqual([]);
    expect(renderPreflight(report)).toMatch(/ready: the catalog can run against this target\n$/);
  });

  it("says there is nothing to pick, and how to get something, when a list is empty", async () => {
    bare = true;
    try {
      const report = await check(
        description({
          pathPrefixes: { volume: { "/v2/": "/v3/" } },
          resources: {
            flavorId: "tiny",
            availabilityZone: "nova",
            volumeAvailabilityZone: "nova",
            multiattachVolumeType: "multiattach",
          },
        }),
      );
      const fixes = report.checks.filter((c) => c.level === "fail").map((c) => c.fix);
      expect(fixes).toHaveLength(4);
      for (const fix of fixes) expect(fix).not.toMatch(/one of: *$|\(types: \)/);
      const text = renderPreflight(report);
      expect(text).toContain("the target lists no flavor the member may use");
      expect(text).toContain("openstack flavor create --ram 512 --disk 1 --vcpus 1 conformance");
      expect(text).toContain("on OTC, pick a BMS flavor from the console");
      expect(text).toContain(
        "the service lists no availability zone; remove resources.availabilityZone",
      );
      expect(text).toContain(
        "the service lists no availability zone; remove resources.volumeAvailabilityZone",
      );
      expect(text).toContain("the target lists no volume type; an admin creates one");
    } finally {
      bare = false;
    }
  });

  it("stops at the member's token when Keystone refuses it, and says why", async () => {
    const report = await check(
      description({ auth: { ...description().auth, url: `${origin}/nowhere/v3` } }),
    );
    expect(report.checks).toEqual([
      expect.objectContaining({
        level: "fail",
        subject: "member",
        message: expect.stringContaining("wrong username or password"),
      }),
    ]);
  });
});

describe("parseVersions", () => {
  it("takes the prefix from the self link, relative to the base URL, or from the id", () => {
    expect(
      parseVersions(
        {
          versions: [
            { id: "v2.0", status: "SUPPORTED", links: [] },
            {
              id: "v2.1",
              status: "CURRENT",
              version: "2.93",
              min_version: "2.1",
              links: [{ rel: "self", href: "https://x/compute/v2.1/" }],
            },
          ],
        },
        "https://x/compute",
      ),
    ).toEqual([
      { id: "v2.0", status: "SUPPORTED", prefix: "/v2/", minVersion: "", maxVersion: "" },
      { id: "v2.1", status: "CURRENT", prefix: "/v2.1/", minVersion: "2.1", maxVersion: "2.93" },
    ]);
    expect(parseVersions("<html>", "https://x")).toEqual([]);
  });
});
