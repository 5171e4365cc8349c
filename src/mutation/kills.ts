import { verdictOf } from "../engine/execute.ts";
import { GREEN, type ScenarioOutcome, type Verdict } from "../engine/outcome.ts";
import { shortId } from "../engine/scenario.ts";
import type { Mutant } from "./core.ts";

// What a mutant's scenario runs show: a kill is a named check that fails on the mutated
// answer. A scenario that only ended in `error` (a gateway 502, a time-out, a proxy that could
// not reach the target) proves no check caught anything: it is a broken run, reported apart,
// run once more, and it fails the gate if it stays.

/** A check taken out of the suite, to show what the matrix then no longer catches. */
export interface CheckRemoval {
  check: string;
  /** Only in scenarios of this operation under test. */
  operation?: string;
}

export interface ScenarioRun {
  id: string;
  baseline: Verdict;
  mutated: Verdict;
  /** The named checks that failed and killed the mutant (`check` or `check (operationId)`). */
  killedBy: string[];
  /** Set when the run turned red with no failed check: why it could not judge, in short. */
  errorOnly?: string;
  /** Whether this is the second run of a scenario that the first run left error-only. */
  rerun?: boolean;
  /** Deviation entries that explained a failure the baseline did not have. */
  newDeviations: string[];
  /** Cleanup steps that failed (`label: error`); live, something may be left on the target. */
  leftovers: string[];
}

/**
 * `error-only`: no check failed, yet some scenario could not judge even when run again; the
 * run is broken, the mutant neither killed nor shown to survive.
 */
export type MutantStatus =
  | "killed"
  | "survived"
  | "error-only"
  | "equivalent"
  | "equivalent-killed";

export interface MutantResult {
  id: string;
  description: string;
  operations: readonly string[];
  equivalent?: string;
  status: MutantStatus;
  scenarios: ScenarioRun[];
  /** Why a mutant survived or stayed error-only, or why an equivalent one did not survive. */
  reason?: string;
  durationMs: number;
}

export interface MatrixSummary {
  mutants: number;
  equivalent: number;
  /** Mutants that are not equivalent: the kill rate's denominator. */
  scored: number;
  killed: number;
  survived: number;
  /** Mutants with no kill and an error-only scenario left after the second run. */
  errorOnlyMutants: number;
  /** Scenario runs, over all mutants, that stayed error-only after the second run. */
  errorOnlyRuns: number;
  /** Equivalent mutants some scenario killed: the suite rejects what the contract allows. */
  equivalentKilled: number;
  /** killed / scored, 0…1. */
  killRate: number;
}

/** The verdict with the removed checks' findings left out. */
export function judge(outcome: ScenarioOutcome, without: readonly CheckRemoval[]): Verdict {
  if (without.length === 0 || outcome.verdict === "skipped") return outcome.verdict;
  const findings = outcome.findings.filter((finding) => !removed(without, finding.check, outcome));
  const error =
    outcome.verdict === "error" || outcome.verdict === "fails" ? outcome.reason : undefined;
  return verdictOf(findings, error);
}

function removed(without: readonly CheckRemoval[], check: string, outcome: ScenarioOutcome) {
  return without.some(
    (r) => r.check === check && (!r.operation || r.operation === outcome.scenario.operation),
  );
}

const isGreen = (verdict: Verdict | undefined) =>
  verdict !== undefined && verdict !== "skipped" && GREEN.includes(verdict);
const isRed = (verdict: Verdict) => verdict === "fails" || verdict === "error";

/** One scenario's run with the mutant, against its green or red baseline. */
function scenarioRun(
  outcome: ScenarioOutcome,
  baselineOutcome: ScenarioOutcome | undefined,
  baselineVerdicts: Map<string, Verdict>,
  without: readonly CheckRemoval[],
): ScenarioRun {
  const id = outcome.scenario.id;
  const baseline = baselineVerdicts.get(id) ?? "error";
  const mutated = judge(outcome, without);
  const failed = outcome.findings.filter(
    (f) => !f.ok && !f.deviation && !removed(without, f.check, outcome),
  );
  const turned = isGreen(baseline) && isRed(mutated);
  const killedBy = turned
    ? [...new Set(failed.map((f) => (f.support ? `${f.check} (${f.operationId})` : f.check)))]
    : [];
  const known = new Set(baselineOutcome?.findings.map((f) => f.deviation).filter(Boolean));
  const newDeviations = [
    ...new Set(
      outcome.findings
        .map((f) => f.deviation)
        .filter((d): d is string => d !== undefined && !known.has(d)),
    ),
  ];
  return {
    id,
    baseline,
    mutated,
    killedBy,
    ...(turned && killedBy.length === 0 && { errorOnly: errorGist(outcome.reason ?? "") }),
    newDeviations,
    leftovers: outcome.leftovers.map((l) => `${l.label}: ${l.error}`),
  };
}

/** The scenarios whose run was green without the mutant and only errored with it. */
export function errorOnlyIds(
  outcomes: readonly ScenarioOutcome[],
  baselineVerdicts: Map<string, Verdict>,
  without: readonly CheckRemoval[],
): string[] {
  return outcomes
    .filter((o) => scenarioRun(o, undefined, baselineVerdicts, without).errorOnly !== undefined)
    .map((o) => o.scenario.id);
}

/**
 * Classifies a mutant from its scenario runs; `rerun` holds the second runs of the scenarios
 * the first one left error-only, and replaces them.
 */
export function classifyMutant(
  mutant: Mutant,
  outcomes: readonly ScenarioOutcome[],
  rerun: readonly ScenarioOutcome[],
  baselineOutcomes: readonly ScenarioOutcome[],
  baselineVerdicts: Map<string, Verdict>,
  without: readonly CheckRemoval[],
  durationMs: number,
): MutantResult {
  const before = new Map(baselineOutcomes.map((o) => [o.scenario.id, o]));
  const again = new Map(rerun.map((o) => [o.scenario.id, o]));
  const scenarios = outcomes.map((first) => {
    const outcome = again.get(first.scenario.id) ?? first;
    const run = scenarioRun(outcome, before.get(outcome.scenario.id), baselineVerdicts, without);
    return again.has(first.scenario.id) ? { ...run, rerun: true } : run;
  });
  const killed = scenarios.some((s) => s.killedBy.length > 0);
  const broken = scenarios.filter((s) => s.errorOnly !== undefined);
  const base = {
    id: mutant.id,
    description: mutant.description,
    operations: mutant.operations,
    ...(mutant.equivalent && { equivalent: mutant.equivalent }),
    scenarios,
    durationMs,
  };
  if (mutant.equivalent) {
    if (killed) {
      return {
        ...base,
        status: "equivalent-killed",
        reason: `the contract allows this answer, yet ${killers(scenarios)} rejected it: a check is stricter than the documents`,
      };
    }
    return broken.length > 0 ? errorOnlyResult(base, broken) : { ...base, status: "equivalent" };
  }
  if (killed) return { ...base, status: "killed" };
  if (broken.length > 0) return errorOnlyResult(base, broken);
  return { ...base, status: "survived", reason: survivalReason(mutant, scenarios) };
}

function errorOnlyResult(base: Omit<MutantResult, "status">, broken: ScenarioRun[]): MutantResult {
  return {
    ...base,
    status: "error-only",
    reason: `no check failed; ${broken.length} scenario(s) could not judge, twice: ${errorOnlyList(broken)}`,
  };
}

function survivalReason(mutant: Mutant, scenarios: ScenarioRun[]): string {
  if (scenarios.length === 0) {
    return `no scenario exercises it: none calls ${mutant.operations.join(" or ")} during ${mutant.phases.join(" or ")}`;
  }
  const judged = scenarios.filter((s) => isGreen(s.baseline));
  if (judged.length === 0) {
    return `the scenarios that exercise it (${ids(scenarios)}) were not green without the mutant (${summarise(scenarios.map((s) => s.baseline))}), so none can tell`;
  }
  const hidden = [...new Set(judged.flatMap((s) => s.newDeviations))];
  if (hidden.length > 0) {
    return `a check is too weak or a deviation too broad: ${ids(judged)} stayed green, the change taken for the known deviation(s) ${hidden.join(", ")}`;
  }
  const changes = judged.map((s) => `${shortId(s.id)} ${s.baseline}→${s.mutated}`);
  return `a check is too weak: ${judged.length} scenario(s) exercise it and stayed green (${changes.join(", ")})`;
}

/** Scenarios that killed, with the checks that did. */
export function killers(scenarios: readonly ScenarioRun[]): string {
  return scenarios
    .filter((s) => s.killedBy.length > 0)
    .map((s) => `${shortId(s.id)} (${s.killedBy.join(", ")})`)
    .join(", ");
}

/** How many scenarios each named check killed the mutant in, most first. */
export function killsByCheck(scenarios: readonly ScenarioRun[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const run of scenarios) {
    for (const check of run.killedBy) counts.set(check, (counts.get(check) ?? 0) + 1);
  }
  return [...counts].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
}

/** Error-only scenarios, grouped by what stopped them. */
export function errorOnlyList(scenarios: readonly ScenarioRun[], max = 4): string {
  const groups = new Map<string, string[]>();
  for (const run of scenarios) {
    if (run.errorOnly === undefined) continue;
    groups.set(run.errorOnly, [...(groups.get(run.errorOnly) ?? []), shortId(run.id)]);
  }
  return [...groups]
    .map(([gist, list]) => {
      const more = list.length > max ? ` +${list.length - max}` : "";
      return `${list.slice(0, max).join(" ")}${more} (${gist})`;
    })
    .join("; ");
}

const ids = (scenarios: ScenarioRun[]) => scenarios.map((s) => shortId(s.id)).join(", ");

export function summarise(verdicts: Verdict[]): string {
  const counts = new Map<Verdict, number>();
  for (const v of verdicts) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${n} ${v}`).join(", ");
}

/** An error reason without URLs, paths and ids, short enough to group scenarios by it. */
function errorGist(reason: string, max = 90): string {
  const line = reason
    .replace(/https?:\/\/\S+/g, "…")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>")
    .replace(/\s+/g, " ")
    .trim();
  const cut = line.search(/: [{[<]/);
  const gist = cut > 0 ? line.slice(0, cut) : line;
  return gist.length > max ? `${gist.slice(0, max)}…` : gist;
}

export function summary(results: readonly MutantResult[]): MatrixSummary {
  const count = (status: MutantStatus) => results.filter((r) => r.status === status).length;
  const equivalent = results.filter((r) => r.equivalent !== undefined).length;
  const killed = count("killed");
  const scored = results.length - equivalent;
  return {
    mutants: results.length,
    equivalent,
    scored,
    killed,
    survived: count("survived"),
    errorOnlyMutants: count("error-only"),
    errorOnlyRuns: results.flatMap((r) => r.scenarios).filter((s) => s.errorOnly !== undefined)
      .length,
    equivalentKilled: count("equivalent-killed"),
    killRate: scored === 0 ? 1 : killed / scored,
  };
}
