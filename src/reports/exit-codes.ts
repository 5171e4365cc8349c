import { GREEN, type ScenarioOutcome } from "../engine/outcome.ts";

/** How the conformance command ends; CI branches on these. */
export const EXIT_CODES = {
  /** Every scenario conforms, deviates only as the deviations file says, or was skipped, and
   * at least one was judged. */
  green: 0,
  /** At least one scenario fails or errors, or a run of the whole catalog left a ledger entry unused. */
  failed: 1,
  /** The run could not start: bad flags, no target, unreadable target description. Set by the CLI. */
  configuration: 2,
  /** The run judged no case: nothing was selected, or every case was skipped. It proves nothing. */
  judgedNothing: 3,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The run as a whole, as results.json and summary.md state it. */
export type RunVerdict = "green" | "failed" | "judged-nothing";

/**
 * The verdict of a run that got as far as outcomes. `staleDeviations` are ledger entries that
 * matched nothing in a run that could tell (the whole catalog, every case judged).
 */
export function runVerdict(
  outcomes: readonly ScenarioOutcome[],
  staleDeviations: readonly string[] = [],
  incomplete: readonly string[] = [],
): RunVerdict {
  if (!outcomes.every((outcome) => GREEN.includes(outcome.verdict))) return "failed";
  if (staleDeviations.length > 0 || incomplete.length > 0) return "failed";
  return outcomes.some((outcome) => outcome.verdict !== "skipped") ? "green" : "judged-nothing";
}

/** The exit code of a run that got as far as outcomes; configuration errors never get here. */
export function exitCodeFor(
  outcomes: readonly ScenarioOutcome[],
  staleDeviations: readonly string[] = [],
  incomplete: readonly string[] = [],
): ExitCode {
  const verdict = runVerdict(outcomes, staleDeviations, incomplete);
  return verdict === "green"
    ? EXIT_CODES.green
    : verdict === "failed"
      ? EXIT_CODES.failed
      : EXIT_CODES.judgedNothing;
}

/** The one line that says why a run judged nothing; undefined when it judged something. */
export function judgedNothingLine(outcomes: readonly ScenarioOutcome[]): string | undefined {
  if (outcomes.some((outcome) => outcome.verdict !== "skipped")) return undefined;
  return outcomes.length === 0
    ? "judged nothing: the selection held no case; the run proves nothing (exit 3)"
    : `judged nothing: ${outcomes.length === 1 ? "the one selected case was" : `all ${outcomes.length} selected cases were`} skipped (reasons above); the run proves nothing (exit 3)`;
}
