import { existsSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import { loadContract } from "../../src/contract/load-spec.ts";
import { loadDeviations } from "../../src/deviations/deviations.ts";
import { configFromEnvironment, createTarget, select } from "../../src/engine/config.ts";
import { describeOutcome } from "../../src/engine/describe-outcome.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import { finishRun } from "../../src/engine/finish-run.ts";
import type { ScenarioOutcome } from "../../src/engine/outcome.ts";
import { CATALOG } from "../scenarios/catalog.ts";

// An interrupted run stops each running scenario before its next call and lets it remove what
// it created, newest first; pending scenarios are skipped. The command line (see
// scripts/interruption.ts) writes the signal's name into CONFORMANCE_INTERRUPT_FILE, which is
// watched here; Ctrl-C also signals this worker directly. Either way the process is not ended
// here: vitest stops this worker once afterAll is done.
const interruption = new AbortController();
const interrupt = (signal: string) => {
  if (interruption.signal.aborted) return;
  process.stderr.write(
    `\n${signal}: stopping; each running scenario removes what it created, newest first\n`,
  );
  interruption.abort(new Error(`interrupted by ${signal}`));
};
const onSignal = (signal: NodeJS.Signals) => interrupt(signal);
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// The command line preloads worker-signals.cjs, which ignores signals until this point.
const release = (globalThis as Record<symbol, unknown>)[
  Symbol.for("conformance.releaseBootSignals")
];
if (typeof release === "function") release();
const interruptFile = process.env.CONFORMANCE_INTERRUPT_FILE;
const watchInterrupt = setInterval(() => {
  if (interruptFile && existsSync(interruptFile)) {
    interrupt(readFileSync(interruptFile, "utf8").trim() || "SIGINT");
  }
}, 200);
watchInterrupt.unref();
/** Scenarios still running; vitest stops awaiting a test whose `ctx.signal` was aborted. */
const running = new Set<Promise<ScenarioOutcome>>();

// The conformance run: every selected scenario of the catalog against one target (the
// committed cassettes unless CONFORMANCE_MODE says otherwise), judged against spec/.
const config = configFromEnvironment(process.env);
const contract = await loadContract();
const target = await createTarget(config, contract, process.env);
const deviations = loadDeviations(target.family);
const outcomes: ScenarioOutcome[] = [];
const startedAt = new Date();
const run = target.concurrent ? test.concurrent : test;

describe(`${target.name} (${target.mode})`, () => {
  for (const scenario of select(CATALOG, config.selection)) {
    run(`${scenario.id} ${scenario.title}`, async (ctx) => {
      if (interruption.signal.aborted) ctx.skip("the run was interrupted");
      const signal = AbortSignal.any([ctx.signal, interruption.signal]);
      const execution = executeScenario(target, scenario, deviations, { signal }).then(
        (outcome) => {
          outcomes.push(outcome);
          if (signal.aborted) {
            for (const leftover of outcome.leftovers) {
              process.stderr.write(`left behind: ${leftover.label} (${leftover.error})\n`);
            }
          }
          return outcome;
        },
      );
      running.add(execution);
      let outcome: ScenarioOutcome;
      try {
        outcome = await execution;
      } finally {
        running.delete(execution);
      }
      if (outcome.verdict === "skipped") ctx.skip(outcome.reason);
      expect(["conforms", "deviation"], describeOutcome(outcome, target.knownSecrets())).toContain(
        outcome.verdict,
      );
    });
  }
});

afterAll(async () => {
  // After a cancellation (a test timeout, the worker being stopped), scenarios may still be
  // cleaning up: their outcomes go in the reports.
  await Promise.allSettled(running);
  // The worker is ended with SIGTERM once the run is over: nothing is left to clean up then.
  clearInterval(watchInterrupt);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  await target.close();
  await finishRun({ config, target, deviations, outcomes, startedAt });
});
