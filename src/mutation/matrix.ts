import { openSession } from "../auth/session.ts";
import type { TargetDescription } from "../config/description.ts";
import type { Contract } from "../contract/load-spec.ts";
import { type DeviationFile, loadDeviations } from "../deviations/deviations.ts";
import { verdictOf } from "../engine/execute.ts";
import { GREEN, type ScenarioOutcome, type Verdict } from "../engine/outcome.ts";
import { runScenarios as runEngine } from "../engine/run.ts";
import type { Scenario } from "../engine/scenario.ts";
import type { Interposer, Target } from "../engine/target.ts";
import { startLoopbackProxy, throughProxies } from "../interpose/loopback-proxy.ts";
import { Redactor } from "../redaction/redact.ts";
import type { WaitBudget } from "../resources/waiters.ts";
import { createLiveTarget } from "../targets/live.ts";
import { createTransport } from "../transport/transport.ts";
import { type Classifier, classifier } from "./classify.ts";
import type { Mutant } from "./core.ts";
import { newObservation, type Observation, replayMutation } from "./interposer.ts";
import { MUTANTS } from "./mutants.ts";
import { tracked } from "./phases.ts";
import { mutationRule, RunRegistry, taggingInterposer } from "./proxy-rules.ts";

/** A check taken out of the suite, to show what the matrix then no longer catches. */
export interface CheckRemoval {
  check: string;
  /** Only in scenarios of this operation under test. */
  operation?: string;
}

export interface MatrixOptions {
  mode: "replay" | "live";
  contract: Contract;
  mutants?: readonly Mutant[];
  /** The catalog, or the part of it to mutate. */
  scenarios: readonly Scenario[];
  /** Replay: the cassettes (default tests/cassettes). */
  cassetteDir?: string;
  /** Live: the target; its volume and compute endpoints are put behind loopback proxies. */
  description?: TargetDescription;
  /** Live: the waiters' budget; a mutant that keeps a state makes a waiter spend all of it. */
  budget?: WaitBudget;
  /** Live: how many mutants run at once, each behind its own proxies (replay: always one). */
  parallel?: number;
  without?: readonly CheckRemoval[];
  progress?: (line: string) => void;
}

export interface ScenarioRun {
  id: string;
  baseline: Verdict;
  mutated: Verdict;
  /** What turned it red: failed checks (`check` or `check (operationId)`), or `error: …`. */
  killedBy: string[];
  /** Deviation entries that explained a failure the baseline did not have. */
  newDeviations: string[];
  /** Cleanup steps that failed (`label: error`); live, something may be left on the target. */
  leftovers: string[];
}

export type MutantStatus = "killed" | "survived" | "equivalent" | "equivalent-killed";

export interface MutantResult {
  id: string;
  description: string;
  operations: readonly string[];
  equivalent?: string;
  status: MutantStatus;
  scenarios: ScenarioRun[];
  /** Why a mutant survived, or why an equivalent one did not. */
  reason?: string;
  durationMs: number;
}

export interface MatrixResult {
  mode: "replay" | "live";
  target: string;
  startedAt: string;
  durationMs: number;
  baseline: { id: string; verdict: Verdict; reason?: string; durationMs: number }[];
  baselineMs: number;
  mutants: MutantResult[];
  summary: MatrixSummary;
}

export interface MatrixSummary {
  mutants: number;
  equivalent: number;
  /** Mutants that are not equivalent: the kill rate's denominator. */
  scored: number;
  killed: number;
  survived: number;
  /** Equivalent mutants some scenario killed: the suite rejects what the contract allows. */
  equivalentKilled: number;
  /** killed / scored, 0…1. */
  killRate: number;
}

/** One place to run scenarios: the baseline or one mutant. */
interface Run {
  target: Target;
  observed: Observation;
  close(): Promise<void>;
}

type RunFactory = (mutant: Mutant | undefined, baseline: Observation | undefined) => Promise<Run>;

/**
 * Runs the scenarios without mutation, then each mutant on the scenarios that call its
 * operations in its phases, and compares verdicts: a mutant is killed when a scenario that
 * was green (conforms, deviation) ends red (fails, error).
 */
export async function runMatrix(options: MatrixOptions): Promise<MatrixResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const mutants = options.mutants ?? MUTANTS;
  const { scenarios } = options;
  const classify = classifier(options.contract);
  const factory =
    options.mode === "replay"
      ? replayFactory(options, classify)
      : await liveFactory(options, classify);
  // Reasons quote response bodies: what the matrix prints or returns first loses every secret
  // the description or any exchange of the matrix carried.
  const redactor = new Redactor();
  redactor.learnValue(options.description);
  const learn = (outcomes: ScenarioOutcome[]) => {
    for (const exchange of outcomes.flatMap((outcome) => outcome.exchanges)) {
      redactor.learn(exchange);
    }
  };
  const report = options.progress ?? (() => {});
  const progress = (line: string) => report(redactor.text(line));

  const baselineRun = await factory(undefined, undefined);
  let deviations: DeviationFile;
  let baselineOutcomes: ScenarioOutcome[];
  try {
    deviations = loadDeviations(baselineRun.target.family);
    baselineOutcomes = await runScenarios(baselineRun.target, scenarios, deviations);
    learn(baselineOutcomes);
  } finally {
    await baselineRun.close();
  }
  const baselineMs = Math.round(performance.now() - started);
  const baselineVerdicts = new Map(
    baselineOutcomes.map((o) => [o.scenario.id, judge(o, options.without ?? [])]),
  );
  progress(
    `baseline: ${baselineOutcomes.length} scenarios in ${(baselineMs / 1000).toFixed(1)} s (${summarise([...baselineVerdicts.values()])})`,
  );

  const runOne = async (mutant: Mutant): Promise<MutantResult> => {
    const mutantStarted = performance.now();
    const chosen = scenarios.filter((scenario) =>
      exercises(baselineRun.observed, scenario.id, mutant),
    );
    let outcomes: ScenarioOutcome[] = [];
    if (chosen.length > 0) {
      const run = await factory(mutant, baselineRun.observed);
      try {
        outcomes = await runScenarios(run.target, chosen, deviations);
        learn(outcomes);
      } finally {
        await run.close();
      }
    }
    const result = classifyMutant(
      mutant,
      outcomes,
      baselineOutcomes,
      baselineVerdicts,
      options.without ?? [],
      Math.round(performance.now() - mutantStarted),
    );
    progress(progressLine(result));
    return result;
  };

  // Replay is one process-wide set of nock interceptors: one mutant at a time.
  const parallel = options.mode === "live" ? (options.parallel ?? 1) : 1;
  const results = await inBatches(mutants, parallel, runOne);
  const target = baselineRun.target.name;
  return redactor.value({
    mode: options.mode,
    target,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    baseline: baselineOutcomes.map((o) => ({
      id: o.scenario.id,
      verdict: baselineVerdicts.get(o.scenario.id) ?? o.verdict,
      ...(o.reason !== undefined && { reason: o.reason }),
      durationMs: o.durationMs,
    })),
    baselineMs,
    mutants: results,
    summary: summary(results),
  });
}

/** Runs the scenarios through the engine, observed so that mutants can pick theirs. */
async function runScenarios(
  target: Target,
  scenarios: readonly Scenario[],
  deviations: DeviationFile,
): Promise<ScenarioOutcome[]> {
  const run = await runEngine({
    target,
    scenarios: scenarios.map((scenario) => tracked(scenario).scenario),
    deviations,
  });
  return run.outcomes;
}

/** Whether the unmutated run of the scenario called one of the mutant's operations in its phases. */
function exercises(observed: Observation, scenarioId: string, mutant: Mutant): boolean {
  const touched = observed.touched.get(scenarioId);
  if (!touched) return false;
  return mutant.phases.some((phase) =>
    mutant.operations.some((operation) => touched.has(`${phase} ${operation}`)),
  );
}

/** The verdict with the removed checks' findings left out. */
export function judge(outcome: ScenarioOutcome, without: readonly CheckRemoval[]): Verdict {
  if (without.length === 0 || outcome.verdict === "skipped") return outcome.verdict;
  const findings = outcome.findings.filter(
    (finding) =>
      !without.some(
        (removed) =>
          removed.check === finding.check &&
          (removed.operation === undefined || removed.operation === outcome.scenario.operation),
      ),
  );
  const error =
    outcome.verdict === "error" || outcome.verdict === "fails" ? outcome.reason : undefined;
  return verdictOf(findings, error);
}

const isGreen = (verdict: Verdict | undefined) =>
  verdict !== undefined && verdict !== "skipped" && GREEN.includes(verdict);
const isRed = (verdict: Verdict) => verdict === "fails" || verdict === "error";

function classifyMutant(
  mutant: Mutant,
  outcomes: ScenarioOutcome[],
  baselineOutcomes: ScenarioOutcome[],
  baselineVerdicts: Map<string, Verdict>,
  without: readonly CheckRemoval[],
  durationMs: number,
): MutantResult {
  const before = new Map(baselineOutcomes.map((o) => [o.scenario.id, o]));
  const scenarios: ScenarioRun[] = outcomes.map((outcome) => {
    const id = outcome.scenario.id;
    const baseline = baselineVerdicts.get(id) ?? "error";
    const mutated = judge(outcome, without);
    const removed = (check: string) =>
      without.some(
        (r) => r.check === check && (!r.operation || r.operation === outcome.scenario.operation),
      );
    const failed = outcome.findings.filter((f) => !f.ok && !f.deviation && !removed(f.check));
    const killedBy =
      isGreen(baseline) && isRed(mutated)
        ? failed.length > 0
          ? [...new Set(failed.map((f) => (f.support ? `${f.check} (${f.operationId})` : f.check)))]
          : [`error: ${errorGist(outcome.reason ?? "")}`]
        : [];
    const known = new Set(
      before
        .get(id)
        ?.findings.map((f) => f.deviation)
        .filter(Boolean),
    );
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
      newDeviations,
      leftovers: outcome.leftovers.map((l) => `${l.label}: ${l.error}`),
    };
  });
  const killed = scenarios.some((s) => s.killedBy.length > 0);
  const base = {
    id: mutant.id,
    description: mutant.description,
    operations: mutant.operations,
    ...(mutant.equivalent && { equivalent: mutant.equivalent }),
    scenarios,
    durationMs,
  };
  if (mutant.equivalent) {
    return killed
      ? {
          ...base,
          status: "equivalent-killed",
          reason: `the contract allows this answer, yet ${killers(scenarios)} rejected it: a check is stricter than the documents`,
        }
      : { ...base, status: "equivalent" };
  }
  if (killed) return { ...base, status: "killed" };
  return { ...base, status: "survived", reason: survivalReason(mutant, scenarios) };
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
  const changes = judged.map((s) => `${s.id.slice(0, 8)} ${s.baseline}→${s.mutated}`);
  return `a check is too weak: ${judged.length} scenario(s) exercise it and stayed green (${changes.join(", ")})`;
}

function killers(scenarios: ScenarioRun[]): string {
  return scenarios
    .filter((s) => s.killedBy.length > 0)
    .map((s) => `${s.id.slice(0, 8)} (${s.killedBy.join(", ")})`)
    .join(", ");
}

const ids = (scenarios: ScenarioRun[]) => scenarios.map((s) => s.id.slice(0, 8)).join(", ");

function summarise(verdicts: Verdict[]): string {
  const counts = new Map<Verdict, number>();
  for (const v of verdicts) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${n} ${v}`).join(", ");
}

/** An error reason without URLs and ids, short enough to group scenarios killed the same way. */
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

export function summary(results: MutantResult[]): MatrixSummary {
  const count = (status: MutantStatus) => results.filter((r) => r.status === status).length;
  const equivalent = count("equivalent") + count("equivalent-killed");
  const killed = count("killed");
  const scored = results.length - equivalent;
  return {
    mutants: results.length,
    equivalent,
    scored,
    killed,
    survived: count("survived"),
    equivalentKilled: count("equivalent-killed"),
    killRate: scored === 0 ? 1 : killed / scored,
  };
}

function progressLine(result: MutantResult): string {
  const time = `${(result.durationMs / 1000).toFixed(1)} s`;
  switch (result.status) {
    case "killed":
      return `killed     ${result.id} by ${killers(result.scenarios)} (${time})`;
    case "equivalent":
      return `equivalent ${result.id} survived, as it should (${time})`;
    default:
      return `${result.status.padEnd(10)} ${result.id}: ${result.reason} (${time})`;
  }
}

async function inBatches<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await run(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, size) }, worker));
  return results;
}

function replayFactory(options: MatrixOptions, classify: Classifier): RunFactory {
  return async (mutant, baseline) => {
    // Imported here: loading nock patches global fetch, which live runs must not see.
    const { createReplayTarget } = await import("../targets/replay.ts");
    const observed = newObservation();
    const interpose = replayMutation({
      classify,
      observed,
      ...(mutant && { mutant }),
      ...(baseline && { baseline }),
    });
    const target = await createReplayTarget(options.contract, options.cassetteDir, interpose);
    return { target, observed, close: () => target.close() };
  };
}

async function liveFactory(options: MatrixOptions, classify: Classifier): Promise<RunFactory> {
  const description = options.description;
  if (!description) throw new Error("a live kill matrix needs a target description");
  const upstream = await endpointsOf(description);
  return async (mutant) => {
    const observed = newObservation();
    const registry = new RunRegistry(observed);
    const rule = mutationRule(mutant, classify, registry);
    const volume = await startLoopbackProxy(upstream.volume, rule);
    const compute = await startLoopbackProxy(upstream.compute, rule);
    const interpose: Interposer = taggingInterposer(registry);
    try {
      const target = await createLiveTarget({
        description: throughProxies(description, {
          volume: volume.origin,
          compute: compute.origin,
        }),
        contract: options.contract,
        interpose,
        ...(options.budget && { budget: options.budget }),
      });
      return {
        target,
        observed,
        async close() {
          await target.close();
          await Promise.all([volume.close(), compute.close()]);
        },
      };
    } catch (error) {
      await Promise.all([volume.close(), compute.close()]);
      throw error;
    }
  };
}

/** The real volume and compute endpoints: the description's, or the member's catalog. */
async function endpointsOf(
  description: TargetDescription,
): Promise<{ volume: string; compute: string }> {
  const { volume, compute } = description.endpoints ?? {};
  if (volume && compute) return { volume, compute };
  const transport = createTransport(description);
  try {
    const session = await openSession(description, "member", transport);
    return {
      volume: volume ?? (await session.endpoint("volume")),
      compute: compute ?? (await session.endpoint("compute")),
    };
  } finally {
    await transport.close();
  }
}
