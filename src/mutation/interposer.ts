import type { Interposer } from "../engine/target.ts";
import { headersToRecord } from "../transport/exchange.ts";
import type { Classifier } from "./classify.ts";
import { type Mutant, newMemory, respond, type WireRequest, type WireResponse } from "./core.ts";
import { trackerOf } from "./phases.ts";

/**
 * Requests per `phase METHOD url` of each scenario, the `phase operationId` pairs it made,
 * and the headers of its GETs per URL (replay matches them, microversions included).
 */
export interface Observation {
  counts: Map<string, Map<string, number>>;
  touched: Map<string, Set<string>>;
  getHeaders: Map<string, Map<string, RequestInit["headers"]>>;
}

export function newObservation(): Observation {
  return { counts: new Map(), touched: new Map(), getHeaders: new Map() };
}

export interface ReplayMutationOptions {
  /** Without one, the interposer only observes (the baseline run). */
  mutant?: Mutant;
  classify: Classifier;
  /** What the unmutated run of each scenario requested; without it, nothing is evened out. */
  baseline?: Observation;
  /** Filled with what this run requests. */
  observed: Observation;
}

/**
 * Mutates the replayed responses. A cassette holds what the real server answered to the
 * requests of the unmutated run, once each, so a mutant that makes a waiter poll longer
 * would run out of recordings, and one that makes it poll less would leave some unused.
 * Both are evened out per phase against the unmutated run: a GET beyond the recorded number
 * gets the last answer again (a server stuck in a state keeps saying so), and GETs the phase
 * did not make are made when it ends, so that the clean-up replays exactly as recorded.
 */
export function replayMutation(options: ReplayMutationOptions): Interposer {
  return (fetchFn, scenario) => {
    const tracker = trackerOf(scenario);
    if (!tracker) throw new Error(`scenario ${scenario.id} is not tracked; wrap it with tracked()`);
    const memory = newMemory(scenario.operation);
    const counts = new Map<string, number>();
    const touched = new Set<string>();
    options.observed.counts.set(scenario.id, counts);
    options.observed.touched.set(scenario.id, touched);
    const recorded = options.baseline?.counts.get(scenario.id);
    const last = new Map<string, WireResponse>();
    const sentHeaders = new Map<string, RequestInit["headers"]>();
    options.observed.getHeaders.set(scenario.id, sentHeaders);
    const recordedHeaders = options.baseline?.getHeaders.get(scenario.id);

    tracker.onChange(async (left) => {
      for (const [key, wanted] of recorded ?? []) {
        const [phase, method, url] = key.split(" ");
        if (phase !== left || method !== "GET" || !url) continue;
        for (let made = counts.get(key) ?? 0; made < wanted; made++) {
          await (
            await fetchFn(url, {
              method: "GET",
              headers: recordedHeaders?.get(url) ?? { accept: "application/json" },
            })
          ).text();
        }
      }
    });

    return (async (input: string | URL | Request, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      const method = (init?.method ?? "GET").toUpperCase();
      const phase = tracker.phase;
      const key = `${phase} ${method} ${url}`;
      if (method === "GET") sentHeaders.set(url, init?.headers);
      const made = (counts.get(key) ?? 0) + 1;
      counts.set(key, made);
      const { pathname, search } = new URL(url);
      const body = typeof init?.body === "string" ? init.body : "";
      const request: WireRequest = {
        method,
        path: `${pathname}${search}`,
        body,
        operationId: options.classify(method, `${pathname}${search}`, body),
        phase,
      };
      if (request.operationId) touched.add(`${phase} ${request.operationId}`);
      const again = last.get(`${method} ${url}`);
      const allowed = recorded?.get(key);
      if (method === "GET" && again && allowed !== undefined && made > allowed) {
        return toResponse(again);
      }
      const response = await fetchFn(input, init);
      const real: WireResponse = {
        status: response.status,
        headers: headersToRecord(response.headers),
        body: await response.text(),
      };
      const answer = respond(options.mutant, request, real, memory);
      last.set(`${method} ${url}`, answer);
      return toResponse(answer);
    }) as typeof fetch;
  };
}

/** Statuses whose responses carry no body: the Response constructor refuses one. */
const NULL_BODY = [101, 204, 205, 304];

export function toResponse(answer: WireResponse): Response {
  const body = answer.body === "" || NULL_BODY.includes(answer.status) ? null : answer.body;
  const headers = { ...answer.headers };
  delete headers["content-length"];
  return new Response(body, { status: answer.status, headers });
}
