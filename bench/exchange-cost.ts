// Per-exchange harness cost: every recorded exchange replayed through the real replay path
// (nock, transport, clients, scenario code, checks, judging), in microseconds per exchange,
// against a bare `fetch` to a keep-alive node:http server on 127.0.0.1 in the same process.
// Runs in its own process: nock patches the global fetch, so the floor is measured first.
import { readdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { RecordedExchange } from "../src/targets/cassette.ts";
import type { Exchange } from "../src/transport/exchange.ts";
import { type BenchOptions, progress } from "./lib/options.ts";
import { ROOT } from "./lib/paths.ts";
import { round, type Spread, spread } from "./lib/stats.ts";

export interface ExchangeCostResult {
  exchanges: number;
  /** The whole replay path per exchange, µs: wall and CPU of this process. */
  harnessUs: Spread;
  harnessCpuUs: Spread;
  /** Parts of it: the response checks alone, and nock + transport alone (µs per exchange). */
  checksUs: Spread;
  nockUs: Spread;
  nockCpuUs: Spread;
  /** The floor: bare global fetch to a keep-alive server on 127.0.0.1 (µs per request). */
  bareFetchUs: Spread;
  /** The live path's client side: the project's transport (undici Agent, body drained). */
  transportFetchUs: Spread;
  /** Size of the body the floor's server sends: the median recorded response body. */
  floorBodyBytes: number;
  ratio: number;
  /** The same exchanges replayed by undici's MockAgent instead of nock (µs per exchange). */
  mockAgentUs: Spread;
  mockAgentCpuUs: Spread;
  /** Cold start in a fresh process: importing the harness, and loading spec/ (validate + dereference). */
  importMs: number;
  loadContractMs: number;
  /** Dereferencing spec/ without validating it (after the load above; what a run could do instead). */
  dereferenceMs: number;
}

export async function measure(options: BenchOptions): Promise<ExchangeCostResult> {
  const rounds = options.repeats;
  const importStart = performance.now();
  const cassette = await import("../src/targets/cassette.ts");
  const { CATALOG } = await import("../tests/scenarios/catalog.ts");
  const { executeScenario } = await import("../src/engine/execute.ts");
  const { loadDeviations } = await import("../src/deviations/deviations.ts");
  const { RESPONSE_CHECKS, runChecks } = await import("../src/checks/registry.ts");
  const { createTransport } = await import("../src/transport/transport.ts");
  const { loadContract } = await import("../src/contract/load-spec.ts");
  const importMs = performance.now() - importStart;
  const contractStart = performance.now();
  const contract = await loadContract();
  const loadContractMs = performance.now() - contractStart;
  const dereferenceMs = await dereferenceOnly();

  const recorded = CATALOG.map((scenario) => ({
    scenario,
    exchanges: cassette.readJson<{ exchanges: RecordedExchange[] }>(
      cassette.cassettePath(scenario),
      "cassette",
    ).exchanges,
  }));
  const all = recorded.flatMap((r) => r.exchanges);

  // Floor, before nock is loaded: the median recorded response body, over keep-alive.
  const bodies = all.map((e) => cassette.bodyText(e.response)).sort((a, b) => a.length - b.length);
  const floorBody = bodies[Math.floor(bodies.length / 2)] ?? "";
  const server = await listen(floorBody);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/p/volumes/v`;
  const bareFetch = async () => {
    await (await fetch(url)).text();
  };
  const transport = createTransport({});
  const transportFetch = async () => {
    await (await transport.fetch(url)).text();
  };
  const bareFetchUs = spread(await perCall(bareFetch, 1000, rounds));
  const transportFetchUs = spread(await perCall(transportFetch, 1000, rounds));
  await transport.close();
  await new Promise((resolve) => server.close(resolve));
  server.closeAllConnections();
  progress(`exchange floor: bare fetch ${round(bareFetchUs.median)} µs`);

  // undici's MockAgent on the same exchanges, before nock patches the global fetch.
  const mockAgent = await timedRounds(
    await mockAgentReplay(
      recorded.map((r) => r.exchanges),
      cassette.bodyText,
    ),
    rounds,
  );

  // The checks alone, on every recorded exchange of an operation in the contract.
  const checkable = all
    .filter((e) => e.operationId)
    .map((e) => ({
      exchange: exchangeOf(e, cassette.bodyText),
      operationId: e.operationId as string,
    }));
  const checkAll = () => {
    for (const { exchange, operationId } of checkable) {
      runChecks(
        {
          exchange,
          operation: contract.operation(operationId),
          expected: { status: exchange.response.status },
        },
        RESPONSE_CHECKS,
      );
    }
  };
  const checksUs = spread(
    (await perCall(async () => checkAll(), 20, rounds)).map((us) => us / checkable.length),
  );

  // The real replay path: the replay target and the scenario executor, as the catalog runs them.
  const { createReplayTarget } = await import("../src/targets/replay.ts");
  const target = await createReplayTarget(contract);
  const deviations = loadDeviations(target.family);
  const replayAll = async () => {
    let exchanges = 0;
    for (const scenario of CATALOG) {
      const outcome = await executeScenario(target, scenario, deviations);
      if (outcome.verdict === "fails" || outcome.verdict === "error") {
        throw new Error(
          `${scenario.id} ended ${outcome.verdict} in replay: ${outcome.reason ?? ""}`,
        );
      }
      exchanges += outcome.exchanges.length;
    }
    return exchanges;
  };
  const exchanges = await replayAll(); // Warm-up: compiles the schemas, fills caches.
  const harness = await timedRounds(replayAll, rounds);
  await target.close();
  progress(`exchange harness: ${round(harness.wall.median / exchanges)} µs per exchange`);

  // nock and the transport alone: the interceptors replay.ts defines, fetched in recorded order.
  const nockOnly = await nockReplay(
    recorded.map((r) => r.exchanges),
    cassette.bodyText,
    createTransport,
  );
  const nock = await timedRounds(nockOnly, rounds);

  return {
    exchanges,
    harnessUs: scaled(harness.wall, exchanges),
    harnessCpuUs: scaled(harness.cpu, exchanges),
    checksUs,
    nockUs: scaled(nock.wall, all.length),
    nockCpuUs: scaled(nock.cpu, all.length),
    bareFetchUs,
    transportFetchUs,
    floorBodyBytes: Buffer.byteLength(floorBody),
    ratio: round(harness.wall.median / exchanges / bareFetchUs.median, 1),
    mockAgentUs: scaled(mockAgent.wall, all.length),
    mockAgentCpuUs: scaled(mockAgent.cpu, all.length),
    importMs: round(importMs),
    loadContractMs: round(loadContractMs),
    dereferenceMs: round(dereferenceMs),
  };
}

function listen(body: string): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(body);
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** µs per call of `fn`, one figure per round of `calls` calls, after a warm-up round. */
async function perCall(fn: () => Promise<void>, calls: number, rounds: number): Promise<number[]> {
  for (let i = 0; i < calls; i++) await fn();
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) await fn();
    out.push(((performance.now() - start) * 1000) / calls);
  }
  return out;
}

/** Wall and CPU time (µs) of each round of `fn`. */
async function timedRounds(fn: () => Promise<unknown>, rounds: number) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await fn();
    wall.push((performance.now() - start) * 1000);
    const used = process.cpuUsage(cpuStart);
    cpu.push(used.user + used.system);
  }
  return { wall: spread(wall), cpu: spread(cpu) };
}

function scaled(s: Spread, count: number): Spread {
  return {
    median: round(s.median / count),
    min: round(s.min / count),
    max: round(s.max / count),
    n: s.n,
  };
}

function exchangeOf(
  e: RecordedExchange,
  bodyText: (part: { body?: unknown; bodyText?: string }) => string,
): Exchange {
  return {
    ...(e.operationId && { operationId: e.operationId }),
    request: { method: e.request.method, url: e.request.url, headers: e.request.headers },
    response: {
      status: e.response.status,
      headers: e.response.headers,
      bodyText: bodyText(e.response),
    },
  };
}

/** spec/ dereferenced by swagger-parser without validation, ms. */
async function dereferenceOnly(): Promise<number> {
  const { default: SwaggerParser } = await import("@apidevtools/swagger-parser");
  const dir = join(ROOT, "spec");
  const files = (await readdir(dir)).filter((f) => f.endsWith(".openapi.yaml"));
  const start = performance.now();
  for (const file of files) await SwaggerParser.dereference(join(dir, file));
  return performance.now() - start;
}

/** Canonical JSON text, as src/targets/replay.ts compares request bodies. */
function canonical(body: unknown): string {
  if (typeof body !== "string") return JSON.stringify(body);
  try {
    return JSON.stringify(JSON.parse(body));
  } catch {
    return body;
  }
}

/**
 * The same exchanges replayed by undici's MockAgent (one interceptor per exchange, body
 * matched as canonical JSON), fetched in recorded order with the body drained as the
 * transport does: what replay would cost without nock.
 */
async function mockAgentReplay(
  cassettes: RecordedExchange[][],
  bodyText: (part: { body?: unknown; bodyText?: string }) => string,
): Promise<() => Promise<void>> {
  const { MockAgent } = await import("undici");
  return async () => {
    for (const exchanges of cassettes) {
      const agent = new MockAgent();
      agent.disableNetConnect();
      for (const exchange of exchanges) {
        const target = new URL(exchange.request.url);
        const expected = canonical(bodyText(exchange.request));
        agent
          .get(target.origin)
          .intercept({
            path: `${target.pathname}${target.search}`,
            method: exchange.request.method,
            body: (body: string) => canonical(body ?? "") === expected,
          })
          .reply(exchange.response.status, bodyText(exchange.response), {
            headers: exchange.response.headers,
          });
      }
      const dispatcher = agent as unknown as RequestInit["dispatcher"];
      for (const exchange of exchanges) {
        const body = bodyText(exchange.request);
        const response = await fetch(exchange.request.url, {
          method: exchange.request.method,
          headers: exchange.request.headers,
          ...(body !== "" && { body }),
          dispatcher,
        } as RequestInit);
        await response.clone().arrayBuffer();
        await response.text();
      }
      agent.assertNoPendingInterceptors();
      await agent.close();
    }
  };
}

/**
 * Replays each cassette's exchanges with the interceptors src/targets/replay.ts defines
 * (one per exchange, body matched as canonical JSON), through the project's transport.
 */
async function nockReplay(
  cassettes: RecordedExchange[][],
  bodyText: (part: { body?: unknown; bodyText?: string }) => string,
  createTransport: typeof import("../src/transport/transport.ts").createTransport,
): Promise<() => Promise<void>> {
  const { default: nock } = await import("nock");
  nock.disableNetConnect();
  const transport = createTransport({});
  return async () => {
    for (const exchanges of cassettes) {
      const scopes = exchanges.map((exchange) => {
        const target = new URL(exchange.request.url);
        const expected = bodyText(exchange.request);
        return nock(target.origin)
          .intercept(
            `${target.pathname}${target.search}`,
            exchange.request.method,
            (body: unknown) => canonical(body) === canonical(expected),
          )
          .reply(exchange.response.status, bodyText(exchange.response), exchange.response.headers);
      });
      for (const exchange of exchanges) {
        const body = bodyText(exchange.request);
        const response = await transport.fetch(exchange.request.url, {
          method: exchange.request.method,
          headers: exchange.request.headers,
          ...(body !== "" && { body }),
        });
        await response.text();
      }
      const unused = scopes.flatMap((scope) => scope.pendingMocks());
      if (unused.length > 0)
        throw new Error(`nock replay left ${unused.length} unused: ${unused[0]}`);
      nock.cleanAll();
    }
  };
}
