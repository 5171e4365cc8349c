import { afterAll, describe, expect, test } from "vitest";
import { loadContract } from "../../src/contract/load-spec.ts";
import { loadDeviations } from "../../src/deviations/deviations.ts";
import { runScenarios } from "../../src/engine/run.ts";
import type { Mode } from "../../src/engine/target.ts";
import { describeOutcome } from "../../src/reports/describe-outcome.ts";
import { createTarget } from "../../src/targets/create.ts";
import { CATALOG } from "../scenarios/catalog.ts";

// The catalog as vitest tests, through the same engine the command line runs: one test per
// scenario, named by id and title, so `npx vitest run --project conformance -t <id>` runs one.
// Replay by default; CONFORMANCE_MODE=live (and CONFORMANCE_TARGET=<file>) runs it live.
const mode = (process.env.CONFORMANCE_MODE ?? "replay") as Mode;
const target = await createTarget(
  {
    mode,
    ...(process.env.CONFORMANCE_TARGET && { targetFile: process.env.CONFORMANCE_TARGET }),
  },
  await loadContract(),
);
const deviations = loadDeviations(target.family);
const run = target.concurrent ? test.concurrent : test;
// Cases that ran, and of them those judged: a run that skipped every case proves nothing.
const cases = { ran: 0, judged: 0 };

describe(`${target.name} (${target.mode})`, () => {
  for (const scenario of CATALOG) {
    run(`${scenario.id} ${scenario.title}`, async (ctx) => {
      const { outcomes } = await runScenarios({
        target,
        scenarios: [scenario],
        deviations,
        signal: ctx.signal,
      });
      const [outcome] = outcomes;
      if (!outcome) throw new Error(`the engine returned no outcome for ${scenario.id}`);
      cases.ran += 1;
      if (outcome.verdict === "skipped") ctx.skip(outcome.reason);
      cases.judged += 1;
      expect(["conforms", "deviation"], describeOutcome(outcome, target.knownSecrets())).toContain(
        outcome.verdict,
      );
    });
  }
});

afterAll(async () => {
  await target.close();
  if (cases.ran > 0 && cases.judged === 0) {
    throw new Error(
      `the catalog judged no case: all ${cases.ran} that ran were skipped; the run proves nothing`,
    );
  }
});
