import { describe, expect, it } from "vitest";
import {
  DEFAULT_BUDGET,
  FIRST_POLL_DELAY_MS,
  type WaitBudget,
  WaitFailedError,
  type WaitSpec,
  WaitTimeoutError,
  waitFor,
} from "../../src/resources/waiters.ts";
import { type Clock, virtualClock } from "../../src/transport/clock.ts";

/** A virtual clock that also records every sleep it was asked for. */
function recordingClock(): Clock & { sleeps: number[] } {
  const clock = virtualClock();
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => clock.now(),
    sleep: (ms) => {
      sleeps.push(ms);
      return clock.sleep(ms);
    },
  };
}

/** A volume whose status walks through `states`, then stays on the last one. */
function volume(states: string[], extra: Partial<WaitSpec<string>> = {}) {
  let probes = 0;
  const spec: WaitSpec<string> = {
    resource: "volume 1f2e",
    wanted: "status available",
    probe: async () => states[Math.min(probes++, states.length - 1)] as string,
    describe: (status) => `status ${status}`,
    done: (status) => status === "available",
    failed: (status) => status === "error",
    ...extra,
  };
  return { spec, probes: () => probes };
}

describe("waitFor", () => {
  it("returns the state once it is reached, without waiting more", async () => {
    const clock = recordingClock();
    const { spec, probes } = volume(["detaching", "detaching", "available", "in-use"]);
    await expect(waitFor(spec, clock, DEFAULT_BUDGET)).resolves.toBe("available");
    expect(probes()).toBe(3);
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it("counts the budget from when the wait began, not from the clock's zero", async () => {
    const clock = recordingClock();
    await clock.sleep(60_000);
    clock.sleeps.length = 0;
    const { spec, probes } = volume(["creating"]);
    const said: string[] = [];
    await expect(
      waitFor(spec, clock, { intervalMs: 250, budgetMs: 6_000 }, (line) => said.push(line)),
    ).rejects.toThrow("within 6 s");
    expect(clock.now()).toBeGreaterThanOrEqual(66_000);
    expect(probes()).toBeGreaterThan(20);
    expect(said).toEqual([
      "waiting for volume 1f2e to reach status available: 5 s of 6 s, status creating",
    ]);
  });

  it("does not sleep when the first probe already shows the state", async () => {
    const clock = recordingClock();
    const { spec, probes } = volume(["available"]);
    await waitFor(spec, clock, DEFAULT_BUDGET);
    expect(probes()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("times out naming the resource, wanted state, last seen state and budget in seconds", async () => {
    const clock = recordingClock();
    const { spec } = volume(["detaching", "detaching", "in-use"]);
    const error = await waitFor(spec, clock, { intervalMs: 200, budgetMs: 1500 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe(
      "volume 1f2e did not reach status available within 1.5 s; last seen: status in-use",
    );
    expect(error).toMatchObject({
      resource: "volume 1f2e",
      wanted: "status available",
      lastSeen: "status in-use",
      budgetMs: 1500,
      name: "WaitTimeoutError",
    });
    // It gave up only once the budget was spent.
    expect(clock.now()).toBeGreaterThanOrEqual(1500);
  });

  it("fails at once on a failed state, naming what was seen", async () => {
    const clock = recordingClock();
    const { spec, probes } = volume(["detaching", "error", "available"]);
    const error = await waitFor(spec, clock, DEFAULT_BUDGET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitFailedError);
    expect((error as Error).message).toBe(
      "volume 1f2e reached status error while waiting for status available",
    );
    expect(error).toMatchObject({ seen: "status error", name: "WaitFailedError" });
    expect(probes()).toBe(2);
  });

  it("prefers done over failed when a state is both", async () => {
    const { spec } = volume(["error"], { done: (status) => status === "error" });
    await expect(waitFor(spec, virtualClock(), DEFAULT_BUDGET)).resolves.toBe("error");
  });

  it("passes on errors of the probe itself", async () => {
    const spec: WaitSpec<string> = {
      ...volume([]).spec,
      probe: () => Promise.reject(new Error("connection refused")),
    };
    await expect(waitFor(spec, virtualClock(), DEFAULT_BUDGET)).rejects.toThrow(
      "connection refused",
    );
  });

  it.each([
    { intervalMs: 200, budgetMs: 120_000 },
    { intervalMs: 1000, budgetMs: 30_000 },
    { intervalMs: 10, budgetMs: 500 },
    { intervalMs: 60, budgetMs: 2_000 },
  ])(
    "backs off from 100 ms but never sleeps longer than intervalMs ($intervalMs ms)",
    async (budget) => {
      const clock = recordingClock();
      const { spec } = volume(["creating"]);
      await expect(waitFor(spec, clock, budget)).rejects.toBeInstanceOf(WaitTimeoutError);
      expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(budget.intervalMs);
      expect(clock.sleeps[0]).toBe(Math.min(FIRST_POLL_DELAY_MS, budget.intervalMs));
      // Non-decreasing, and it does reach the interval on a long wait.
      for (let i = 1; i < clock.sleeps.length; i++) {
        expect(clock.sleeps[i]).toBeGreaterThanOrEqual(clock.sleeps[i - 1] as number);
      }
      expect(clock.sleeps.at(-1)).toBe(budget.intervalMs);
    },
  );

  it.each([
    { intervalMs: 200, budgetMs: 120_000 },
    { intervalMs: 200, budgetMs: 1_000 },
    { intervalMs: 1000, budgetMs: 30_000 },
    { intervalMs: 50, budgetMs: 10_000 },
  ] satisfies WaitBudget[])(
    "probes a bounded number of times within $budgetMs ms at $intervalMs ms",
    async (budget) => {
      const clock = recordingClock();
      const { spec, probes } = volume(["creating"]);
      await expect(waitFor(spec, clock, budget)).rejects.toBeInstanceOf(WaitTimeoutError);
      // At most one probe per interval, plus the fast ones of the back-off (100, 200, …
      // below the interval) and the first one at time 0.
      const backOff =
        Math.max(0, Math.ceil(Math.log2(budget.intervalMs / FIRST_POLL_DELAY_MS))) + 1;
      const bound = Math.ceil(budget.budgetMs / budget.intervalMs) + backOff + 1;
      expect(probes()).toBeLessThanOrEqual(bound);
      // And it is not so stingy that it polls far less than once per interval.
      expect(probes()).toBeGreaterThanOrEqual(Math.floor(budget.budgetMs / budget.intervalMs));
      // It does not overshoot the budget by more than one interval.
      expect(clock.now()).toBeLessThan(budget.budgetMs + budget.intervalMs);
    },
  );

  it("polls the default budget about 480 times, not thousands", async () => {
    const { spec, probes } = volume(["creating"]);
    await expect(waitFor(spec, virtualClock(), DEFAULT_BUDGET)).rejects.toThrow("within 120 s");
    expect(probes()).toBeGreaterThan(475);
    expect(probes()).toBeLessThanOrEqual(485);
  });

  it("polls at most 5 times in a wait's first second, and 4 per second after", async () => {
    const clock = recordingClock();
    const { spec } = volume(["creating"]);
    await expect(waitFor(spec, clock, { ...DEFAULT_BUDGET, budgetMs: 3_000 })).rejects.toThrow();
    let now = 0;
    const at = [0, ...clock.sleeps.map((sleep) => (now += sleep))];
    expect(at.filter((t) => t < 1000)).toEqual([0, 100, 300, 550, 800]);
    expect(at.filter((t) => t >= 1000 && t < 2000)).toHaveLength(4);
  });
});

describe("waitFor progress", () => {
  const lines = (budget: WaitBudget, states = ["creating"]) => {
    const said: string[] = [];
    const { spec } = volume(states);
    return waitFor(spec, virtualClock(), budget, (line) => said.push(line)).then(
      () => said,
      () => said,
    );
  };

  it("says what it waits for every 5 s, from the first poll at or after each mark", async () => {
    expect(await lines({ intervalMs: 100, budgetMs: 16_000 })).toEqual([
      "waiting for volume 1f2e to reach status available: 5 s of 16 s, status creating",
      "waiting for volume 1f2e to reach status available: 10 s of 16 s, status creating",
      "waiting for volume 1f2e to reach status available: 15 s of 16 s, status creating",
    ]);
  });

  it("says it at the 5 s mark itself", async () => {
    // Polls every 100 ms: the 51st is at exactly 5 s and sees the one `reserved`.
    const states = [...Array(50).fill("creating"), "reserved", "attaching"];
    expect(await lines({ intervalMs: 100, budgetMs: 6_000 }, states)).toEqual([
      "waiting for volume 1f2e to reach status available: 5 s of 6 s, status reserved",
    ]);
  });

  it("rounds the seconds waited", async () => {
    // Polls at 0, 100, 300, 700 ms, then every interval: the first at or after 5 s is at
    // 5.6 s with a 700 ms interval, at 6.3 s with 1.6 s.
    expect(await lines({ intervalMs: 700, budgetMs: 5_600 })).toEqual([
      "waiting for volume 1f2e to reach status available: 6 s of 5.6 s, status creating",
    ]);
    expect(await lines({ intervalMs: 1_600, budgetMs: 6_300 })).toEqual([
      "waiting for volume 1f2e to reach status available: 6 s of 6.3 s, status creating",
    ]);
  });

  it("says nothing on a wait shorter than 5 s, nor once the state is reached", async () => {
    expect(await lines({ intervalMs: 100, budgetMs: 4_900 })).toEqual([]);
    expect(await lines(DEFAULT_BUDGET, ["creating", "available"])).toEqual([]);
  });
});
