import type { Finding } from "../checks/types.ts";
import type { ApiVersion } from "../clients/versions.ts";
import type { Leftover } from "../resources/cleanup.ts";
import type { Exchange } from "../transport/exchange.ts";
import type { Category, OperationUnderTest } from "./scenario.ts";

/**
 * `conforms` and `deviation` (every failure listed in the reviewed deviations file) are green;
 * `fails` means the server answered against the contract; `error` means the run could not
 * judge (network, timeout in set-up, stale cassette, a gateway's 502/503/504 or a 429 on the
 * call under test — see unjudgeable.ts —, an expired token that could not be renewed, an
 * interrupted run); `skipped` says why it did not run.
 */
export type Verdict = "conforms" | "deviation" | "fails" | "error" | "skipped";

export interface JudgedFinding extends Finding {
  operationId: string;
  /** True for findings on set-up and state calls rather than the operation under test. */
  support: boolean;
  /** Id of the deviation entry that explains this failure. */
  deviation?: string;
}

export interface ScenarioOutcome {
  scenario: {
    id: string;
    title: string;
    operation: OperationUnderTest;
    category: Category;
    documented: string;
    /** For a case of a versioned scenario: the version, and the microversion it sent. */
    version?: ApiVersion;
    microversion?: string;
  };
  target: { name: string; family: string; mode: string };
  verdict: Verdict;
  /** Why it was skipped, or what went wrong for `error`. */
  reason?: string;
  expected: { status: number; fault?: string };
  findings: JudgedFinding[];
  /** Every exchange in order; `callIndex` points at the call under test. */
  exchanges: Exchange[];
  callIndex?: number;
  leftovers: Leftover[];
  durationMs: number;
  /** Figures the scenario measured (ms), e.g. `time-to-agree` after a detach. */
  measurements?: Record<string, number>;
}

/** The measurement of the time from a detach's answer until both APIs agree on the volume. */
export const TIME_TO_AGREE = "time-to-agree";

export const GREEN: readonly Verdict[] = ["conforms", "deviation", "skipped"];
