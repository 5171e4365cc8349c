// Keystone v3 password authentication, which Open Telekom Cloud's IAM speaks too.

import { AuthError } from "../config/auth-error.ts";
import { DEFAULT_RETRY, type RetryPolicy, retryableStatus, withRetry } from "../transport/retry.ts";
import type { Transport } from "../transport/transport.ts";
import type { CatalogEntry } from "./catalog.ts";

/** A name needs its domain; an id stands alone. */
/** As a description gives them: any of these may be absent, and is then left out. */
interface Named {
  id?: string | undefined;
  name?: string | undefined;
  domainId?: string | undefined;
  domainName?: string | undefined;
}

export interface PasswordAuth {
  authUrl: string;
  user: Named & { password: string };
  project: Named;
}

export interface IssuedToken {
  token: string;
  /**
   * From `issued_at` to `expires_at`: a duration, so that a skewed local clock cannot make a
   * fresh token look expired.
   */
  lifetimeMs: number;
  projectId: string;
  catalog: CatalogEntry[];
}

interface TokenBody {
  token?: {
    issued_at?: string;
    expires_at?: string;
    project?: { id?: string };
    catalog?: CatalogEntry[];
  };
}

/** `POST {auth_url}/auth/tokens`; the URL may be given with or without its `/v3`. */
function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, "");
  return `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`;
}

/**
 * Issues a project-scoped token. Asking again is harmless (each request gets its own token),
 * so a transport failure or a 429/503 is retried as `retry` says.
 */
export async function issueToken(
  transport: Transport,
  auth: PasswordAuth,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<IssuedToken> {
  const url = tokensUrl(auth.authUrl);
  const response = await withRetry(
    () =>
      transport.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(passwordRequest(auth)),
      }),
    {
      policy: retry,
      what: `POST ${url}`,
      retryResult: (answer) => retryableStatus(answer.status, answer.headers.get("retry-after")),
    },
  );
  if (response.status === 401) {
    throw new AuthError(
      "rejected",
      `wrong username or password for user ${label(auth.user)} at ${auth.authUrl} (401), or the user has no role on project ${label(auth.project)}.`,
    );
  }
  const body = (await response.json().catch(() => undefined)) as TokenBody | undefined;
  const at = `Keystone at ${auth.authUrl}`;
  if (!response.ok) {
    const reason = errorMessage(body) ?? response.statusText;
    const hint = response.status === 404 ? ": is this the Keystone v3 (IAM) URL?" : ".";
    throw new AuthError("keystone", `${at} answered ${response.status} (${reason})${hint}`);
  }
  const token = response.headers.get("x-subject-token");
  const projectId = body?.token?.project?.id;
  const expiresAt = Date.parse(body?.token?.expires_at ?? "");
  const issuedAt = Date.parse(body?.token?.issued_at ?? "");
  if (!token || !projectId || Number.isNaN(expiresAt)) {
    throw new AuthError(
      "keystone",
      `${at} answered ${response.status} without a project-scoped token (X-Subject-Token, token.project.id, token.expires_at): is this the Keystone v3 (IAM) URL?`,
    );
  }
  const lifetimeMs = expiresAt - (Number.isNaN(issuedAt) ? Date.now() : issuedAt);
  return { token, lifetimeMs, projectId, catalog: body?.token?.catalog ?? [] };
}

function passwordRequest({ user, project }: PasswordAuth) {
  return {
    auth: {
      identity: {
        methods: ["password"],
        password: { user: { ...reference(user), password: user.password } },
      },
      scope: { project: reference(project) },
    },
  };
}

function reference({ id, name, domainId, domainName }: Named) {
  if (id) return { id };
  return { name, domain: domainId ? { id: domainId } : { name: domainName } };
}

function label({ id, name, domainId, domainName }: Named): string {
  return id ? `id ${id}` : `"${name}" (domain ${domainId ?? domainName})`;
}

function errorMessage(body: unknown): string | undefined {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === "string" ? message : undefined;
}
