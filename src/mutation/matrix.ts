import { openSession } from "../auth/session.ts";
import type { TargetDescription } from "../config/description.ts";
import type { Contract } from "../contract/load-spec.ts";
import { type DeviationFile, loadDeviations } from "../deviations/deviations.ts";
import type { ScenarioOutcome, Verdict } from "../engine/outcome.ts";
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
import {
  type CheckRemoval,
  classifyMutant,
  errorOnlyIds,
  judge,
  killers,
  type MatrixSummary,
  type MutantResult,
  summarise,
  summary,
} from "./kills.ts";
import { MUTANTS } from "./mutants.ts";
import { tracked } from "./phases.ts";
import { mutationRule, RunRegistry, taggingInterposer } from "./proxy-rules.ts";

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
 * was green (conforms, deviation) fails a named check (kills.ts).
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
    const chosen = scenarios.filter(
      (scenario) =>
        exercises(baselineRun.observed, scenario.id, mutant) &&
        (mutant.appliesTo?.(scenario) ?? true),
    );
    const runChosen = async (list: readonly Scenario[]): Promise<ScenarioOutcome[]> => {
      if (list.length === 0) return [];
      const run = await factory(mutant, baselineRun.observed);
      try {
        const outcomes = await runScenarios(run.target, list, deviations);
        learn(outcomes);
        return outcomes;
      } finally {
        await run.close();
      }
    };
    const outcomes = await runChosen(chosen);
    // An error is no kill, and may be a broken run (a busy target, a proxy): once more.
    const again = errorOnlyIds(outcomes, baselineVerdicts, options.without ?? []);
    const rerun = await runChosen(chosen.filter((scenario) => again.includes(scenario.id)));
    const result = classifyMutant(
      mutant,
      outcomes,
      rerun,
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
