import { GREEN, type ScenarioOutcome } from "../engine/outcome.ts";

/** How the conformance command ends; CI branches on these. */
export const EXIT_CODES = {
  /** Every scenario conforms, deviates only as the deviations file says, or was skipped. */
  green: 0,
  /** At least one scenario fails or errors. */
  failed: 1,
  /** The run could not start: bad flags, no target, unreadable target description. Set by the CLI. */
  configuration: 2,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The exit code of a run that got as far as outcomes; configuration errors never get here. */
export function exitCodeFor(outcomes: ScenarioOutcome[]): ExitCode {
  return outcomes.every((outcome) => GREEN.includes(outcome.verdict))
    ? EXIT_CODES.green
    : EXIT_CODES.failed;
}
