import type { OperationContract } from "../contract/load-spec.ts";
import type { Exchange } from "../transport/exchange.ts";

/** What a scenario expects, derived from the documentation of the case it exercises. */
export interface Expectation {
  status: number;
  /** The fault name of the error envelope, e.g. `itemNotFound`. */
  fault?: string;
}

export interface CheckInput {
  exchange: Exchange;
  operation: OperationContract;
  expected: Expectation;
  /** Response headers the target's family requires beyond the documents (lower-case names). */
  familyHeaders?: readonly string[];
  /**
   * By error status the operation does not document: the schema of spec/common.openapi.yaml
   * (e.g. `ErrorEnvelope`) that a ledger entry of the target's family accepts under it.
   */
  acceptedBodies?: ReadonlyMap<number, string>;
}

/** The outcome of one check on one exchange. */
export interface Finding {
  check: string;
  ok: boolean;
  /** One line: what was checked and what came back. */
  message: string;
  expected?: string;
  actual?: string;
}

/** A named, reusable conformance check, in the spirit of Schemathesis's check registry. */
export interface Check {
  name: string;
  description: string;
  /** `null` when the check does not apply to this exchange (e.g. the envelope on a success). */
  run(input: CheckInput): Finding | null;
}

export function pass(check: string, message: string): Finding {
  return { check, ok: true, message };
}

export function fail(check: string, message: string, expected: string, actual: string): Finding {
  return { check, ok: false, message, expected, actual };
}
