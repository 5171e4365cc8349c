import type { ApiVersion } from "../clients/versions.ts";
import type { JudgedFinding, ScenarioOutcome, Verdict } from "../engine/outcome.ts";
import { GREEN } from "../engine/outcome.ts";
import type { Category, OperationUnderTest } from "../engine/scenario.ts";
import { renderRedacted } from "../redaction/redact.ts";
import type { Exchange } from "../transport/exchange.ts";
import { type RunVerdict, runVerdict } from "./exit-codes.ts";
import type { Partition } from "./partition.ts";
import {
  callUnderTest,
  type RunInfo,
  type Spread,
  type Tally,
  tally,
  timeToAgree,
} from "./report-data.ts";
import { withMatteringHeaders } from "./reproduce.ts";

/**
 * `results.json`, described by `results.schema.json`. Raise the version on any change a reader
 * could notice other than a new optional field; `scripts/ci/summary.ts` reads `summary` and `scenarios`.
 */
export const RESULTS_SCHEMA_VERSION = 2;

/** The schema's path in the repository, named by each file as its `$schema`. */
export const RESULTS_SCHEMA_PATH = "src/reports/results.schema.json";

export interface ResultsFile {
  $schema?: typeof RESULTS_SCHEMA_PATH;
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  run: {
    target: string;
    family: string;
    mode: RunInfo["mode"];
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    /** What the run as a whole created (the shared server) and could not remove. */
    leftovers?: { label: string; error: string }[];
    /** The run as its exit code says it: green, failed, or judged nothing (every case skipped). */
    verdict?: RunVerdict;
    /** Ledger entries a run of the whole catalog left unused: they fail the run. */
    staleDeviations?: string[];
    /** `--shard i/n`; absent for a run that was not split. */
    shard?: NonNullable<Partition["shard"]>;
    /** The cases selected before the split: merge checks that every shard of it is there. */
    selection?: Partition["selection"];
    /** In a merge: the shards missing or cut short; they make the verdict `failed`. */
    incomplete?: string[];
  };
  summary: Tally;
  scenarios: ScenarioResult[];
  /** Per operation, where cases measured it: how long until both APIs agreed after a detach. */
  timeToAgree?: Partial<Record<OperationUnderTest, Spread>>;
}

export interface ScenarioResult {
  id: string;
  /** In a file that merges runs on several targets: the target of this entry. */
  target?: string;
  title: string;
  operation: OperationUnderTest;
  category: Category;
  documented: string;
  /** For a case of a versioned scenario: its version, and the microversion it sent. */
  version?: ApiVersion;
  microversion?: string;
  verdict: Verdict;
  reason?: string;
  expected: { status: number; fault?: string };
  /** The call under test; `null` when the scenario never made it (skipped, set-up error). */
  call: CallSummary | null;
  findings: JudgedFinding[];
  leftovers: { label: string; error: string }[];
  durationMs: number;
  measurements?: Record<string, number>;
  /**
   * Only for a scenario that is not green: every exchange, redacted, with the headers that
   * matter for reproducing it, so that the failure can be read and repeated from this file.
   */
  exchanges?: Exchange[];
  /** Index of the call under test in `exchanges`. */
  callIndex?: number;
  /** Set when a rerun (`--failed`) gave this result in place of the earlier run's. */
  rerun?: true;
}

/** Only the content type of either side: every other header may be or hold a credential. */
export interface CallSummary {
  request: { method: string; path: string; contentType?: string };
  response: { status: number; contentType?: string };
}

export function renderResults(
  outcomes: ScenarioOutcome[],
  run: RunInfo,
  knownSecrets: string[] = [],
): string {
  const several = new Set(outcomes.map((outcome) => outcome.target.name)).size > 1;
  return renderRedacted(outcomes, knownSecrets, (clean) => {
    const file: ResultsFile = {
      $schema: RESULTS_SCHEMA_PATH,
      schemaVersion: RESULTS_SCHEMA_VERSION,
      run: {
        target: run.target,
        family: run.family,
        mode: run.mode,
        startedAt: run.startedAt.toISOString(),
        finishedAt: run.finishedAt.toISOString(),
        durationMs: run.finishedAt.getTime() - run.startedAt.getTime(),
        ...(run.leftovers && {
          leftovers: run.leftovers.map(({ label, error }) => ({ label, error })),
        }),
        verdict: runVerdict(clean, run.staleDeviations, run.incomplete),
        ...(run.staleDeviations && { staleDeviations: run.staleDeviations }),
        ...(run.partition?.shard && { shard: run.partition.shard }),
        ...(run.partition && { selection: run.partition.selection }),
        ...(run.incomplete && { incomplete: run.incomplete }),
      },
      summary: tally(clean),
      scenarios: clean.map((outcome) => scenarioResult(outcome, several)),
    };
    const agreed = timeToAgree(clean);
    if (Object.keys(agreed).length > 0) file.timeToAgree = agreed;
    return `${JSON.stringify(file, null, 2)}\n`;
  });
}

function scenarioResult(outcome: ScenarioOutcome, withTarget: boolean): ScenarioResult {
  const { scenario } = outcome;
  return {
    id: scenario.id,
    ...(withTarget && { target: outcome.target.name }),
    title: scenario.title,
    operation: scenario.operation,
    category: scenario.category,
    documented: scenario.documented,
    ...(scenario.version !== undefined && { version: scenario.version }),
    ...(scenario.microversion !== undefined && { microversion: scenario.microversion }),
    verdict: outcome.verdict,
    ...(outcome.reason !== undefined && { reason: outcome.reason }),
    expected: {
      status: outcome.expected.status,
      ...(outcome.expected.fault !== undefined && { fault: outcome.expected.fault }),
    },
    call: callSummary(outcome),
    // Picked field by field, so a field added to findings later is not published unreviewed.
    findings: outcome.findings.map((f) => ({
      check: f.check,
      ok: f.ok,
      message: f.message,
      ...(f.expected !== undefined && { expected: f.expected }),
      ...(f.actual !== undefined && { actual: f.actual }),
      operationId: f.operationId,
      support: f.support,
      ...(f.deviation !== undefined && { deviation: f.deviation }),
    })),
    leftovers: outcome.leftovers.map(({ label, error }) => ({ label, error })),
    durationMs: outcome.durationMs,
    ...(outcome.measurements && { measurements: outcome.measurements }),
    ...(!GREEN.includes(outcome.verdict) && reproduction(outcome)),
  };
}

function reproduction(outcome: ScenarioOutcome): Pick<ScenarioResult, "exchanges" | "callIndex"> {
  return {
    // Picked field by field, as the findings are.
    exchanges: outcome.exchanges.map(withMatteringHeaders).map((e) => ({
      ...(e.operationId !== undefined && { operationId: e.operationId }),
      request: {
        method: e.request.method,
        url: e.request.url,
        headers: e.request.headers,
        ...(e.request.body !== undefined && { body: e.request.body }),
      },
      response: {
        status: e.response.status,
        headers: e.response.headers,
        bodyText: e.response.bodyText,
      },
      ...(e.retried !== undefined && { retried: e.retried }),
    })),
    ...(outcome.callIndex !== undefined && { callIndex: outcome.callIndex }),
  };
}

function callSummary(outcome: ScenarioOutcome): CallSummary | null {
  const call = callUnderTest(outcome);
  if (!call) return null;
  const requestType = contentType(call.request.headers);
  const responseType = contentType(call.response.headers);
  return {
    request: {
      method: call.request.method,
      path: pathOf(call.request.url),
      ...(requestType !== undefined && { contentType: requestType }),
    },
    response: {
      status: call.response.status,
      ...(responseType !== undefined && { contentType: responseType }),
    },
  };
}

/** Recorded exchanges use lower-case names, hand-written ones may not. */
function contentType(headers: Record<string, string>): string | undefined {
  return Object.entries(headers).find(([name]) => name.toLowerCase() === "content-type")?.[1];
}

/** The path only: the host says nothing about conformance and a query string may carry secrets. */
function pathOf(url: string): string {
  return new URL(url, "http://relative.invalid").pathname;
}
