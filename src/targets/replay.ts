import nock from "nock";
import { openSession, type Session } from "../auth/session.ts";
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
import type { Exchange } from "../transport/exchange.ts";
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
import { clientsFor, unmetRequirement, valueStore } from "./wiring.ts";

/**
 * Only in replay, never on the wire: which scenario a request belongs to, so that scenarios
 * replay side by side and each matches only its own recordings.
 */
const SCENARIO_HEADER = "x-replay-scenario";

/**
 * Replays cassettes with nock, network disabled: the scenarios run the very code they run
 * live, and every request must match a recorded one (method, URL and body, never the
 * redacted secrets).
 */
export async function createReplayTarget(
  contract: Contract,
  dir = CASSETTE_DIR,
  interpose?: Interposer,
): Promise<Target> {
  const session = readJson<SessionCassette>(sessionCassettePath(dir), "session cassette");
  const description = session.target;
  /** The last request of each scenario (by its header) that no recording matched. */
  const unmatched = new Map<string, string>();
  // When the host has interceptors but none matches, nock passes a request without its URL
  // and the parsed options (with `href`) second.
  const onNoMatch = (
    request: { method?: string; url?: string; href?: string; headers?: Record<string, unknown> },
    options?: { href?: string; headers?: Record<string, unknown> },
  ) => {
    const headers = options?.headers ?? request.headers ?? {};
    const owner = String(headers[SCENARIO_HEADER] ?? "");
    unmatched.set(
      owner,
      `${request.method ?? "?"} ${options?.href ?? request.href ?? request.url ?? "?"}`,
    );
  };
  nock.disableNetConnect();
  nock.emitter.on("no match", onNoMatch);
  const sessionInterceptors = intercept(session.exchanges, { persist: true });

  const transport = createTransport(description);
  // A stale cassette shows up as a refused connection; say which request found no recording.
  const replayFetch = (cassette: string, owner = ""): typeof fetch =>
    (async (url: string | URL, init: RequestInit = {}) => {
      unmatched.delete(owner);
      const headers = new Headers(init.headers);
      if (owner) headers.set(SCENARIO_HEADER, owner);
      try {
        return await transport.fetch(url, { ...init, headers });
      } catch (error) {
        const request = unmatched.get(owner);
        if (!request) throw error;
        throw new CassetteError(
          `no recorded exchange in ${cassette} matches ${request}${typeof init.body === "string" ? ` with body ${init.body.slice(0, 200)}` : ""}; the cassette is stale: record it again with \`npm run conformance -- record\``,
        );
      }
    }) as typeof fetch;

  const sessionFile = sessionCassettePath(dir);
  const member = await openSession(description, "member", {
    fetch: replayFetch(sessionFile),
    close: async () => {},
  });
  const admin = description.auth.admin
    ? await openSession(description, "admin", {
        fetch: replayFetch(sessionFile),
        close: async () => {},
      })
    : undefined;

  const open = async (
    scenario: Scenario,
    hooks: SessionHooks = QUIET_HOOKS,
  ): Promise<ScenarioSession> => {
    const path = cassettePath(scenario, dir);
    const cassette = readJson<Cassette>(path, `cassette of scenario ${scenario.id}`);
    const interceptors = intercept(cassette.exchanges, { owner: scenario.id });
    const exchanges: Exchange[] = [];
    const store = valueStore(cassette.values);
    const own = replayFetch(path, scenario.id);
    const fetchFn = interpose ? interpose(own, scenario) : own;
    // Waits and retries replay on virtual time: a recorded 503 is retried at once.
    const clock = virtualClock();
    const retry = { ...DEFAULT_RETRY, clock };
    const record = (exchange: Exchange) => {
      exchanges.push(exchange);
      hooks.onExchange(exchange);
    };
    const clients = (user: Session) =>
      clientsFor(user, description, contract, fetchFn, record, retry);
    return {
      runId: cassette.values.run ?? "replay",
      member: clients(member),
      admin: admin && clients(admin),
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
      async finish() {
        const unused = interceptors.filter((i) => !i.scope.isDone()).map((i) => i.label);
        for (const { interceptor } of interceptors) nock.removeInterceptor(interceptor);
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
    async close() {
      nock.emitter.removeListener("no match", onNoMatch);
      for (const { interceptor } of sessionInterceptors) nock.removeInterceptor(interceptor);
      nock.enableNetConnect();
      await transport.close();
    },
  };
}

interface Defined {
  interceptor: nock.Interceptor;
  /** One scope per exchange: whether it is done says whether the exchange was requested. */
  scope: nock.Scope;
  label: string;
}

/**
 * Defines one interceptor per recorded exchange, in recorded order: the session's persist and
 * match any body; a scenario's match once, only its own requests, and only the recorded body.
 */
function intercept(
  exchanges: RecordedExchange[],
  options: { persist: true } | { owner: string },
): Defined[] {
  return exchanges.map((exchange) => {
    const url = new URL(exchange.request.url);
    const owner = "owner" in options ? options.owner : undefined;
    const scope = nock(url.origin, owner ? { reqheaders: { [SCENARIO_HEADER]: owner } } : {});
    if ("persist" in options) scope.persist();
    const expected = bodyText(exchange.request);
    const interceptor = scope.intercept(
      `${url.pathname}${url.search}`,
      exchange.request.method,
      owner ? (body: unknown) => canonical(body) === canonical(expected) : undefined,
    );
    interceptor.reply(
      exchange.response.status,
      bodyText(exchange.response),
      exchange.response.headers,
    );
    return { interceptor, scope, label: `${exchange.request.method} ${exchange.request.url}` };
  });
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
