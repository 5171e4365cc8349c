import nock from "nock";
import { SECRET_HEADERS } from "../auth/secrets.ts";
import { openSession, type Session } from "../auth/session.ts";
import type { Role } from "../config/description.ts";
import type { Contract } from "../contract/load-spec.ts";
import type { Scenario } from "../engine/scenario.ts";
import {
  type Interposer,
  QUIET_HOOKS,
  type ScenarioSession,
  type SessionHooks,
  type Target,
} from "../engine/target.ts";
import { CASSETTE_DIR } from "../paths.ts";
import { DEFAULT_BUDGET } from "../resources/waiters.ts";
import { virtualClock } from "../transport/clock.ts";
import type { CredentialKind, Exchange } from "../transport/exchange.ts";
import { DEFAULT_RETRY } from "../transport/retry.ts";
import { createTransport } from "../transport/transport.ts";
import {
  bodyText,
  type Cassette,
  CassetteError,
  cassettePath,
  type RecordedExchange,
  readJson,
  type SessionCassette,
  sessionCassettePath,
} from "./cassette.ts";
import { clientsFor, recordInto, unmetRequirement, valueStore } from "./wiring.ts";

/**
 * Only in replay, never on the wire: which scenario a request belongs to, so that scenarios
 * replay side by side and each matches only its own recordings.
 */
const SCENARIO_HEADER = "x-replay-scenario";

/** Only in replay, never on the wire: whose password a token request carries. */
const TOKEN_FOR_HEADER = "x-replay-token-for";

/** Why the last request of one scenario (by its header; "" for the session) found no recording. */
interface Miss {
  request?: string;
  /**
   * A recording with the same method, URL and body but another credential or other headers:
   * the likeliest cause.
   */
  header?: Mismatch;
}

/**
 * Replays cassettes with nock, network disabled: the scenarios run the very code they run
 * live, and every request must match a recorded one: method, URL, body, the kind of credential
 * (a role's token, none, a made-up one) and request headers (Content-Type, Accept and the
 * microversion change what a server answers), never the redacted secrets themselves.
 */
export async function createReplayTarget(
  contract: Contract,
  dir = CASSETTE_DIR,
  interpose?: Interposer,
): Promise<Target> {
  const session = readJson<SessionCassette>(sessionCassettePath(dir), "session cassette");
  const description = session.target;
  const misses = new Map<string, Miss>();
  const missOf = (owner: string) => {
    const miss = misses.get(owner) ?? {};
    misses.set(owner, miss);
    return miss;
  };
  // When the host has interceptors but none matches, nock passes a request without its URL
  // and the parsed options (with `href` and the headers) second.
  const onNoMatch = (
    request: { method?: string; url?: string; href?: string; headers?: Record<string, unknown> },
    options?: { href?: string; headers?: Record<string, unknown> },
  ) => {
    const miss = missOf(ownerOf(options?.headers ?? request.headers ?? {}));
    miss.request = `${request.method ?? "?"} ${options?.href ?? request.href ?? request.url ?? "?"}`;
  };
  const onHeaderMismatch = (owner: string, mismatch: Mismatch) => {
    missOf(owner).header ??= mismatch;
  };
  nock.disableNetConnect();
  nock.emitter.on("no match", onNoMatch);
  const sessionInterceptors = intercept(session.exchanges, { onHeaderMismatch });

  const transport = createTransport(description);
  // A stale cassette shows up as a refused connection; say which request found no recording.
  const replayFetch = (cassette: string, owner = "", tokenFor?: Role): typeof fetch =>
    (async (url: string | URL, init: RequestInit = {}) => {
      misses.delete(owner);
      const headers = new Headers(init.headers);
      if (owner) headers.set(SCENARIO_HEADER, owner);
      if (tokenFor) headers.set(TOKEN_FOR_HEADER, tokenFor);
      try {
        return await transport.fetch(url, { ...init, headers });
      } catch (error) {
        const { request, header } = misses.get(owner) ?? {};
        if (!request) throw error;
        if (header) {
          const { what, recorded, sent } = header;
          throw new CassetteError(
            `${cassette}: ${request} was recorded with ${what}: ${recorded}, this run sent ${sent}; the request changed since it was recorded: record it again with \`npm run conformance -- record\``,
          );
        }
        throw new CassetteError(
          `no recorded exchange in ${cassette} matches ${request}${typeof init.body === "string" ? ` with body ${init.body.slice(0, 200)}` : ""}; the cassette is stale: record it again with \`npm run conformance -- record\``,
        );
      }
    }) as typeof fetch;

  const sessionFile = sessionCassettePath(dir);
  const replaySession = async (role: Role) =>
    standIn(
      await openSession(description, role, {
        fetch: replayFetch(sessionFile, "", role),
        close: async () => {},
      }),
    );
  const member = await replaySession("member");
  const admin = description.auth.admin ? await replaySession("admin") : undefined;
  const reader = description.auth.reader ? await replaySession("reader") : undefined;

  const open = async (
    scenario: Scenario,
    hooks: SessionHooks = QUIET_HOOKS,
  ): Promise<ScenarioSession> => {
    const path = cassettePath(scenario, dir);
    const cassette = readJson<Cassette>(path, `cassette of scenario ${scenario.id}`);
    const interceptors = intercept(cassette.exchanges, { owner: scenario.id, onHeaderMismatch });
    const exchanges: Exchange[] = [];
    const store = valueStore(cassette.values);
    const own = replayFetch(path, scenario.id);
    const fetchFn = interpose ? interpose(own, scenario) : own;
    // Waits and retries replay on virtual time: a recorded 503 is retried at once.
    const clock = virtualClock();
    const retry = { ...DEFAULT_RETRY, clock };
    const record = recordInto(exchanges, hooks);
    const clients = (user: Session) =>
      clientsFor(user, description, contract, fetchFn, record, retry);
    return {
      runId: cassette.values.run ?? "replay",
      member: clients(member),
      admin: admin && clients(admin),
      reader: reader && clients(reader),
      resources: description.resources ?? {},
      waiting: { clock, budget: DEFAULT_BUDGET },
      exchanges,
      uuid(label) {
        if (!(label in cassette.values)) {
          throw new CassetteError(
            `${path} has no recorded value ${label}; the scenario changed since it was recorded: record it again`,
          );
        }
        return store.uuid(label);
      },
      measure(label) {
        const recorded = cassette.measurements?.[label];
        if (recorded === undefined) {
          throw new CassetteError(
            `${path} has no recorded figure ${label}; the scenario changed since it was recorded: record it again`,
          );
        }
        return recorded;
      },
      async sharedServer() {
        const server = cassette.shared?.server;
        if (!server) {
          throw new CassetteError(
            `${path} records no shared server; the scenario changed since it was recorded: record it again`,
          );
        }
        return server;
      },
      async sharedVolume(label) {
        const volume = cassette.shared?.volumes?.[label];
        if (!volume) {
          throw new CassetteError(
            `${path} records no volume ${label} lent by the run; the scenario changed since it was recorded: record it again`,
          );
        }
        return volume;
      },
      // The cassette holds what the pause did (the server's task state); nothing to hold.
      pauseCompute: async () => async () => {},
      // Nothing is lent in replay.
      returnVolume() {},
      async finish() {
        const unused = interceptors.filter((i) => !i.scope.isDone()).map((i) => i.label);
        for (const { interceptor } of interceptors) nock.removeInterceptor(interceptor);
        misses.delete(scenario.id);
        if (unused.length > 0) {
          throw new CassetteError(
            `${path}: ${unused.length} recorded exchange(s) were not requested (first: ${unused[0]}); the scenario changed since it was recorded: record it again`,
          );
        }
      },
    };
  };

  return {
    name: description.name,
    family: description.family,
    mode: "replay",
    concurrent: true,
    operation: (id) => contract.operation(id),
    unmet: (requirement, scenario) => unmetRequirement(description, requirement, scenario),
    openScenario: open,
    // Cassettes are redacted when written: a replay holds no credential.
    knownSecrets: () => [],
    // A replay creates nothing.
    release: async () => [],
    async close() {
      nock.emitter.removeListener("no match", onNoMatch);
      for (const { interceptor } of sessionInterceptors) nock.removeInterceptor(interceptor);
      nock.enableNetConnect();
      await transport.close();
    },
  };
}

function ownerOf(headers: Record<string, unknown>): string {
  return String(headers[SCENARIO_HEADER] ?? "");
}

/**
 * The replayed session with a token of its own, which names its role: the cassettes hold every
 * token as REDACTED, and a request is matched on which role's token, if any, it carries.
 */
function standIn(session: Session): Session {
  const token = standInToken(session.role);
  return {
    role: session.role,
    get projectId() {
      return session.projectId;
    },
    token: async () => token,
    // Nothing to renew: a replayed token is never refused for its age.
    invalidate: () => {},
    endpoint: (service) => session.endpoint(service),
  };
}

function standInToken(role: Role): string {
  return `replay-token-of-${role}`;
}

/** What the request's token says about who sent it: a replayed role, nobody, or a made-up token. */
function credentialOf(headers: Record<string, unknown>): CredentialKind {
  const header = Object.entries(headers).find(([name]) => name.toLowerCase() === "x-auth-token");
  if (header === undefined) return "none";
  const roles = ["admin", "member", "reader"] as const;
  return roles.find((role) => standInToken(role) === String(header[1])) ?? "invalid";
}

/** How a request differs from its recording: what (a header, the credential), then and now. */
interface Mismatch {
  what: string;
  recorded: string;
  sent: string;
}

interface Defined {
  interceptor: nock.Interceptor;
  /** One scope per exchange: whether it is done says whether the exchange was requested. */
  scope: nock.Scope;
  label: string;
}

/**
 * Defines one interceptor per recorded exchange, in recorded order; each answers only a request
 * sent with the credential recorded. The session's persist and match any body; a scenario's
 * (`owner`) match once, only that scenario's requests, and only the recorded body. The matcher
 * runs once method and URL matched; nock hands it the request's options (with the headers) as
 * `this`. Of a scenario's unused recordings with the same method, URL and body, only the
 * earliest may answer: a request whose credential or headers changed then reports the
 * difference instead of taking a later recording that happens to match (a detach and its
 * clean-up send one body, the clean-up as the member).
 */
function intercept(
  exchanges: RecordedExchange[],
  options: {
    owner?: string;
    onHeaderMismatch: (owner: string, mismatch: Mismatch) => void;
  },
): Defined[] {
  const { owner } = options;
  const keys = exchanges.map(
    (exchange) =>
      `${exchange.request.method} ${exchange.request.url} ${owner ? canonical(bodyText(exchange.request)) : ""}`,
  );
  const used = exchanges.map(() => false);
  return exchanges.map((exchange, index) => {
    const url = new URL(exchange.request.url);
    const scope = nock(url.origin, owner ? { reqheaders: { [SCENARIO_HEADER]: owner } } : {});
    if (!owner) scope.persist();
    const expected = canonical(bodyText(exchange.request));
    const matches = function (this: { headers?: Record<string, unknown> }, body: unknown) {
      if (owner && canonical(body) !== expected) return false;
      const first = keys.findIndex((key, other) => key === keys[index] && !used[other]);
      if (owner && first !== index) return false;
      const headers = this.headers ?? {};
      // The session's token requests carry a password, no token: the replay tags whose.
      const sent = owner ? credentialOf(headers) : String(headers[TOKEN_FOR_HEADER] ?? "none");
      const mismatch =
        credentialDifference(exchange.request.credentialKind, sent) ??
        headerDifference(exchange.request.headers, headers);
      if (mismatch) options.onHeaderMismatch(ownerOf(this.headers ?? {}), mismatch);
      return mismatch === undefined;
    };
    const interceptor = scope.intercept(
      `${url.pathname}${url.search}`,
      exchange.request.method,
      matches,
    );
    // Emitted once this exchange's interceptor took a request (a reply function would not do:
    // nock parses a JSON-typed request body before calling it, and some bodies are not JSON).
    if (owner) scope.on("request", () => (used[index] = true));
    interceptor.reply(
      exchange.response.status,
      bodyText(exchange.response),
      exchange.response.headers,
    );
    return { interceptor, scope, label: `${exchange.request.method} ${exchange.request.url}` };
  });
}

/** The credential the request carried, when it is not the kind recorded. */
function credentialDifference(
  recorded: CredentialKind | undefined,
  sent: string,
): Mismatch | undefined {
  return sent === recorded
    ? undefined
    : { what: "credential", recorded: recorded ?? "(not recorded)", sent };
}

/**
 * The first request header whose value differs from the recording, absent on either side
 * included. Every header the harness sets is compared (each was set on purpose and may change
 * the answer), except the credentials, which cassettes hold redacted, and the replay's own
 * scenario tag.
 */
export function headerDifference(
  recorded: Record<string, string>,
  sent: Record<string, unknown>,
): Mismatch | undefined {
  const ignored: readonly string[] = [...SECRET_HEADERS, SCENARIO_HEADER, TOKEN_FOR_HEADER];
  const compared = (headers: Record<string, unknown>) =>
    new Map(
      Object.entries(headers)
        .map(([name, value]) => [name.toLowerCase(), String(value)] as const)
        .filter(([name]) => !ignored.includes(name)),
    );
  const before = compared(recorded);
  const now = compared(sent);
  const names = [...new Set([...before.keys(), ...now.keys()])].sort();
  const name = names.find((header) => before.get(header) !== now.get(header));
  return name === undefined
    ? undefined
    : {
        what: `header ${name}`,
        recorded: before.get(name) ?? "(none)",
        sent: now.get(name) ?? "(none)",
      };
}

/** The same text for the same JSON, whether nock hands over a string or a parsed object. */
function canonical(body: unknown): string {
  if (typeof body !== "string") return JSON.stringify(body);
  try {
    return JSON.stringify(JSON.parse(body));
  } catch {
    return body;
  }
}
