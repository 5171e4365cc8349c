import { randomUUID } from "node:crypto";
import type { Interposer } from "../engine/target.ts";
import type { ProxyRule } from "../interpose/loopback-proxy.ts";
import type { Classifier } from "./classify.ts";
import { type Mutant, newMemory, type RunMemory, respond } from "./core.ts";
import type { Observation } from "./interposer.ts";
import { type PhaseTracker, trackerOf } from "./phases.ts";

/**
 * The header that tells the loopback proxy which scenario run, and so which phase, a
 * request belongs to. The proxy takes it off before the request goes to the server.
 */
export const RUN_HEADER = "x-conformance-mutation-run";

interface LiveRun {
  scenarioId: string;
  tracker: PhaseTracker;
  memory: RunMemory;
  touched: Set<string>;
}

/** The scenario runs in flight, shared by the tagging interposer and the proxy rule. */
export class RunRegistry {
  readonly #runs = new Map<string, LiveRun>();

  constructor(readonly observed: Observation) {}

  open(scenario: Parameters<Interposer>[1]): string {
    const tracker = trackerOf(scenario);
    if (!tracker) throw new Error(`scenario ${scenario.id} is not tracked; wrap it with tracked()`);
    const token = randomUUID();
    const touched = new Set<string>();
    this.observed.touched.set(scenario.id, touched);
    this.#runs.set(token, {
      scenarioId: scenario.id,
      tracker,
      memory: newMemory(scenario.operation),
      touched,
    });
    return token;
  }

  get(token: string | undefined): LiveRun | undefined {
    return token === undefined ? undefined : this.#runs.get(token);
  }
}

/** Tags every request of a scenario run for the proxy; the responses come back untouched. */
export function taggingInterposer(registry: RunRegistry): Interposer {
  return (fetchFn, scenario) => {
    const token = registry.open(scenario);
    return ((input: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set(RUN_HEADER, token);
      return fetchFn(input, { ...init, headers });
    }) as typeof fetch;
  };
}

/**
 * The proxy rule of one mutant (or none, for the baseline): forwards every request to the
 * real server and changes the real answer as the mutant says, in the mutant's phases only.
 */
export function mutationRule(
  mutant: Mutant | undefined,
  classify: Classifier,
  registry: RunRegistry,
): ProxyRule {
  return async (request, forward) => {
    const run = registry.get(request.headers[RUN_HEADER]);
    delete request.headers[RUN_HEADER];
    const real = await forward();
    if (!run) return { kind: "respond", response: real };
    const phase = run.tracker.phase;
    const operationId = classify(request.method, request.path, request.body);
    if (operationId) run.touched.add(`${phase} ${operationId}`);
    const answer = respond(
      mutant,
      { method: request.method, path: request.path, body: request.body, operationId, phase },
      real,
      run.memory,
    );
    return { kind: "respond", response: answer };
  };
}
