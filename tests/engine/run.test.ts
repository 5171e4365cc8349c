import { describe, expect, it } from "vitest";
import type { DeviationFile } from "../../src/deviations/deviations.ts";
import type { RunEvent } from "../../src/engine/events.ts";
import { LIVE_CONCURRENCY, runScenarios } from "../../src/engine/run.ts";
import { defineScenario, type Scenario } from "../../src/engine/scenario.ts";
import type { Mode, ScenarioSession, SessionHooks, Target } from "../../src/engine/target.ts";
import { DEFAULT_BUDGET } from "../../src/resources/waiters.ts";
import { virtualClock } from "../../src/transport/clock.ts";
import type { Exchange } from "../../src/transport/exchange.ts";
import { throwIfInterrupted } from "../../src/transport/interrupt.ts";

// A target whose scenarios never get a session: each one either is skipped (a requirement the
// target cannot meet) or fails to open (an `error` verdict) after `delayMs`. That is all the
// engine's scheduling needs to be seen at work.

const NONE: DeviationFile = { family: "fake", description: "", deviations: [] };

function scenario(n: number, requires: "server" | undefined = undefined): Scenario {
  return defineScenario({
    id: `0000000${n}-0000-4000-8000-000000000000`,
    title: `scenario ${n}`,
    operation: "detachVolume",
    category: "not-found",
    documented: "EVS error codes",
    expect: { status: 404 },
    ...(requires && { requires: [requires] }),
    arrange: async () => ({}),
    act: async () => {
      throw new Error("never reached");
    },
  });
}

interface Options {
  mode?: Mode;
  concurrent?: boolean;
  /** How long opening each scenario takes, by scenario number (default 1 ms). */
  delayMs?: (n: number) => number;
}

function fakeTarget({ mode = "replay", concurrent = true, delayMs = () => 1 }: Options = {}) {
  const seen = { open: 0, most: 0, opened: [] as string[], released: 0 };
  const target: Target = {
    name: "fake",
    family: "fake",
    mode,
    concurrent,
    operation: () => {
      throw new Error("no contract here");
    },
    unmet: (requirement) => `the fake has no ${requirement}`,
    knownSecrets: () => ["s3cr3t"],
    async openScenario(s: Scenario, hooks?: SessionHooks) {
      seen.opened.push(s.title);
      seen.open++;
      seen.most = Math.max(seen.most, seen.open);
      hooks?.onExchange({ request: { url: s.title } } as Exchange);
      hooks?.onProgress(`waiting in ${s.title}`);
      await new Promise((resolve) => setTimeout(resolve, delayMs(Number(s.title.split(" ")[1]))));
      seen.open--;
      throw new Error(`cannot open ${s.title}`);
    },
    async release() {
      seen.released++;
      return [{ label: "shared server", error: "still there" }] as never;
    },
    close: async () => {},
  };
  return { target, seen };
}

const scenarios = (count: number) => Array.from({ length: count }, (_, i) => scenario(i + 1));

describe("runScenarios", () => {
  it("tells subscribers what happens, in order, and returns the outcomes in catalog order", async () => {
    const { target } = fakeTarget({ delayMs: (n) => (n === 1 ? 30 : 1) });
    const events: RunEvent[] = [];
    const run = await runScenarios({
      target,
      scenarios: [scenario(1), scenario(2), scenario(3, "server")],
      deviations: NONE,
      subscribers: [(event) => void events.push(event)],
    });
    expect(run.outcomes.map((o) => [o.scenario.title, o.verdict])).toEqual([
      ["scenario 1", "error"],
      ["scenario 2", "error"],
      ["scenario 3", "skipped"],
    ]);
    expect(run.outcomes[2]?.reason).toBe("the fake has no server");
    const finished = events.flatMap((e) =>
      e.type === "scenario-finished" ? [e.outcome.scenario.title] : [],
    );
    // Scenario 1 opens slowest, so it finishes last; the outcomes stay in catalog order.
    expect(finished).toEqual(["scenario 3", "scenario 2", "scenario 1"]);
    expect(events[0]).toMatchObject({
      type: "run-started",
      target: { name: "fake", family: "fake", mode: "replay" },
    });
    expect(events.at(-1)).toEqual({ type: "run-finished", run });
    const of1 = events
      .filter((e) => e.type !== "run-started" && e.type !== "run-finished")
      .filter(
        (e) => ("scenario" in e ? e.scenario.title : e.outcome.scenario.title) === "scenario 1",
      )
      .map((e) => e.type);
    expect(of1).toEqual(["scenario-started", "exchange", "waiting", "scenario-finished"]);
    expect(events).toContainEqual({
      type: "waiting",
      scenario: expect.objectContaining({ title: "scenario 2" }),
      line: "waiting in scenario 2",
    });
    expect(run.stoppedBy).toBeUndefined();
    expect(run.leftovers).toEqual([{ label: "shared server", error: "still there" }]);
    expect(run.knownSecrets).toEqual(["s3cr3t"]);
    expect(run.target).toEqual({ name: "fake", family: "fake", mode: "replay" });
    expect(run.finishedAt.getTime()).toBeGreaterThanOrEqual(run.startedAt.getTime());
  });

  it.each([
    ["replay, concurrent: every scenario at once", { mode: "replay" as const }, undefined, 12],
    [
      "live, concurrent: LIVE_CONCURRENCY at once",
      { mode: "live" as const },
      undefined,
      LIVE_CONCURRENCY,
    ],
    ["the concurrency asked for", { mode: "live" as const }, 2, 2],
    ["a target that is not concurrent: one at a time", { concurrent: false }, 4, 1],
  ])("runs side by side as the target allows (%s)", async (_, options, concurrency, most) => {
    const { target, seen } = fakeTarget({ ...options, delayMs: () => 5 });
    const run = await runScenarios({
      target,
      scenarios: scenarios(12),
      deviations: NONE,
      ...(concurrency && { concurrency }),
    });
    expect(seen.most).toBe(most);
    expect(run.outcomes).toHaveLength(12);
  });

  it("runs an empty selection and still releases what the run shared", async () => {
    const { target, seen } = fakeTarget();
    const run = await runScenarios({ target, scenarios: [], deviations: NONE });
    expect(run.outcomes).toEqual([]);
    expect(seen.released).toBe(1);
  });

  it("stops starting scenarios after the first red verdict with bail", async () => {
    const { target, seen } = fakeTarget({ concurrent: false });
    const run = await runScenarios({
      target,
      scenarios: [scenario(1, "server"), scenario(2), scenario(3)],
      deviations: NONE,
      bail: true,
    });
    expect(seen.opened).toEqual(["scenario 2"]);
    expect(run.outcomes.map((o) => o.verdict)).toEqual(["skipped", "error"]);
    expect(run.stoppedBy).toBe("--bail: 00000002 ended error");
    expect(seen.released).toBe(1);
  });

  it("runs on after a red verdict without bail", async () => {
    const { target } = fakeTarget({ concurrent: false });
    const run = await runScenarios({ target, scenarios: scenarios(3), deviations: NONE });
    expect(run.outcomes).toHaveLength(3);
    expect(run.stoppedBy).toBeUndefined();
  });

  it("starts nothing once interrupted, and says why it stopped", async () => {
    const { target, seen } = fakeTarget();
    const controller = new AbortController();
    controller.abort(new Error("interrupted (SIGINT)"));
    const run = await runScenarios({
      target,
      scenarios: scenarios(3),
      deviations: NONE,
      signal: controller.signal,
      wholeCatalog: true,
    });
    expect(seen.opened).toEqual([]);
    expect(run.stoppedBy).toBe("interrupted (SIGINT)");
    // A stopped run cannot tell which entries went unused.
    expect(run.staleDeviations).toEqual([]);
    expect(seen.released).toBe(1);
  });

  it("cuts a running scenario short when interrupted: its next call throws", async () => {
    const controller = new AbortController();
    const { target } = fakeTarget({ concurrent: false });
    target.openScenario = async () =>
      ({
        runId: "r",
        resources: {},
        waiting: { clock: virtualClock(), budget: DEFAULT_BUDGET },
        exchanges: [],
        finish: async () => {},
      }) as unknown as ScenarioSession;
    const running = defineScenario({
      ...scenario(1),
      arrange: async () => {
        controller.abort(new Error("interrupted by SIGINT"));
        // What every API call does first.
        throwIfInterrupted();
        return {};
      },
    });
    const run = await runScenarios({
      target,
      scenarios: [running, scenario(2)],
      deviations: NONE,
      signal: controller.signal,
    });
    expect(run.outcomes.map((o) => [o.verdict, o.reason])).toEqual([
      ["error", "interrupted by SIGINT before the scenario finished; its cleanup ran"],
    ]);
    expect(run.stoppedBy).toBe("interrupted by SIGINT");
  });

  it("names a reason that is not an Error as it is", async () => {
    const { target } = fakeTarget();
    const controller = new AbortController();
    controller.abort("stop");
    const run = await runScenarios({
      target,
      scenarios: scenarios(1),
      deviations: NONE,
      signal: controller.signal,
    });
    expect(run.stoppedBy).toBe("stop");
  });

  it("lists unused deviation entries only for a whole-catalog run", async () => {
    const deviations = {
      ...NONE,
      deviations: [{ id: "unused" }, { id: "also-unused" }],
    } as DeviationFile;
    const whole = await runScenarios({
      target: fakeTarget().target,
      scenarios: scenarios(1),
      deviations,
      wholeCatalog: true,
    });
    // Stale or only unused by how the case ended (tests/engine/ledger-use.test.ts); named either way.
    expect([...whole.staleDeviations, ...(whole.unusedDeviations ?? [])]).toEqual([
      "unused",
      "also-unused",
    ]);
    const part = await runScenarios({
      target: fakeTarget().target,
      scenarios: scenarios(1),
      deviations,
    });
    expect(part.staleDeviations).toEqual([]);
  });

  it("waits for what subscribers return before it returns", async () => {
    let written = false;
    await runScenarios({
      target: fakeTarget().target,
      scenarios: scenarios(1),
      deviations: NONE,
      subscribers: [
        (event) =>
          event.type === "run-finished"
            ? new Promise<void>((resolve) =>
                setTimeout(() => {
                  written = true;
                  resolve();
                }, 20),
              )
            : undefined,
      ],
    });
    expect(written).toBe(true);
  });

  it("releases the target before passing on a subscriber's failure", async () => {
    const { target, seen } = fakeTarget();
    const failing = runScenarios({
      target,
      scenarios: scenarios(2),
      deviations: NONE,
      subscribers: [
        (event) => {
          if (event.type === "scenario-finished") throw new Error("disk full");
        },
      ],
    });
    await expect(failing).rejects.toThrow("disk full");
    expect(seen.released).toBe(1);
  });
});
