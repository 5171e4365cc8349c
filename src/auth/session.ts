// A user's authenticated view of the target: token, project and endpoints. One per role.

import { AuthError, CREDENTIAL_SOURCES } from "../config/auth-error.ts";
import type { Role, Service, TargetDescription } from "../config/description.ts";
import type { Transport } from "../transport/transport.ts";
import { catalogEndpoint, SERVICE_TYPES, serviceBaseUrl } from "./catalog.ts";
import { type IssuedToken, issueToken, type PasswordAuth } from "./keystone.ts";

export interface Session {
  readonly role: Role;
  readonly projectId: string;
  /** The current token; issues a new one (once, however many callers wait) when it expired or was invalidated. */
  token(): Promise<string>;
  /**
   * Call after a 401. Passing the rejected token makes a late report about an already
   * replaced token a no-op, so concurrent 401s cause one renewal.
   */
  invalidate(rejectedToken?: string): void;
  /** Base URL of the service (e.g. `http://127.0.0.1:8776`); the caller appends documented paths. */
  endpoint(service: Service): Promise<string>;
}

export interface SessionOptions {
  /**
   * Renew this long before expiry (at most half the lifetime), so a token does not expire
   * between check and use.
   */
  renewBeforeMs?: number;
  now?: () => number;
}

/** Authenticates the role's user (or takes the given token) and returns its session. */
export async function openSession(
  target: TargetDescription,
  role: Role,
  transport: Transport,
  options: SessionOptions = {},
): Promise<Session> {
  const { auth } = target;
  const user = auth[role];
  if (user && auth.url) {
    // A project named without its own domain is looked up in the users' domain, as on OTC,
    // where the project (eu-de_x) lives in the tenant's domain.
    const projectDomain =
      auth.projectDomainId || auth.projectDomainName
        ? { domainId: auth.projectDomainId, domainName: auth.projectDomainName }
        : { domainId: auth.userDomainId, domainName: auth.userDomainName };
    const request: PasswordAuth = {
      authUrl: auth.url,
      user: {
        id: user.userId,
        name: user.username,
        domainId: auth.userDomainId,
        domainName: auth.userDomainName,
        password: user.password,
      },
      project: auth.projectId
        ? { id: auth.projectId }
        : { name: auth.projectName, ...projectDomain },
    };
    const renew = () => issueToken(transport, request);
    return new RenewingSession(role, target, await renew(), renew, options);
  }
  if (auth.token && role === "member") {
    if (!auth.projectId) {
      throw new AuthError(
        "missing-credentials",
        "missing credentials: auth.projectId is not set; a token given directly needs the id of the project it is scoped to.",
      );
    }
    // A token given directly cannot be renewed, and it comes without a catalog.
    const given: IssuedToken = {
      token: auth.token,
      lifetimeMs: Number.POSITIVE_INFINITY,
      projectId: auth.projectId,
      catalog: [],
    };
    const renew = () =>
      Promise.reject(
        new AuthError(
          "rejected",
          "the token given directly (auth.token or OS_AUTH_TOKEN) was rejected: it has expired or been revoked; issue a fresh one (`openstack token issue`) and give it again.",
        ),
      );
    return new RenewingSession(role, target, given, renew, options);
  }
  throw new AuthError(
    "missing-credentials",
    `missing credentials: target ${target.name} has ${user ? "no auth.url" : `no ${role} user (auth.${role})`}. ${CREDENTIAL_SOURCES}`,
  );
}

class RenewingSession implements Session {
  #issued: IssuedToken;
  #renewAt = 0;
  #stale = false;
  #renewing: Promise<string> | undefined;
  readonly #renewBeforeMs: number;
  readonly #now: () => number;

  constructor(
    readonly role: Role,
    private readonly target: TargetDescription,
    issued: IssuedToken,
    private readonly issue: () => Promise<IssuedToken>,
    options: SessionOptions,
  ) {
    this.#renewBeforeMs = options.renewBeforeMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#issued = this.#accept(issued);
  }

  get projectId(): string {
    return this.#issued.projectId;
  }

  async token(): Promise<string> {
    if (!this.#stale && this.#now() < this.#renewAt) return this.#issued.token;
    this.#renewing ??= this.issue()
      .then((issued) => {
        this.#issued = this.#accept(issued);
        this.#stale = false;
        return issued.token;
      })
      .finally(() => {
        this.#renewing = undefined;
      });
    return this.#renewing;
  }

  #accept(issued: IssuedToken): IssuedToken {
    const margin = Math.min(this.#renewBeforeMs, issued.lifetimeMs / 2);
    this.#renewAt = this.#now() + issued.lifetimeMs - margin;
    return issued;
  }

  invalidate(rejectedToken?: string): void {
    if (rejectedToken === undefined || rejectedToken === this.#issued.token) this.#stale = true;
  }

  async endpoint(service: Service): Promise<string> {
    const { endpoints, region, auth } = this.target;
    const configured = endpoints?.[service];
    if (configured) return serviceBaseUrl(configured);
    const found = catalogEndpoint(this.#issued.catalog, service, region);
    if (found) return found;
    const source = auth.url
      ? `the service catalog from ${auth.url} has no public ${service} endpoint${region ? ` in region ${region}` : ""} (service types tried: ${SERVICE_TYPES[service].join(", ")})`
      : "a token given directly comes without a service catalog";
    throw new AuthError(
      "no-endpoint",
      `no ${service} endpoint: ${source}; give endpoints.${service} in the target description.`,
    );
  }
}
