import type { Clients } from "../clients/clients.ts";
import type { ResolvedVersion } from "../clients/versions.ts";
import type { TargetResources } from "../config/description.ts";
import type { Resume } from "../resources/compute-pause.ts";
import type { Fixtures } from "../resources/fixtures.ts";
import type { Waiting } from "../resources/states.ts";

/** What a scenario sees: the users' clients, its fixtures, and values that replay identically. */
export interface ScenarioContext {
  readonly scenarioId: string;
  readonly member: Clients;
  /** Present only when the target gives an admin user. */
  readonly admin: Clients | undefined;
  /** Present only when the target gives a user with only `reader` on the project. */
  readonly reader: Clients | undefined;
  readonly fixtures: Fixtures;
  readonly resources: TargetResources;
  readonly waiting: Waiting;
  /** The version the call under test runs at; pass `version.request` to the call. */
  readonly version: ResolvedVersion;
  /**
   * A random UUID, recorded with the scenario's cassette so that a replay sends the very
   * same request (an unknown volume id, an instance uuid).
   */
  uuid(label: string): string;
  /** Holds the target's compute service still until the returned function is called. */
  pauseCompute(): Promise<Resume>;
  /** Milliseconds since the call under test answered, on the waiters' clock. */
  sinceCall(): number;
  /** Reports a figure (ms) with the outcome; replay gives the figure measured when recorded. */
  measure(label: string, ms: number): number;
}
