import { describe, expect, it } from "vitest";
import { openSession } from "../../src/auth/session.ts";
import { AuthError } from "../../src/config/auth-error.ts";
import type { TargetDescription } from "../../src/config/description.ts";
import type { Transport } from "../../src/transport/transport.ts";

// How openSession reads the description: who it authenticates as, in which project, when it
// renews, and where it finds endpoints. Keystone is a transport that answers from a script.

const PROJECT = "0123456789abcdef0123456789abcdef";

interface Issued {
  token: string;
  lifetimeMs?: number;
  catalog?: unknown[];
}

function keystone(...tokens: Issued[]): Transport & { bodies: unknown[] } {
  const bodies: unknown[] = [];
  return {
    bodies,
    async fetch(_url: string | URL | Request, init?: RequestInit) {
      bodies.push(JSON.parse(String(init?.body)));
      const issued = tokens[Math.min(bodies.length, tokens.length) - 1] as Issued;
      const at = Date.parse("2030-01-01T00:00:00Z");
      return new Response(
        JSON.stringify({
          token: {
            issued_at: new Date(at).toISOString(),
            expires_at: new Date(at + (issued.lifetimeMs ?? 3_600_000)).toISOString(),
            project: { id: PROJECT },
            catalog: issued.catalog ?? [],
          },
        }),
        { status: 201, headers: { "x-subject-token": issued.token } },
      );
    },
    close: async () => {},
  } as Transport & { bodies: unknown[] };
}

const base: TargetDescription = {
  name: "mock",
  family: "upstream-openstack",
  auth: {
    url: "http://keystone.test/v3",
    projectName: "conformance",
    userDomainName: "Users",
    member: { username: "alice", password: "pw" },
  },
};

function scopeOf(transport: { bodies: unknown[] }) {
  return (transport.bodies[0] as { auth: { scope: unknown; identity: unknown } }).auth;
}

describe("openSession: who and where", () => {
  it("looks a project up in its own domain when the description names one", async () => {
    for (const [domain, expected] of [
      [{ projectDomainName: "Projects" }, { name: "Projects" }],
      [{ projectDomainId: "pd-1" }, { id: "pd-1" }],
    ] as const) {
      const transport = keystone({ token: "t" });
      await openSession({ ...base, auth: { ...base.auth, ...domain } }, "member", transport);
      expect(scopeOf(transport).scope).toEqual({
        project: { name: "conformance", domain: expected },
      });
    }
  });

  it("looks a project up in the users' domain, given by id", async () => {
    const transport = keystone({ token: "t" });
    const auth = { ...base.auth, userDomainId: "ud-1" };
    delete auth.userDomainName;
    await openSession({ ...base, auth }, "member", transport);
    expect(scopeOf(transport)).toEqual({
      identity: {
        methods: ["password"],
        password: { user: { name: "alice", domain: { id: "ud-1" }, password: "pw" } },
      },
      scope: { project: { name: "conformance", domain: { id: "ud-1" } } },
    });
  });

  it("scopes to the project id and authenticates the user id when given", async () => {
    const transport = keystone({ token: "t" });
    await openSession(
      {
        ...base,
        auth: {
          ...base.auth,
          projectId: "pid",
          admin: { userId: "admin-id", password: "apw" },
        },
      },
      "admin",
      transport,
    );
    expect(scopeOf(transport)).toEqual({
      identity: { methods: ["password"], password: { user: { id: "admin-id", password: "apw" } } },
      scope: { project: { id: "pid" } },
    });
  });

  it("says there is no auth.url when a user is given without one", async () => {
    const auth = { ...base.auth };
    delete auth.url;
    const error = await openSession({ ...base, auth }, "member", keystone({ token: "t" })).catch(
      (e: unknown) => e as AuthError,
    );
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).kind).toBe("missing-credentials");
    expect((error as AuthError).message).toMatch(
      /^missing credentials: target mock has no auth\.url\. Give credentials in one of three ways/,
    );
  });
});

describe("openSession with a token given directly", () => {
  const given: TargetDescription = {
    name: "token",
    family: "otc",
    auth: { token: "given-token", projectId: PROJECT },
  };

  it("needs the project id", async () => {
    const error = await openSession(
      { ...given, auth: { token: "given-token" } },
      "member",
      keystone({ token: "t" }),
    ).catch((e: unknown) => e as AuthError);
    expect(error).toMatchObject({
      kind: "missing-credentials",
      message:
        "missing credentials: auth.projectId is not set; a token given directly needs the id of the project it is scoped to.",
    });
  });

  it("serves the member only", async () => {
    await expect(openSession(given, "admin", keystone({ token: "t" }))).rejects.toThrow(
      "missing credentials: target token has no admin user (auth.admin).",
    );
  });

  it("never renews it by time, and has no catalog to find endpoints in", async () => {
    let now = 0;
    const session = await openSession(given, "member", keystone({ token: "t" }), {
      now: () => now,
    });
    now = 10 * 365 * 24 * 3_600_000;
    expect(await session.token()).toBe("given-token");
    await expect(session.endpoint("compute")).rejects.toMatchObject({ kind: "no-endpoint" });
    await expect(session.endpoint("compute")).rejects.toThrow(
      "no compute endpoint: a token given directly comes without a service catalog; give endpoints.compute in the target description.",
    );
  });

  it("rejects a renewal of it as the credentials' fault", async () => {
    const session = await openSession(given, "member", keystone({ token: "t" }));
    session.invalidate();
    await expect(session.token()).rejects.toMatchObject({ kind: "rejected" });
  });
});

describe("token renewal", () => {
  it("renews within renewBeforeMs of the expiry", async () => {
    let now = 0;
    const transport = keystone({ token: "t1" }, { token: "t2" });
    const session = await openSession(base, "member", transport, {
      now: () => now,
      renewBeforeMs: 600_000,
    });
    now = 2_999_999;
    expect(await session.token()).toBe("t1");
    now = 3_000_000;
    expect(await session.token()).toBe("t2");
  });

  it("renews at half the lifetime of a short-lived token", async () => {
    let now = 0;
    const transport = keystone({ token: "t1", lifetimeMs: 60_000 }, { token: "t2" });
    const session = await openSession(base, "member", transport, { now: () => now });
    now = 29_999;
    expect(await session.token()).toBe("t1");
    now = 30_000;
    expect(await session.token()).toBe("t2");
    // The new token's lifetime is counted from its own issue.
    now = 3_000_000;
    expect(await session.token()).toBe("t2");
  });

  it("renews after invalidate() without the token, and only once", async () => {
    const transport = keystone({ token: "t1" }, { token: "t2" }, { token: "t3" });
    const session = await openSession(base, "member", transport);
    session.invalidate();
    expect(await session.token()).toBe("t2");
    expect(await session.token()).toBe("t2");
    // A 401 about another token than the current one changes nothing.
    session.invalidate("t1");
    expect(await session.token()).toBe("t2");
    expect(transport.bodies).toHaveLength(2);
  });

  it("tries again on the next call when a renewal failed", async () => {
    let fail = true;
    const transport = keystone({ token: "t1" }, { token: "t2" });
    const fetch = transport.fetch.bind(transport);
    transport.fetch = async (url, init) => {
      if (transport.bodies.length === 1 && fail) {
        fail = false;
        throw new Error("reset");
      }
      return fetch(url, init);
    };
    const session = await openSession(base, "member", transport);
    session.invalidate();
    await expect(session.token()).rejects.toThrow();
    expect(await session.token()).toBe("t2");
  });
});

describe("endpoints from the catalog", () => {
  const catalog = [
    {
      type: "volumev3",
      endpoints: [
        { interface: "public", region_id: "r2", region: "r1", url: "http://r2.test/v3/p" },
        { interface: "public", region: "r1", url: "http://r1.test/v3/p" },
      ],
    },
  ];

  it("picks the region by region_id first, then region", async () => {
    const session = (region?: string) =>
      openSession(
        { ...base, ...(region && { region }) },
        "member",
        keystone({ token: "t", catalog }),
      );
    expect(await (await session("r1")).endpoint("volume")).toBe("http://r1.test");
    expect(await (await session("r2")).endpoint("volume")).toBe("http://r2.test");
    expect(await (await session()).endpoint("volume")).toBe("http://r2.test");
  });

  it("names no region in the error when none is set", async () => {
    const session = await openSession(base, "member", keystone({ token: "t", catalog }));
    await expect(session.endpoint("compute")).rejects.toThrow(
      "no compute endpoint: the service catalog from http://keystone.test/v3 has no public compute endpoint (service types tried: compute); give endpoints.compute in the target description.",
    );
  });
});
