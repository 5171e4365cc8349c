import type { Leftover } from "../resources/cleanup.ts";
import type { Exchange } from "../transport/exchange.ts";
import type { ScenarioOutcome } from "./outcome.ts";
import type { Scenario } from "./scenario.ts";
import type { Target } from "./target.ts";

/** What reports know of the target a run went against. */
export interface TargetInfo {
  name: string;
  family: string;
  mode: Target["mode"];
}

/**
 * What the engine tells its subscribers, in order: one `run-started`, then per scenario a
 * `scenario-started`, its `exchange`s and `waiting` lines, a `scenario-finished`; last one
 * `run-finished`. Concurrent scenarios interleave.
 */
export type RunEvent =
  | { type: "run-started"; target: TargetInfo; scenarios: readonly Scenario[]; startedAt: Date }
  | { type: "scenario-started"; scenario: Scenario }
  | { type: "exchange"; scenario: Scenario; exchange: Exchange }
  | { type: "waiting"; scenario: Scenario; line: string }
  | { type: "scenario-finished"; outcome: ScenarioOutcome }
  | { type: "run-finished"; run: FinishedRun };

export interface FinishedRun {
  target: TargetInfo;
  startedAt: Date;
  finishedAt: Date;
  /** In catalog order, whatever order they finished in. */
  outcomes: ScenarioOutcome[];
  /** The reason the run stopped early: an interruption, or `--bail` after a red verdict. */
  stoppedBy?: string;
  /**
   * Deviation entries no finding used in a run of the whole catalog that judged every case
   * they could explain: they fail the run.
   */
  staleDeviations: string[];
  /** Entries no finding used where the run could not tell (a partial selection, unjudged cases). */
  unusedDeviations?: string[];
  /** What the run as a whole created (the shared server) and could not remove. */
  leftovers: Leftover[];
  /** Credentials the target knows, for reports to scrub besides what exchanges carry. */
  knownSecrets: string[];
}

/** A reporter: called for every event; a returned promise is awaited before the run returns. */
export type Subscriber = (event: RunEvent) => void | Promise<void>;
