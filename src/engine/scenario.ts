import type { Expectation, Finding } from "../checks/types.ts";
import { type ApiVersion, VERSIONS_OF } from "../clients/versions.ts";
import type { Exchange } from "../transport/exchange.ts";
import type { ScenarioContext } from "./context.ts";

/** The two operations under test, in the order reports list them. */
export const OPERATIONS = ["detachVolume", "detachServerVolume"] as const;
export type OperationUnderTest = (typeof OPERATIONS)[number];

/** The kinds of case, in the order reports list them; each names a file of the catalog. */
export const CATEGORIES = [
  "happy-path",
  "missing-attachment-id",
  "not-found",
  "wrong-state",
  "malformed-body",
  "auth",
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * What a target must offer for a scenario to run; a scenario lacking one is skipped.
 * `own-server`: a server the suite creates, for cases that would disturb a shared one (a lock).
 * `compute-pause`: a way to hold the target's compute service still (a target on this machine).
 */
export type Requirement =
  | "admin"
  | "reader"
  | "server"
  | "own-server"
  | "multiattach"
  | "image"
  | "compute-pause";

/**
 * One case of the catalog. `id` is a UUID that never changes once published, so reports,
 * cassettes and deviation entries can cite it (like Tempest's `idempotent_id`).
 */
export interface Scenario<State = unknown> {
  id: string;
  title: string;
  operation: OperationUnderTest;
  category: Category;
  tags?: string[];
  requires?: Requirement[];
  /** What the documentation says about this case, and where it says it. */
  documented: string;
  /**
   * The API versions the call under test runs at, one case each (`<id>@<version>`, its own
   * cassette and verdict); absent: once, unversioned, under the plain id.
   */
  versions?: readonly ApiVersion[];
  /** Set on each case of a versioned scenario: its version, and the scenario's own id. */
  version?: ApiVersion;
  baseId?: string;
  expect: Expectation;
  /** Creates the preconditions; everything created registers its own cleanup. */
  arrange(ctx: ScenarioContext): Promise<State>;
  /** The one call under test. Never retried: a second detach changes the outcome. */
  act(ctx: ScenarioContext, state: State): Promise<Exchange>;
  /** Checks the resources' state after the call; findings use the `final_state` check. */
  settle?(ctx: ScenarioContext, state: State): Promise<Finding[]>;
}

/** Keeps the state type of each scenario while the catalog holds them side by side. */
export function defineScenario<State>(scenario: Scenario<State>): Scenario {
  return scenario as Scenario;
}

/** The cases of a catalog: each versioned scenario once per version it names. */
export function atVersions(catalog: readonly Scenario[]): Scenario[] {
  return catalog.flatMap((scenario) => {
    if (!scenario.versions) return [scenario];
    const unknown = scenario.versions.filter((v) => !VERSIONS_OF[scenario.operation].includes(v));
    if (unknown.length > 0) {
      throw new Error(
        `scenario ${scenario.id} names version ${unknown.join(", ")}, which ${scenario.operation} does not have (it has ${VERSIONS_OF[scenario.operation].join(", ")})`,
      );
    }
    return scenario.versions.map((version) => ({
      ...scenario,
      id: `${scenario.id}@${version}`,
      baseId: scenario.id,
      version,
    }));
  });
}

/** The scenario's own id of a case id (`<id>@<version>` or a plain id). */
export function baseIdOf(id: string): string {
  return id.split("@")[0] ?? id;
}

/** The id as reports print it: the UUID's first 8 digits, and the version of a case. */
export function shortId(id: string): string {
  const version = id.split("@")[1];
  const uuid = baseIdOf(id).slice(0, 8);
  return version ? `${uuid}@${version}` : uuid;
}
