import type { Scenario } from "../engine/scenario.ts";

/**
 * Where a scenario is: setting up, making the call under test, judging the resources'
 * state afterwards, or cleaning up. Mutants act only in the phases they name, so that the
 * cleanup always sees the real server and removes what the scenario created.
 */
export type Phase = "arrange" | "act" | "settle" | "cleanup";

export type PhaseListener = (left: Phase, entered: Phase) => Promise<void>;

/** The phase of one scenario run, changed by the wrapper `tracked` returns. */
export class PhaseTracker {
  #phase: Phase = "arrange";
  readonly #listeners: PhaseListener[] = [];

  get phase(): Phase {
    return this.#phase;
  }

  onChange(listener: PhaseListener): void {
    this.#listeners.push(listener);
  }

  async enter(phase: Phase): Promise<void> {
    const left = this.#phase;
    if (left === phase) return;
    this.#phase = phase;
    for (const listener of this.#listeners) await listener(left, phase);
  }
}

const trackers = new WeakMap<Scenario, PhaseTracker>();

/**
 * The scenario with the same id, requirements and steps, reporting its phase to a tracker.
 * Targets hand this very object to interposers, which find the tracker with `trackerOf`.
 */
export function tracked(scenario: Scenario): { scenario: Scenario; tracker: PhaseTracker } {
  const tracker = new PhaseTracker();
  const step =
    <A extends unknown[], R>(during: Phase, then: Phase, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await tracker.enter(during);
      try {
        const result = await run(...args);
        await tracker.enter(then);
        return result;
      } catch (error) {
        await tracker.enter("cleanup");
        throw error;
      }
    };
  const { settle } = scenario;
  const wrapped: Scenario = {
    ...scenario,
    arrange: step("arrange", "arrange", (ctx) => scenario.arrange(ctx)),
    act: step("act", settle ? "settle" : "cleanup", (ctx, state) => scenario.act(ctx, state)),
    ...(settle && {
      settle: step("settle", "cleanup", (ctx, state) => settle.call(scenario, ctx, state)),
    }),
  };
  trackers.set(wrapped, tracker);
  return { scenario: wrapped, tracker };
}

export function trackerOf(scenario: Scenario): PhaseTracker | undefined {
  return trackers.get(scenario);
}
