import { describe, expect, it } from "vitest";
import { issueToken, type PasswordAuth } from "../../src/auth/keystone.ts";
import { AuthError } from "../../src/config/auth-error.ts";
import type { Transport } from "../../src/transport/transport.ts";

// issueToken on a transport that answers one scripted Keystone reply and keeps the request.

interface Sent {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body: unknown;
}

function keystone(answer: () => Response): Transport & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    async fetch(url: string | URL | Request, init?: RequestInit) {
      sent.push({
        url: String(url),
        ...(init?.method && { method: init.method }),
        headers: init?.headers as Record<string, string>,
        body: JSON.parse(String(init?.body)),
      });
      return answer();
    },
    close: async () => {},
  } as Transport & { sent: Sent[] };
}

const AUTH: PasswordAuth = {
  authUrl: "http://keystone.test/v3",
  user: { name: "u", domainName: "Default", password: "pw" },
  project: { name: "p", domainName: "Default" },
};

const CATALOG = [{ type: "compute", endpoints: [] }];

function tokenAnswer(
  token: Record<string, unknown> = {
    issued_at: "2030-01-01T00:00:00.000000Z",
    expires_at: "2030-01-01T01:00:00.000000Z",
    project: { id: "p-id" },
    catalog: CATALOG,
  },
  headers: Record<string, string> = { "x-subject-token": "tok" },
  status = 201,
) {
  return () =>
    new Response(JSON.stringify({ token }), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });
}

async function authError(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AuthError)) throw new Error(`expected an AuthError, got ${error}`);
  return error;
}

describe("issueToken", () => {
  it("posts JSON to /v3/auth/tokens and returns the token, its lifetime, project and catalog", async () => {
    const transport = keystone(tokenAnswer());
    expect(await issueToken(transport, AUTH)).toEqual({
      token: "tok",
      lifetimeMs: 3_600_000,
      projectId: "p-id",
      catalog: CATALOG,
    });
    expect(transport.sent).toMatchObject([
      {
        url: "http://keystone.test/v3/auth/tokens",
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
      },
    ]);
  });

  it.each([
    ["http://keystone.test/v3", "http://keystone.test/v3/auth/tokens"],
    ["http://keystone.test/v3//", "http://keystone.test/v3/auth/tokens"],
    ["http://keystone.test", "http://keystone.test/v3/auth/tokens"],
    ["http://keystone.test/identity/", "http://keystone.test/identity/v3/auth/tokens"],
    ["http://keystone.test/v3x", "http://keystone.test/v3x/v3/auth/tokens"],
  ])("takes the auth URL %s with or without its /v3", async (authUrl, url) => {
    const transport = keystone(tokenAnswer());
    await issueToken(transport, { ...AUTH, authUrl });
    expect(transport.sent[0]?.url).toBe(url);
  });

  it("names user and project by id when it has them, by name and domain otherwise", async () => {
    const transport = keystone(tokenAnswer());
    await issueToken(transport, {
      ...AUTH,
      user: { id: "uid", name: "ignored", password: "pw" },
      project: { name: "p", domainId: "did", domainName: "ignored" },
    });
    expect(transport.sent[0]?.body).toEqual({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { id: "uid", password: "pw" } },
        },
        scope: { project: { name: "p", domain: { id: "did" } } },
      },
    });
  });

  it("measures the lifetime from now when Keystone gives no issued_at", async () => {
    const expires = Date.now() + 600_000;
    const transport = keystone(
      tokenAnswer({ expires_at: new Date(expires).toISOString(), project: { id: "p-id" } }),
    );
    const issued = await issueToken(transport, AUTH);
    expect(issued.lifetimeMs).toBeGreaterThan(590_000);
    expect(issued.lifetimeMs).toBeLessThanOrEqual(600_000);
    expect(issued.catalog).toEqual([]);
  });

  it("names user and project by id in a 401, without the password", async () => {
    const transport = keystone(() => new Response("{}", { status: 401 }));
    const error = await authError(
      issueToken(transport, {
        ...AUTH,
        user: { id: "uid", password: "pw" },
        project: { id: "pid" },
      }),
    );
    expect(error.kind).toBe("rejected");
    expect(error.message).toBe(
      "wrong username or password for user id uid at http://keystone.test/v3 (401), or the user has no role on project id pid.",
    );
  });

  it("names a domain by id in a 401 when that is what it has", async () => {
    const transport = keystone(() => new Response("{}", { status: 401 }));
    const error = await authError(
      issueToken(transport, { ...AUTH, user: { name: "u", domainId: "d1", password: "pw" } }),
    );
    expect(error.message).toContain('for user "u" (domain d1) at');
  });

  it("quotes Keystone's own error message and hints at the URL on a 404", async () => {
    const transport = keystone(
      () =>
        new Response(JSON.stringify({ error: { message: "Could not find version", code: 404 } }), {
          status: 404,
        }),
    );
    const error = await authError(issueToken(transport, AUTH));
    expect(error.kind).toBe("keystone");
    expect(error.message).toBe(
      "Keystone at http://keystone.test/v3 answered 404 (Could not find version): is this the Keystone v3 (IAM) URL?",
    );
  });

  it("falls back to the status text when the error body has no message", async () => {
    for (const body of ["<html>oops</html>", "{}", JSON.stringify({ error: { message: 7 } })]) {
      const transport = keystone(
        () => new Response(body, { status: 500, statusText: "Internal Server Error" }),
      );
      const error = await authError(issueToken(transport, AUTH));
      expect(error.message).toBe(
        "Keystone at http://keystone.test/v3 answered 500 (Internal Server Error).",
      );
    }
  });

  it.each([
    ["no X-Subject-Token", undefined, {}],
    ["no project id", { expires_at: "2030-01-01T01:00:00Z", project: {} }, undefined],
    ["no project", { expires_at: "2030-01-01T01:00:00Z" }, undefined],
    ["no expiry", { project: { id: "p-id" } }, undefined],
    ["an expiry that is no date", { expires_at: "soon", project: { id: "p-id" } }, undefined],
  ])("refuses an answer with %s", async (_, token, headers) => {
    const transport = keystone(tokenAnswer(token, headers, 200));
    const error = await authError(issueToken(transport, AUTH));
    expect(error.kind).toBe("keystone");
    expect(error.message).toBe(
      "Keystone at http://keystone.test/v3 answered 200 without a project-scoped token (X-Subject-Token, token.project.id, token.expires_at): is this the Keystone v3 (IAM) URL?",
    );
  });

  it.each([
    ["no token object", "{}"],
    ["a body that is not JSON", "Created"],
  ])("refuses a success with %s", async (_, body) => {
    const transport = keystone(
      () => new Response(body, { status: 201, headers: { "x-subject-token": "tok" } }),
    );
    const error = await authError(issueToken(transport, AUTH));
    expect(error.message).toMatch(
      /^Keystone at http:\/\/keystone\.test\/v3 answered 201 without a project-scoped token/,
    );
  });
});
