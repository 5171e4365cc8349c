import type { Role } from "../config/description.ts";
import { type CredentialKind, type Exchange, exchangeOf } from "../transport/exchange.ts";
import { throwIfInterrupted } from "../transport/interrupt.ts";
import {
  DEFAULT_RETRY,
  isIdempotentRead,
  type RetryPolicy,
  retryableStatus,
  withRetry,
} from "../transport/retry.ts";

/** Which endpoint of the target serves an operation. */
export type Service = "volume" | "compute";

/** Where and how an operation is called, from the contract. */
export interface OperationRoute {
  method: string;
  path: string;
  service: Service;
}

/** The session of one user: a token, the project and the endpoints. */
export interface ApiSession {
  /** Whose token `token()` gives, recorded with each request that carries it. */
  readonly role: Role;
  token(): Promise<string>;
  /** After a 401: the token that was refused, so that concurrent 401s renew it once. */
  invalidate(rejectedToken?: string): void;
  readonly projectId: string;
  endpoint(service: Service): Promise<string>;
}

export interface ApiRequest {
  /** Path parameters other than `project_id`, which comes from the session. */
  path?: Record<string, string>;
  query?: Record<string, string>;
  /** Serialised as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent verbatim, for bodies the contract forbids (not JSON, wrong content type). */
  raw?: { body: string; contentType?: string };
  /** Compute microversion, e.g. `2.60` (multiattach needs it). */
  microversion?: string;
  /** Volume microversion, e.g. `3.0`, sent as `OpenStack-API-Version: volume …`. */
  volumeMicroversion?: string;
  /**
   * The token to send instead of the session's, `null` for none; such a call is never
   * renewed after a 401, since the 401 is the answer under test.
   */
  token?: string | null;
  /** The served path prefix instead of the documented one, e.g. Nova's legacy `/v2/`. */
  pathPrefix?: { from: string; to: string };
}

export interface ApiDependencies {
  fetch: typeof fetch;
  session: ApiSession;
  route(operationId: string): OperationRoute;
  /** Applies the target's path prefix mapping (documented `/v2/` → served `/v3/`). */
  mapPath(service: Service, path: string): string;
  /** Sees every exchange, for checks, reports and cassettes; retried ones too, marked. */
  onExchange?: (exchange: Exchange) => void;
  /** How reads are retried; default DEFAULT_RETRY on the real clock. */
  retry?: RetryPolicy;
}

/** Calls contract operations by id. One instance per user and scenario. */
export class Api {
  constructor(private readonly deps: ApiDependencies) {}

  get projectId(): string {
    return this.deps.session.projectId;
  }

  /**
   * Calls an operation. Reads (GET) are retried after a transport failure or a 429/503, as
   * RetryPolicy says; anything else, the operation under test above all, is sent once.
   */
  async call(operationId: string, request: ApiRequest = {}): Promise<Exchange> {
    throwIfInterrupted();
    const route = this.deps.route(operationId);
    const url = await this.url(route, request);
    const once = () => this.sendRenewing(route, url, request, operationId);
    const exchange = isIdempotentRead(route.method)
      ? await withRetry(once, {
          policy: this.deps.retry ?? DEFAULT_RETRY,
          what: `${route.method} ${url}`,
          retryResult: (answer) =>
            retryableStatus(answer.response.status, answer.response.headers["retry-after"]),
          onRetry: ({ result, reason, delayMs }) => {
            if (result)
              this.deps.onExchange?.({
                ...result,
                retried: `${reason}; asked again after ${delayMs} ms`,
              });
          },
        })
      : await once();
    this.deps.onExchange?.(exchange);
    return exchange;
  }

  /**
   * A 401 means the request was refused before it ran, so one renewal is safe even for the
   * operation under test (a token can expire in the middle of a long run).
   */
  private async sendRenewing(
    route: OperationRoute,
    url: string,
    request: ApiRequest,
    operationId: string,
  ): Promise<Exchange> {
    if (request.token !== undefined) {
      const kind = request.token === null ? "none" : "invalid";
      return this.send(route, url, request, operationId, { token: request.token, kind });
    }
    const kind = this.deps.session.role;
    const token = await this.deps.session.token();
    const exchange = await this.send(route, url, request, operationId, { token, kind });
    if (exchange.response.status !== 401) return exchange;
    this.deps.session.invalidate(token);
    throwIfInterrupted();
    const renewed = await this.deps.session.token();
    return this.send(route, url, request, operationId, { token: renewed, kind });
  }

  private async url(route: OperationRoute, request: ApiRequest): Promise<string> {
    const params: Record<string, string> = { project_id: this.projectId, ...request.path };
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`no value for path parameter ${name}`);
      return encodeURIComponent(value);
    });
    const query = request.query ? `?${new URLSearchParams(request.query)}` : "";
    const origin = await this.deps.session.endpoint(route.service);
    const prefix = request.pathPrefix;
    const served =
      prefix && path.startsWith(prefix.from)
        ? `${prefix.to}${path.slice(prefix.from.length)}`
        : this.deps.mapPath(route.service, path);
    return `${origin}${served}${query}`;
  }

  private async send(
    route: OperationRoute,
    url: string,
    request: ApiRequest,
    operationId: string,
    credential: { token: string | null; kind: CredentialKind },
  ): Promise<Exchange> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (credential.token !== null) headers["x-auth-token"] = credential.token;
    let body: string | undefined;
    if (request.raw) {
      body = request.raw.body;
      if (request.raw.contentType) headers["content-type"] = request.raw.contentType;
    } else if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers["content-type"] = "application/json";
    }
    if (request.microversion) {
      headers["openstack-api-version"] = `compute ${request.microversion}`;
      headers["x-openstack-nova-api-version"] = request.microversion;
    }
    if (request.volumeMicroversion) {
      headers["openstack-api-version"] = `volume ${request.volumeMicroversion}`;
    }
    const exchange = await exchangeOf(
      this.deps.fetch,
      url,
      { method: route.method, headers, ...(body !== undefined ? { body } : {}) },
      operationId,
    );
    return { ...exchange, request: { ...exchange.request, credentialKind: credential.kind } };
  }
}
