import type { ApiVersion } from "../clients/versions.ts";
import {
  type JudgedFinding,
  type ScenarioOutcome,
  TIME_TO_AGREE,
  type Verdict,
} from "../engine/outcome.ts";
import { baseIdOf, OPERATIONS, type OperationUnderTest, shortId } from "../engine/scenario.ts";
import type { Mode } from "../engine/target.ts";
import type { Leftover } from "../resources/cleanup.ts";
import type { Exchange } from "../transport/exchange.ts";
import type { Partition } from "./partition.ts";

/** What every report says about the run as a whole. */
export interface RunInfo {
  target: string;
  family: string;
  mode: Mode;
  startedAt: Date;
  finishedAt: Date;
  /** What the run as a whole created (the shared server) and could not remove. */
  leftovers?: Leftover[];
  /** Ledger entries a run of the whole catalog left unused: they fail the run. */
  staleDeviations?: string[];
  /** The shard and selection the run ran, for merge. */
  partition?: Partition;
  /** In a merge: the shards missing or cut short. They fail it, whatever the verdicts say. */
  incomplete?: string[];
}

/** A count with its noun, singular for one: "1 scenario", "2 scenarios", "0 scenarios". */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

export type Tally = Record<Verdict, number> & { total: number };

/** A set of figures in ms: how many, the median and the 95th percentile (nearest rank). */
export interface Spread {
  n: number;
  medianMs: number;
  p95Ms: number;
}

export function spreadOf(figures: number[]): Spread | undefined {
  if (figures.length === 0) return undefined;
  const sorted = [...figures].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { n: sorted.length, medianMs: rank(0.5), p95Ms: rank(0.95) };
}

/** Per operation: the time from a detach's answer until both APIs agreed, where measured. */
export function timeToAgree(
  outcomes: ScenarioOutcome[],
): Partial<Record<OperationUnderTest, Spread>> {
  const out: Partial<Record<OperationUnderTest, Spread>> = {};
  for (const operation of OPERATIONS) {
    const figures = outcomes
      .filter((o) => o.scenario.operation === operation)
      .map((o) => o.measurements?.[TIME_TO_AGREE])
      .filter((ms) => ms !== undefined);
    const spread = spreadOf(figures);
    if (spread) out[operation] = spread;
  }
  return out;
}

export function tally(outcomes: ScenarioOutcome[]): Tally {
  const counts: Tally = { total: 0, conforms: 0, deviation: 0, fails: 0, error: 0, skipped: 0 };
  for (const outcome of outcomes) {
    counts[outcome.verdict] += 1;
    counts.total += 1;
  }
  return counts;
}

/** The line CI reads: deviations count as passed, errors as failed. */
export function summaryLine(counts: Tally): string {
  const passed = counts.conforms + counts.deviation;
  const failed = counts.fails + counts.error;
  return `${passed} passed, ${failed} failed, ${counts.skipped} skipped`;
}

export function callUnderTest(outcome: ScenarioOutcome): Exchange | undefined {
  return outcome.callIndex === undefined ? undefined : outcome.exchanges[outcome.callIndex];
}

/** Failed findings no deviation entry explains: what made the verdict `fails`. */
export function unexplained(outcome: ScenarioOutcome): JudgedFinding[] {
  return outcome.findings.filter((finding) => !finding.ok && !finding.deviation);
}

/** Failed findings a reviewed deviation entry explains. */
export function explained(outcome: ScenarioOutcome): JudgedFinding[] {
  return outcome.findings.filter((finding) => !finding.ok && finding.deviation);
}

/** Ledger ids that explain a failed check of the call under test: what makes a `deviation`. */
export function ownDeviations(outcome: ScenarioOutcome): string[] {
  return [
    ...new Set(
      explained(outcome)
        .filter((finding) => !finding.support)
        .map((finding) => finding.deviation ?? ""),
    ),
  ];
}

/**
 * Known deviations met by set-up calls (a `showVolume` 404 before the call under test), once
 * per call and entry. They say nothing of the call under test, so they are labelled as the
 * set-up call's and kept apart from the verdict: "set-up call showVolume: known deviation x".
 */
export function setUpDeviationNotes(outcome: ScenarioOutcome): string[] {
  return [
    ...new Set(
      explained(outcome)
        .filter((finding) => finding.support)
        .map(
          (finding) => `set-up call ${finding.operationId}: known deviation ${finding.deviation}`,
        ),
    ),
  ];
}

export function checkName(finding: JudgedFinding): string {
  return finding.support ? `${finding.check} (set-up call ${finding.operationId})` : finding.check;
}

/**
 * Why a scenario is red, as plain text: the call under test, each unexplained failed finding with
 * what the contract says and what came back, the reason, and where the case is documented.
 */
export function failureDetails(outcome: ScenarioOutcome): string {
  const call = callUnderTest(outcome);
  const lines = [
    call
      ? `request: ${call.request.method} ${call.request.url} → ${call.response.status} (expected ${outcome.expected.status})`
      : "request: the call under test was not made",
  ];
  for (const finding of unexplained(outcome)) {
    lines.push(
      `${checkName(finding)}: ${finding.message}`,
      `  expected: ${finding.expected ?? ""}`,
      `  actual:   ${finding.actual ?? ""}`,
    );
  }
  if (outcome.reason) lines.push(`reason: ${outcome.reason}`);
  lines.push(`documented: ${outcome.scenario.documented}`);
  return lines.join("\n");
}

/** `expected → seen` status of the call under test; `–` when it was not made. */
export function statusPair(outcome: ScenarioOutcome): string {
  return `${outcome.expected.status} → ${callUnderTest(outcome)?.response.status ?? "–"}`;
}

/** An element id for a case, safe in any URL fragment: `s-e12c3afc-newest`, `s-e12c3afc-3-0`. */
export function anchorOf(id: string): string {
  return `s-${shortId(id).replace(/[^\w-]/g, "-")}`;
}

/** The cases of one versioned scenario, one slot per version asked for (empty where it does not run). */
export interface VersionRow<T> {
  baseId: string;
  cases: (T | undefined)[];
}

/** Groups the cases of versioned scenarios by scenario, for a grid of version × scenario. */
export function versionRows<T>(
  items: readonly T[],
  versions: readonly ApiVersion[],
  caseOf: (item: T) => { id: string; version?: ApiVersion | undefined },
): VersionRow<T>[] {
  const rows = new Map<string, VersionRow<T>>();
  for (const item of items) {
    const { id, version } = caseOf(item);
    if (!version || !versions.includes(version)) continue;
    const baseId = baseIdOf(id);
    const row = rows.get(baseId) ?? { baseId, cases: versions.map(() => undefined) };
    row.cases[versions.indexOf(version)] = item;
    rows.set(baseId, row);
  }
  return [...rows.values()];
}
