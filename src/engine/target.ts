import type { Clients } from "../clients/clients.ts";
import type { Volume } from "../clients/evs.ts";
import type { TargetResources } from "../config/description.ts";
import type { OperationContract } from "../contract/load-spec.ts";
import type { Leftover } from "../resources/cleanup.ts";
import type { Resume } from "../resources/compute-pause.ts";
import type { ServerFixture } from "../resources/fixtures.ts";
import type { Waiting } from "../resources/states.ts";
import type { Exchange } from "../transport/exchange.ts";
import type { ScenarioOutcome } from "./outcome.ts";
import type { Requirement, Scenario } from "./scenario.ts";

/** What a target (live, record or replay) gives one scenario. */
export interface ScenarioSession {
  readonly runId: string;
  readonly member: Clients;
  readonly admin: Clients | undefined;
  readonly reader: Clients | undefined;
  readonly resources: TargetResources;
  readonly waiting: Waiting;
  /** Every exchange of the scenario so far, in order. */
  readonly exchanges: Exchange[];
  uuid(label: string): string;
  /**
   * A figure the scenario measured (ms), kept with the recording: replay gives back the
   * figure measured live, since replayed waits take no time.
   */
  measure(label: string, ms: number): number;
  /**
   * The server the run shares among scenarios that leave its state alone: booted on first use
   * live, taken from the recording in replay.
   */
  sharedServer(): Promise<ServerFixture>;
  /**
   * A plain volume the run lends, as new (`label` names it in the recording): borrowed live,
   * taken from the recording in replay.
   */
  sharedVolume(label: string): Promise<Volume>;
  /** Gives a borrowed volume back, as the scenario's clean-up last saw it. */
  returnVolume(volume: Volume): void;
  /**
   * Holds the target's compute service still until the returned function is called: live
   * with SIGSTOP (requirement `compute-pause`), a no-op in replay, whose cassette holds the
   * pause's effect.
   */
  pauseCompute(): Promise<Resume>;
  /** Record writes the cassette; replay fails when recorded exchanges were left unused. */
  finish(outcome: ScenarioOutcome): Promise<void>;
}

/** How a target answers: a live cloud, a live cloud whose answers are recorded, or cassettes. */
export type Mode = "live" | "record" | "replay";

/** What the engine hears from a scenario's session while it runs. */
export interface SessionHooks {
  onExchange(exchange: Exchange): void;
  /** A line about a long wait: what is awaited, for how long so far, and the budget. */
  onProgress(line: string): void;
}

/** For a session nobody listens to. */
export const QUIET_HOOKS: SessionHooks = { onExchange: () => {}, onProgress: () => {} };

/** A place the catalog runs against. */
export interface Target {
  readonly name: string;
  /** Selects the reviewed deviations file, e.g. `upstream-openstack`. */
  readonly family: string;
  readonly mode: Mode;
  /** Whether scenarios may run side by side (each owns its resources). */
  readonly concurrent: boolean;
  operation(operationId: string): OperationContract;
  /** Why the target cannot meet a requirement, or `undefined` when it can. */
  unmet(requirement: Requirement, scenario: Scenario): string | undefined;
  openScenario(scenario: Scenario, hooks?: SessionHooks): Promise<ScenarioSession>;
  /** Credentials known to the target, for reports to scrub (exchanges are scrubbed anyway). */
  knownSecrets(): string[];
  /**
   * Removes what the run as a whole created (the shared server and volumes) and returns what
   * could not be removed. The engine calls it once no scenario runs any more; `close` calls it
   * too.
   */
  release(): Promise<Leftover[]>;
  close(): Promise<void>;
}

/**
 * Sits between a scenario's clients and the target, e.g. to break responses on purpose
 * (mutants) or to inject faults. Auth requests do not pass through it.
 */
export type Interposer = (fetchFn: typeof fetch, scenario: Scenario) => typeof fetch;
