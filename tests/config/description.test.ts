import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  loadTargetDescription,
  mapPath,
  type TargetDescription,
  targetFromEnvironment,
  validateTargetDescription,
} from "../../src/config/description.ts";

const README = '(see README "Running against your cloud")';

const loopback: TargetDescription = {
  name: "openstack-loopback",
  family: "upstream-openstack",
  auth: {
    url: "http://127.0.0.1:5000/v3",
    projectName: "conformance",
    projectDomainName: "Default",
    userDomainName: "Default",
    admin: { username: "conformance-admin", password: "admin-secret" },
    member: { username: "conformance-member", password: "member-secret" },
    reader: { username: "conformance-reader", password: "reader-secret" },
  },
  endpoints: { volume: "http://127.0.0.1:8776", compute: "http://127.0.0.1:8774" },
  pathPrefixes: { volume: { "/v2/": "/v3/" } },
  resources: { multiattachVolumeType: "multiattach", flavorId: "1" },
  timeouts: { connectMs: 10_000, readMs: 60_000 },
};

function problemsOf(value: unknown): string[] {
  try {
    validateTargetDescription(value, "target.json");
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
  return [];
}

function withAuth(auth: Record<string, unknown>): unknown {
  return { ...loopback, auth: { ...loopback.auth, ...auth } };
}

describe("validateTargetDescription", () => {
  it("accepts the project's own target", () => {
    expect(problemsOf(loopback)).toEqual([]);
  });

  it("names a missing password and how to give it", () => {
    const member = { username: "conformance-member" };
    expect(problemsOf(withAuth({ member }))).toEqual([
      `target.json: auth.member.password is missing; give the member user's password ${README}`,
    ]);
  });

  it("names a reader given without a name", () => {
    const reader = { password: "reader-secret" };
    expect(problemsOf(withAuth({ reader }))).toEqual([
      `target.json: auth.reader.username is missing; give the reader user's name (or auth.reader.userId) ${README}`,
    ]);
  });

  it("requires a member unless a token is given", () => {
    expect(problemsOf(withAuth({ member: undefined }))).toEqual([
      `target.json: auth.member is missing; give the member user's username and password, or auth.token ${README}`,
    ]);
  });

  it("accepts a token with a project id and endpoints, and asks for what is missing", () => {
    const tokenOnly = { name: "t", family: "otc", auth: { token: "gAAAA" } };
    expect(problemsOf(tokenOnly)).toEqual([
      `target.json: auth.projectId is missing; a token given directly needs the id of the project it is scoped to ${README}`,
      `target.json: endpoints.volume is missing; a token given directly comes without a service catalog, so give the volume base URL, such as http://127.0.0.1:8776 ${README}`,
      `target.json: endpoints.compute is missing; a token given directly comes without a service catalog, so give the compute base URL, such as http://127.0.0.1:8776 ${README}`,
    ]);
    const complete = {
      ...tokenOnly,
      auth: { token: "gAAAA", projectId: "p" },
      endpoints: loopback.endpoints,
    };
    expect(problemsOf(complete)).toEqual([]);
  });

  it("asks for the users' domain when users are given by name", () => {
    expect(
      problemsOf(withAuth({ userDomainName: undefined, projectDomainName: undefined })),
    ).toEqual([
      expect.stringMatching(
        /^target\.json: auth\.userDomainName is missing; give the users' domain/,
      ),
      expect.stringMatching(/^target\.json: auth\.projectDomainName is missing/),
    ]);
  });

  it("lets the project's domain default to the users' domain", () => {
    expect(problemsOf(withAuth({ projectDomainName: undefined }))).toEqual([]);
  });

  it("names wrong types and values with what they must be", () => {
    const value = {
      ...loopback,
      family: "Upstream OpenStack",
      endpoints: { volume: "127.0.0.1:8776" },
      timeouts: { connectMs: "10s" },
    };
    expect(problemsOf(value)).toEqual([
      `target.json: family must be lower-case words joined by '-', such as upstream-openstack (got "Upstream OpenStack")`,
      `target.json: endpoints.volume must be an http(s) URL such as https://iam.eu-de.otc.t-systems.com/v3 (got "127.0.0.1:8776")`,
      `target.json: timeouts.connectMs must be a positive whole number of ms (got "10s")`,
    ]);
  });

  it("rejects a family without a ledger and names the families that have one", () => {
    expect(problemsOf({ ...loopback, family: "otcc" })).toEqual([
      `target.json: family must be one with reviewed deviations: otc, upstream-openstack (got "otcc"); check its spelling, or add tests/deviations/otcc.yaml for a new family`,
    ]);
  });

  it("catches misspelt fields", () => {
    expect(problemsOf(withAuth({ memebr: {} }))).toEqual([
      "target.json: auth.memebr is not a known field; check its spelling (known: url, projectId, projectName, projectDomainName, projectDomainId, userDomainName, userDomainId, admin, member, reader, token)",
    ]);
  });

  it("rejects path prefixes that are not paths", () => {
    expect(problemsOf({ ...loopback, pathPrefixes: { volume: { "v2/": "/v3/" } } })).toContain(
      "target.json: pathPrefixes.volume.v2/ is not a path prefix; prefixes start with /",
    );
  });
});

describe("loadTargetDescription", () => {
  const dir = mkdtempSync(join(tmpdir(), "target-description-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a file and resolves tls.caFile next to it", () => {
    const file = join(dir, "target.json");
    writeFileSync(file, JSON.stringify({ ...loopback, tls: { caFile: "ca.pem" } }));
    expect(loadTargetDescription(file).tls).toEqual({ caFile: join(dir, "ca.pem") });
  });

  it("names the file in every message", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, "{ name: ");
    expect(() => loadTargetDescription(file)).toThrow(
      new RegExp(`^${file}:1:3: is not valid JSON`),
    );
    expect(() => loadTargetDescription(join(dir, "absent.json"))).toThrow(
      `${join(dir, "absent.json")}: cannot be read (ENOENT); give the path of a target description ${README}, or run \`npm run target:start\` to write .state/openstack/target.json`,
    );
  });

  it.each([
    ['{\n  "name": "x",\n  "family": \'otc\'\n}', "3:13", "Unexpected token '''"],
    ['{\n  "name": "x",\n  "family": "otc",\n}', "4:1", "Expected double-quoted property name"],
    ['{\n  "name": "x"\n  "family": "otc"\n}', "3:3", "Expected ',' or '}' after property value"],
    ['{\n  "auth": [1,]\n}', "2:14", "Unexpected token ']'"],
    ['{\n  "name": "x",', "2:15", "Expected double-quoted property name"],
    ['{\n  "name": "x", "family": "o', "2:28", "Unterminated string"],
    ["[", "1:2", "Unexpected end of JSON input"],
  ])("points at the line and column of invalid JSON (%#)", (text, at, reason) => {
    const file = join(dir, "invalid.json");
    writeFileSync(file, text);
    expect(() => loadTargetDescription(file)).toThrow(
      `${file}:${at}: is not valid JSON (${reason}); fix it there`,
    );
  });
});

describe("validateTargetDescription, every problem at once", () => {
  it("reports the shape's problems and those between fields together", () => {
    expect(
      problemsOf({
        ...loopback,
        family: "Upstream OpenStack",
        auth: { ...loopback.auth, url: undefined, projectName: undefined, memebr: {} },
      }),
    ).toEqual([
      expect.stringContaining("target.json: family must be lower-case words"),
      expect.stringContaining("target.json: auth.memebr is not a known field"),
      expect.stringContaining("target.json: auth.url is missing"),
      expect.stringContaining("target.json: auth.projectName is missing"),
    ]);
  });

  it("reports an unknown family with the other problems", () => {
    expect(
      problemsOf({ ...loopback, family: "otcc", auth: { ...loopback.auth, url: undefined } }),
    ).toEqual([
      expect.stringContaining(
        'target.json: family must be one with reviewed deviations: otc, upstream-openstack (got "otcc")',
      ),
      expect.stringContaining("target.json: auth.url is missing"),
    ]);
  });
});

describe("targetFromEnvironment", () => {
  it("builds a description from OS_* variables", () => {
    const target = targetFromEnvironment(
      {
        OS_AUTH_URL: "https://iam.eu-de.otc.t-systems.com:443/v3",
        OS_USERNAME: "alice",
        OS_PASSWORD: "secret",
        OS_PROJECT_NAME: "eu-de_conformance",
        OS_USER_DOMAIN_NAME: "OTC00000000001000000001",
        OS_REGION_NAME: "eu-de",
      },
      "/nonexistent",
    );
    expect(target).toMatchObject({
      name: "iam.eu-de.otc.t-systems.com",
      family: "otc",
      region: "eu-de",
      auth: { member: { username: "alice", password: "secret" } },
    });
  });

  it("says which variables are missing and the three ways to give credentials", () => {
    expect(() => targetFromEnvironment({ OS_AUTH_URL: "http://127.0.0.1:5000/v3" }, "/")).toThrow(
      /^missing credentials: OS_USERNAME or OS_USER_ID, OS_PASSWORD, OS_PROJECT_NAME or OS_PROJECT_ID are not set \(OS_\* variables\)\. Give credentials in one of three ways: a target description file/,
    );
  });

  it("reports a malformed value with its source", () => {
    const env = {
      OS_AUTH_URL: "keystone:5000",
      OS_USER_ID: "u",
      OS_PASSWORD: "p",
      OS_PROJECT_ID: "p",
    };
    expect(() => targetFromEnvironment(env, "/")).toThrow(
      'OS_* variables: auth.url must be an http(s) URL such as https://iam.eu-de.otc.t-systems.com/v3 (got "keystone:5000")',
    );
  });
});

describe("mapPath", () => {
  it("replaces the longest matching prefix of the service", () => {
    const target = { ...loopback, pathPrefixes: { volume: { "/v2/": "/v3/", "/v2/x/": "/y/" } } };
    expect(mapPath(target, "volume", "/v2/abc/volumes")).toBe("/v3/abc/volumes");
    expect(mapPath(target, "volume", "/v2/x/volumes")).toBe("/y/volumes");
    expect(mapPath(target, "compute", "/v2/abc/servers")).toBe("/v2/abc/servers");
  });
});
