import nock from "nock";
import { SECRET_HEADERS } from "../auth/secrets.ts";
import { openSession, type Session } from "../auth/session.ts";
import type { Exchange } from "../clients/exchange.ts";
import { DEFAULT_RETRY } from "../clients/retry.ts";
import type { Contract } from "../contract/load-spec.ts";
import type { Scenario } from "../engine/scenario.ts";
import type { Interposer, ScenarioSession, Target } from "../engine/target.ts";
import { CASSETTE_DIR } from "../paths.ts";
import { virtualClock } from "../resources/clock.ts";
import { DEFAULT_BUDGET } from "../resources/waiters.ts";
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
 * Replays cassettes with nock, network disabled: the scenarios run the very code they run
 * live, and every request must match a recorded one: method, URL, body and request headers
 * (Content-Type, Accept and the microversion change what a server answers), never the
 * redacted secrets. Scenarios run one after another, as each one's interceptors are global.
 */
export async function createReplayTarget(
  contract: Contract,
  dir = CASSETTE_DIR,
  interpose?: Interposer,
): Promise<Target> {
  const session = readJson<SessionCassette>(sessionCassettePath(dir), "session cassette");
  const description = session.target;
  let unmatched: string | undefined;
  // A recording with the same method, URL and body but other headers: the likeliest cause.
  let headerMismatch: HeaderMismatch | undefined;
  // When the host has interceptors but none matches, nock passes a request without its URL
  // and the parsed options (with `href`) second.
  const onNoMatch = (
    request: { method?: string; url?: string; href?: string },
    options?: { href?: string },
  ) => {
    unmatched = `${request.method ?? "?"} ${options?.href ?? request.href ?? request.url ?? "?"}`;
  };
  nock.disableNetConnect();
  nock.emitter.on("no match", onNoMatch);
  const onHeaderMismatch = (mismatch: HeaderMismatch) => {
    headerMismatch ??= mismatch;
  };
  const defineSession = () =>
    intercept(session.exchanges, { persist: true, matchBody: false, onHeaderMismatch });
  defineSession();

  const transport = createTransport(description);
  // A stale cassette shows up as a refused connection; say which request found no recording.
  const replayFetch = (cassette: string): typeof fetch =>
    (async (url: string | URL, init?: RequestInit) => {
      unmatched = undefined;
      headerMismatch = undefined;
      try {
        return await transport.fetch(url, init);
      } catch (error) {
        if (!unmatched) throw error;
        if (headerMismatch) {
          const { name, recorded, sent } = headerMismatch;
          throw new CassetteError(
            `${cassette}: ${unmatched} was recorded with header ${name}: ${recorded ?? "(none)"}, this run sent ${sent ?? "(none)"}; the request changed since it was recorded: record it again with \`npm run conformance -- record\``,
          );
        }
        throw new CassetteError(
          `no recorded exchange in ${cassette} matches ${unmatched}${typeof init?.body === "string" ? ` with body ${init.body.slice(0, 200)}` : ""}; the cassette is stale: record it again with \`npm run conformance -- record\``,
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

  const open = async (scenario: Scenario): Promise<ScenarioSession> => {
    const path = cassettePath(scenario, dir);
    const cassette = readJson<Cassette>(path, `cassette of scenario ${scenario.id}`);
    const scopes = intercept(cassette.exchanges, {
      persist: false,
      matchBody: true,
      onHeaderMismatch,
    });
    const exchanges: Exchange[] = [];
    const store = valueStore(cassette.values);
    const fetchFn = interpose ? interpose(replayFetch(path), scenario) : replayFetch(path);
    // Waits and retries replay on virtual time: a recorded 503 is retried at once.
    const clock = virtualClock();
    const retry = { ...DEFAULT_RETRY, clock };
    const clients = (user: Session) =>
      clientsFor(user, description, contract, fetchFn, exchanges, retry);
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
        const unused = scopes.flatMap((scope) => scope.pendingMocks());
        nock.cleanAll();
        defineSession();
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
    concurrent: false,
    operation: (id) => contract.operation(id),
    unmet: (requirement, scenario) => unmetRequirement(description, requirement, scenario),
    openScenario: open,
    // Cassettes are redacted when written: a replay holds no credential.
    knownSecrets: () => [],
    async close() {
      nock.emitter.removeListener("no match", onNoMatch);
      nock.cleanAll();
      nock.enableNetConnect();
      await transport.close();
    },
  };
}

interface HeaderMismatch {
  name: string;
  recorded: string | undefined;
  sent: string | undefined;
}

/**
 * Defines one interceptor per recorded exchange, in recorded order. Its matcher runs once
 * method and URL matched; nock hands it the request's options (with the headers) as `this`.
 * Of the unused recordings with the same method, URL and body, only the earliest may answer:
 * a request whose headers changed then reports the difference instead of taking a later
 * recording that happens to carry those headers (a detach and its clean-up send one body).
 */
function intercept(
  exchanges: RecordedExchange[],
  options: {
    persist: boolean;
    matchBody: boolean;
    onHeaderMismatch: (mismatch: HeaderMismatch) => void;
  },
): nock.Scope[] {
  const keys = exchanges.map(
    (exchange) =>
      `${exchange.request.method} ${exchange.request.url} ${options.matchBody ? canonical(bodyText(exchange.request)) : ""}`,
  );
  const used = exchanges.map(() => false);
  return exchanges.map((exchange, index) => {
    const url = new URL(exchange.request.url);
    const scope = nock(url.origin);
    if (options.persist) scope.persist();
    const expected = canonical(bodyText(exchange.request));
    const matches = function (this: { headers?: Record<string, unknown> }, body: unknown) {
      if (options.matchBody && canonical(body) !== expected) return false;
      const first = keys.findIndex((key, other) => key === keys[index] && !used[other]);
      if (!options.persist && first !== index) return false;
      const mismatch = headerDifference(exchange.request.headers, this.headers ?? {});
      if (mismatch) options.onHeaderMismatch(mismatch);
      return mismatch === undefined;
    };
    const interceptor = scope.intercept(
      `${url.pathname}${url.search}`,
      exchange.request.method,
      matches,
    );
    // Emitted once this exchange's interceptor took a request (a reply function would not do:
    // nock parses a JSON-typed request body before calling it, and some bodies are not JSON).
    if (!options.persist) scope.on("request", () => (used[index] = true));
    return interceptor.reply(
      exchange.response.status,
      bodyText(exchange.response),
      exchange.response.headers,
    );
  });
}

/**
 * The first request header whose value differs from the recording, absent on either side
 * included. Every header the harness sets is compared (each was set on purpose and may change
 * the answer), except the credentials, which cassettes hold redacted.
 */
export function headerDifference(
  recorded: Record<string, string>,
  sent: Record<string, unknown>,
): HeaderMismatch | undefined {
  const compared = (headers: Record<string, unknown>) =>
    new Map(
      Object.entries(headers)
        .map(([name, value]) => [name.toLowerCase(), String(value)] as const)
        .filter(([name]) => !(SECRET_HEADERS as readonly string[]).includes(name)),
    );
  const before = compared(recorded);
  const now = compared(sent);
  const names = [...new Set([...before.keys(), ...now.keys()])].sort();
  const name = names.find((header) => before.get(header) !== now.get(header));
  return name === undefined ? undefined : { name, recorded: before.get(name), sent: now.get(name) };
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
