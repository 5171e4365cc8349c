import { afterAll, describe, expect, test } from "vitest";
import { loadContract } from "../contract/load-spec.ts";
import { loadDeviations } from "../deviations/deviations.ts";
import { cleanUpEverything } from "../fixtures/cleanup.ts";
import { configFromEnvironment, createTarget, select } from "../harness/config.ts";
import { describeOutcome } from "../harness/describe-outcome.ts";
import { executeScenario } from "../harness/execute.ts";
import { finishRun } from "../harness/finish-run.ts";
import type { ScenarioOutcome } from "../harness/outcome.ts";
import { CATALOG } from "../scenarios/catalog.ts";

// The conformance run: every selected scenario of the catalog against one target (the
// committed cassettes unless CONFORMANCE_MODE says otherwise), judged against spec/.
const config = configFromEnvironment(process.env);
const contract = await loadContract();
const target = await createTarget(config, contract, process.env);
const deviations = loadDeviations(target.family);
const outcomes: ScenarioOutcome[] = [];
const startedAt = new Date();
const run = target.concurrent ? test.concurrent : test;

// An interrupted live run still removes what it created, newest first, and says what it could not.
const onSignal = async (signal: NodeJS.Signals) => {
  process.stderr.write(`\n${signal}: cleaning up what this run created…\n`);
  for (const leftover of await cleanUpEverything()) {
    process.stderr.write(`left behind: ${leftover.label} (${leftover.error})\n`);
  }
  process.exit(130);
};
process.once("SIGINT", onSignal);
process.once("SIGTERM", onSignal);

describe(`${target.name} (${target.mode})`, () => {
  for (const scenario of select(CATALOG, config.selection)) {
    run(`${scenario.id} ${scenario.title}`, async (ctx) => {
      const outcome = await executeScenario(target, scenario, deviations);
      outcomes.push(outcome);
      if (outcome.verdict === "skipped") ctx.skip(outcome.reason);
      expect(["conforms", "deviation"], describeOutcome(outcome)).toContain(outcome.verdict);
    });
  }
});

afterAll(async () => {
  // The worker is ended with SIGTERM once the run is over: nothing is left to clean up then.
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  await target.close();
  await finishRun({ config, target, deviations, outcomes, startedAt });
});
