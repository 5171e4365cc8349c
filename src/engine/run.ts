import type { DeviationFile } from "../deviations/deviations.ts";
import type { FinishedRun, RunEvent, Subscriber, TargetInfo } from "./events.ts";
import { executeScenario } from "./execute.ts";
import { GREEN, type ScenarioOutcome } from "./outcome.ts";
import type { Scenario } from "./scenario.ts";
import { baseIdOf, shortId } from "./scenario.ts";
import type { Target } from "./target.ts";

/**
 * Scenarios at once against a live cloud: each creates volumes (some a server), and a cloud
 * under more load answers slower than its time-outs allow (the project's own target, 55 at once).
 */
export const LIVE_CONCURRENCY = 5;

export interface RunOptions {
  target: Target;
  /** The selection to run, in catalog order. */
  scenarios: readonly Scenario[];
  deviations: DeviationFile;
  subscribers?: readonly Subscriber[];
  /**
   * Aborting stops the run: no scenario starts any more, each running one makes no further
   * call, removes what it created (newest first) and ends `error`.
   */
  signal?: AbortSignal;
  /** Scenarios running at once on a concurrent target; default LIVE_CONCURRENCY live, all in replay. */
  concurrency?: number;
  /** Stop starting scenarios after the first red verdict (cleanup still runs). */
  bail?: boolean;
  /** Whether the selection is the whole catalog, so that unused deviation entries can be stale. */
  wholeCatalog?: boolean;
}

/**
 * The engine: runs the scenarios against the target, side by side where the target allows,
 * and tells the subscribers what happens. It does not close the target: its caller opened it.
 */
export async function runScenarios(options: RunOptions): Promise<FinishedRun> {
  const { target, scenarios, deviations } = options;
  const pending: Promise<void>[] = [];
  const emit = (event: RunEvent) => {
    for (const subscriber of options.subscribers ?? []) {
      const done = subscriber(event);
      if (done) pending.push(done);
    }
  };
  const info: TargetInfo = { name: target.name, family: target.family, mode: target.mode };
  const startedAt = new Date();
  emit({ type: "run-started", target: info, scenarios, startedAt });

  const bail = new AbortController();
  const stop = options.signal ? AbortSignal.any([options.signal, bail.signal]) : bail.signal;
  const outcomes = new Map<string, ScenarioOutcome>();
  const queue = [...scenarios];
  const width = !target.concurrent
    ? 1
    : (options.concurrency ?? (target.mode === "replay" ? scenarios.length : LIVE_CONCURRENCY));
  const worker = async () => {
    for (let scenario = queue.shift(); scenario && !stop.aborted; scenario = queue.shift()) {
      const current = scenario;
      emit({ type: "scenario-started", scenario: current });
      const outcome = await executeScenario(target, current, deviations, {
        // A bail lets running scenarios finish; only an interruption cuts them short.
        ...(options.signal && { signal: options.signal }),
        hooks: {
          onExchange: (exchange) => emit({ type: "exchange", scenario: current, exchange }),
          onProgress: (line) => emit({ type: "waiting", scenario: current, line }),
        },
      });
      outcomes.set(current.id, outcome);
      emit({ type: "scenario-finished", outcome });
      if (options.bail && !GREEN.includes(outcome.verdict)) {
        bail.abort(new Error(`--bail: ${shortId(current.id)} ended ${outcome.verdict}`));
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(width, scenarios.length)) }, worker);
  // Every worker has stopped before the shared server goes, even when one of them threw.
  const settled = await Promise.allSettled(workers);
  const leftovers = await target.release();
  const thrown = settled.find((result) => result.status === "rejected");
  if (thrown) throw thrown.reason;

  const ordered = scenarios.flatMap((scenario) => outcomes.get(scenario.id) ?? []);
  const stopped = stop.aborted ? reasonOf(stop.reason) : undefined;
  const run: FinishedRun = {
    target: info,
    startedAt,
    finishedAt: new Date(),
    outcomes: ordered,
    ...(stopped && { stoppedBy: stopped }),
    ...(stopped
      ? { staleDeviations: [] }
      : ledgerUse(deviations, ordered, options.wholeCatalog === true)),
    leftovers,
    knownSecrets: target.knownSecrets(),
  };
  emit({ type: "run-finished", run });
  await Promise.all(pending);
  return run;
}

/**
 * Ledger entries no finding of this run used. Stale (the server was fixed, or the entry is
 * wrong) only where the run could tell: the whole catalog ran and every case the entry could
 * explain was judged; a skipped or errored case might have used it. The others are unused.
 */
export function ledgerUse(
  deviations: DeviationFile,
  outcomes: readonly ScenarioOutcome[],
  wholeCatalog: boolean,
): Pick<FinishedRun, "staleDeviations" | "unusedDeviations"> {
  const seen = new Set(outcomes.flatMap((o) => o.findings.map((f) => f.deviation)));
  const unjudged = new Set(
    outcomes
      .filter((o) => o.verdict === "skipped" || o.verdict === "error")
      .map((o) => baseIdOf(o.scenario.id)),
  );
  const staleDeviations: string[] = [];
  const unusedDeviations: string[] = [];
  for (const entry of deviations.deviations) {
    if (seen.has(entry.id)) continue;
    const judged = entry.scenarios
      ? entry.scenarios.every((id) => !unjudged.has(id))
      : unjudged.size === 0;
    (wholeCatalog && judged ? staleDeviations : unusedDeviations).push(entry.id);
  }
  return { staleDeviations, unusedDeviations };
}

function reasonOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
