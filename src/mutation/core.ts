import type { Scenario } from "../engine/scenario.ts";
import type { Phase } from "./phases.ts";

/** A request as a mutant sees it, on either path (replay interposer or loopback proxy). */
export interface WireRequest {
  method: string;
  /** Path and query as sent, e.g. `/v3/p/volumes/v`. */
  path: string;
  body: string;
  /** The contract operation, when the request is one. */
  operationId: string | undefined;
  phase: Phase;
}

/** A response as a mutant sees and returns it; header names in lower case. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What one scenario run has shown so far, for mutants that depend on it. */
export interface RunMemory {
  /** The scenario's operation under test. */
  operation: string;
  /** The real status of the call under test, once it was answered. */
  callStatus?: number;
  /** The last real response per `METHOD path` before the call under test. */
  before: Map<string, WireResponse>;
}

/**
 * One controlled break of the server's behaviour. `mutate` sees each real response of the
 * named operations in the named phases and returns the broken one, or `undefined` to leave
 * it as it is.
 */
export interface Mutant {
  id: string;
  /** One line: what the broken server does. */
  description: string;
  /** Operation ids whose responses it changes; the matrix runs the scenarios that call them. */
  operations: readonly string[];
  /** When it acts; the call under test is the only request of `act`. */
  phases: readonly Phase[];
  /**
   * Why the documents cannot tell this server from a conforming one. An equivalent mutant
   * must survive (a kill means the suite rejects what the contract allows) and is left out
   * of the kill rate.
   */
  equivalent?: string;
  /**
   * Of the scenarios that call its operations, those it is run on; default all. An answer is
   * equivalent only where the documents allow it: a 200 for a detach they call a success.
   */
  appliesTo?: (scenario: Scenario) => boolean;
  mutate(response: WireResponse, request: WireRequest, memory: RunMemory): WireResponse | undefined;
}

export function newMemory(operation: string): RunMemory {
  return { operation, before: new Map() };
}

/** Applies `mutant` (or nothing) to one real response and remembers what the run has shown. */
export function respond(
  mutant: Mutant | undefined,
  request: WireRequest,
  real: WireResponse,
  memory: RunMemory,
): WireResponse {
  if (request.phase === "arrange") memory.before.set(`${request.method} ${request.path}`, real);
  if (request.phase === "act" && memory.callStatus === undefined) memory.callStatus = real.status;
  if (
    !mutant ||
    request.operationId === undefined ||
    !mutant.operations.includes(request.operationId) ||
    !mutant.phases.includes(request.phase)
  ) {
    return real;
  }
  const copy = { ...real, headers: { ...real.headers } };
  return mutant.mutate(copy, request, memory) ?? real;
}
