import net from "node:net";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SECRET_HEADERS, SECRET_JSON_PATHS } from "../../src/auth/secrets.ts";
import { openSession } from "../../src/auth/session.ts";
import { AuthError } from "../../src/config/auth-error.ts";
import type { TargetDescription } from "../../src/config/description.ts";
import { createTransport, type Transport } from "../../src/transport/transport.ts";
import { TransportError } from "../../src/transport/transport-error.ts";

const KEYSTONE = "http://127.0.0.1:5000";
const PROJECT = "0123456789abcdef0123456789abcdef";

const target: TargetDescription = {
  name: "mock",
  family: "upstream-openstack",
  region: "RegionOne",
  auth: {
    url: `${KEYSTONE}/v3`,
    projectName: "conformance",
    userDomainName: "Default",
    member: { username: "conformance-member", password: "member-secret" },
  },
};

function tokenBody(lifetimeMs = 3_600_000) {
  const issued = Date.parse("2030-01-01T00:00:00Z");
  return {
    token: {
      issued_at: new Date(issued).toISOString().replace("Z", "000Z"),
      expires_at: new Date(issued + lifetimeMs).toISOString().replace("Z", "000Z"),
      project: { id: PROJECT, name: "conformance" },
      catalog: [
        {
          type: "volumev3",
          endpoints: [
            { interface: "internal", region: "RegionOne", url: "http://10.0.0.1:8776/v3/x" },
            { interface: "public", region: "Other", url: "http://10.0.0.2:8776/v3/x" },
            {
              interface: "public",
              region: "RegionOne",
              url: `http://127.0.0.1:8776/v3/${PROJECT}`,
            },
          ],
        },
        {
          type: "compute",
          endpoints: [
            { interface: "public", region_id: "RegionOne", url: "http://127.0.0.1:8774/v2.1" },
          ],
        },
      ],
    },
  };
}

function keystone(token: string, lifetimeMs?: number) {
  return nock(KEYSTONE)
    .post("/v3/auth/tokens")
    .reply(201, tokenBody(lifetimeMs), { "X-Subject-Token": token });
}

let transport: Transport;
beforeEach(() => {
  nock.disableNetConnect();
  transport = createTransport({ env: {} });
});
afterEach(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await transport.close();
});

describe("openSession with a password", () => {
  it("sends Keystone v3 password auth scoped to the project", async () => {
    let sent: unknown;
    nock(KEYSTONE)
      .post("/v3/auth/tokens", (body) => {
        sent = body;
        return true;
      })
      .reply(201, tokenBody(), { "X-Subject-Token": "tok-1" });

    const session = await openSession(target, "member", transport);

    expect(sent).toEqual({
      auth: {
        identity: {
          methods: ["password"],
          password: {
            user: {
              name: "conformance-member",
              domain: { name: "Default" },
              password: "member-secret",
            },
          },
        },
        // The project's domain defaults to the users' domain.
        scope: { project: { name: "conformance", domain: { name: "Default" } } },
      },
    });
    expect(await session.token()).toBe("tok-1");
    expect(session.projectId).toBe(PROJECT);
  });

  it("puts the password where SECRET_JSON_PATHS says, so recordings can redact it", async () => {
    let sent: unknown;
    nock(KEYSTONE)
      .post("/v3/auth/tokens", (body) => {
        sent = body;
        return true;
      })
      .reply(201, tokenBody(), { "X-Subject-Token": "tok-1" });
    await openSession(target, "member", transport);
    const at = (path: string) =>
      path
        .split(".")
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], sent);
    expect(SECRET_JSON_PATHS.map(at)).toEqual(["member-secret", undefined]);
    expect(SECRET_HEADERS).toContain("x-subject-token");
  });

  it("finds public endpoints of the region in the catalog and drops their paths", async () => {
    keystone("tok-1");
    const session = await openSession(target, "member", transport);
    expect(await session.endpoint("volume")).toBe("http://127.0.0.1:8776");
    expect(await session.endpoint("compute")).toBe("http://127.0.0.1:8774");
  });

  it("prefers endpoints from the description over the catalog", async () => {
    keystone("tok-1");
    const session = await openSession(
      { ...target, endpoints: { volume: "http://127.0.0.1:18776/" } },
      "member",
      transport,
    );
    expect(await session.endpoint("volume")).toBe("http://127.0.0.1:18776");
  });

  it("names the service types it tried when the catalog lacks a service", async () => {
    keystone("tok-1");
    const session = await openSession({ ...target, region: "eu-nl" }, "member", transport);
    await expect(session.endpoint("volume")).rejects.toThrow(
      `no volume endpoint: the service catalog from ${KEYSTONE}/v3 has no public volume endpoint in region eu-nl (service types tried: volumev3, block-storage, volumev2, volume, evs); give endpoints.volume in the target description.`,
    );
  });

  it("explains a 401 from Keystone", async () => {
    nock(KEYSTONE)
      .post("/v3/auth/tokens")
      .reply(401, {
        error: {
          code: 401,
          title: "Unauthorized",
          message: "The request you have made requires authentication.",
        },
      });
    const error = await openSession(target, "member", transport).catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.kind).toBe("rejected");
    expect(error.message).toBe(
      `wrong username or password for user "conformance-member" (domain Default) at ${KEYSTONE}/v3 (401), or the user has no role on project "conformance" (domain Default).`,
    );
    expect(error.message).not.toContain("member-secret");
  });

  it("reports an unreachable auth URL as a transport error", async () => {
    nock.enableNetConnect("127.0.0.1");
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));

    const unreachable = { ...target, auth: { ...target.auth, url: `http://127.0.0.1:${port}/v3` } };
    const error = await openSession(unreachable, "member", transport).catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.kind).toBe("refused");
    expect(error.message).toMatch(
      /^cannot connect to http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/,
    );
  });

  it("says which role has no user", async () => {
    await expect(openSession(target, "admin", transport)).rejects.toThrow(
      /^missing credentials: target mock has no admin user \(auth\.admin\)\. Give credentials in one of three ways/,
    );
  });
});

describe("token renewal", () => {
  it("renews once, however many callers wait, after invalidate()", async () => {
    keystone("tok-1");
    const session = await openSession(target, "member", transport);
    const renewal = keystone("tok-2");

    session.invalidate("tok-1");
    const tokens = await Promise.all([session.token(), session.token(), session.token()]);

    expect(tokens).toEqual(["tok-2", "tok-2", "tok-2"]);
    renewal.done();
    // A late 401 report about the replaced token changes nothing.
    session.invalidate("tok-1");
    expect(await session.token()).toBe("tok-2");
  });

  it("renews when the token is about to expire, judged by its lifetime", async () => {
    let now = 0;
    keystone("tok-1", 3_600_000);
    const session = await openSession(target, "member", transport, { now: () => now });

    now = 3_500_000;
    expect(await session.token()).toBe("tok-1");

    const renewal = keystone("tok-2", 3_600_000);
    now = 3_550_000; // within the 60 s margin
    expect(await session.token()).toBe("tok-2");
    renewal.done();
  });
});

describe("openSession with a token given directly", () => {
  const tokenTarget: TargetDescription = {
    name: "token",
    family: "otc",
    auth: { token: "given-token", projectId: PROJECT },
    endpoints: {
      volume: `https://evs.eu-de.otc.t-systems.com/v2/${PROJECT}`,
      compute: "https://ecs.eu-de.otc.t-systems.com",
    },
  };

  it("uses the token and the given endpoints without calling Keystone", async () => {
    const session = await openSession(tokenTarget, "member", transport);
    expect(await session.token()).toBe("given-token");
    expect(session.projectId).toBe(PROJECT);
    expect(await session.endpoint("volume")).toBe("https://evs.eu-de.otc.t-systems.com");
  });

  it("cannot renew it, and says so", async () => {
    const session = await openSession(tokenTarget, "member", transport);
    session.invalidate();
    await expect(session.token()).rejects.toThrow(
      "the token given directly (auth.token or OS_AUTH_TOKEN) was rejected: it has expired or been revoked; issue a fresh one (`openstack token issue`) and give it again.",
    );
  });
});
