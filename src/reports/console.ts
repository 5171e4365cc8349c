import pc from "picocolors";
import type { FinishedRun, RunEvent, Subscriber } from "../engine/events.ts";
import type { ScenarioOutcome, Verdict } from "../engine/outcome.ts";
import { shortId } from "../engine/scenario.ts";
import { redactSecrets } from "../redaction/redact.ts";
import { describeOutcome } from "./describe-outcome.ts";
import { judgedNothingLine } from "./exit-codes.ts";
import {
  counted,
  ownDeviations,
  setUpDeviationNotes,
  statusPair,
  type Tally,
  tally,
} from "./report-data.ts";

type Colors = ReturnType<typeof pc.createColors>;
type Stream = { isTTY?: boolean; write(text: string): unknown };

const PAINT: Record<Verdict, (c: Colors) => (text: string) => string> = {
  conforms: (c) => c.green,
  deviation: (c) => c.yellow,
  fails: (c) => c.red,
  error: (c) => (text) => c.bold(c.red(text)),
  skipped: (c) => c.dim,
};

const TITLE_WIDTH = 60;
const VERDICT_WIDTH = "deviation".length;
const OPERATION_WIDTH = "detachServerVolume".length;

/**
 * Colour only on a terminal, and never when NO_COLOR is set to anything but the empty string
 * (the no-color.org rule). Decided here rather than by picocolors, which looks at
 * process.stdout whatever stream the text goes to.
 */
export function useColor(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

export interface ConsoleOptions {
  /** One line per scenario as it finishes, the failure details, the closing line. */
  out: Stream;
  /** Progress while waiting, and with `verbose` every exchange as it happens. */
  err: Stream;
  color: boolean;
  verbose?: boolean;
  /**
   * Credentials the target knows, scrubbed as well: its passwords, and what it learned so far
   * (one scenario's root password may come back in another's error).
   */
  knownSecrets?: () => string[];
}

/**
 * What a person or a CI log sees while a run goes on: the same lines on a terminal and in a
 * log, flushed as each scenario ends, never a table that waits for the last one.
 */
export function consoleReporter(options: ConsoleOptions): Subscriber {
  const c = pc.createColors(options.color);
  const secrets = options.knownSecrets ?? (() => []);
  return (event: RunEvent) => {
    switch (event.type) {
      case "run-started":
        options.out.write(
          `${counted(event.scenarios.length, "scenario")} on ${event.target.name} (${event.target.mode})\n`,
        );
        return;
      case "waiting":
        options.err.write(`${shortId(event.scenario.id)} ${event.line}\n`);
        return;
      case "exchange":
        if (options.verbose) {
          const { request, response } = event.exchange;
          const line = `${shortId(event.scenario.id)} ${request.method} ${request.url} → ${response.status}`;
          options.err.write(`${redactSecrets(line, secrets())}\n`);
        }
        return;
      case "scenario-finished":
        options.out.write(scenarioLine(event.outcome, c, secrets()));
        return;
      case "run-finished":
        // A leftover's error may quote what the server said, credentials included.
        options.out.write(redactSecrets(closingLines(event.run), secrets()));
        return;
    }
  };
}

/** The scenario's line; a red one is followed by what failed and how to repeat it. */
export function scenarioLine(outcome: ScenarioOutcome, c: Colors, secrets: string[] = []): string {
  const ledger = ownDeviations(outcome);
  const setUp = setUpDeviationNotes(outcome);
  const cells = [
    PAINT[outcome.verdict](c)(outcome.verdict.padEnd(VERDICT_WIDTH)),
    shortId(outcome.scenario.id),
    clip(outcome.scenario.title).padEnd(TITLE_WIDTH),
    outcome.scenario.operation.padEnd(OPERATION_WIDTH),
    statusPair(outcome),
    ...(ledger.length > 0 ? [c.dim(`known: ${ledger.join(", ")}`)] : []),
    ...(setUp.length > 0 ? [c.dim(setUp.join("; "))] : []),
    ...(outcome.verdict === "skipped" && outcome.reason ? [c.dim(outcome.reason)] : []),
  ];
  const line = `${cells.join("  ").trimEnd()}\n`;
  if (outcome.verdict !== "fails" && outcome.verdict !== "error") return line;
  return `${line}${describeOutcome(outcome, secrets)}\n`;
}

/** Counts; an early stop, leftovers, stale ledger entries and a run that judged nothing named. */
export function closingLines(run: FinishedRun): string {
  const lines = ["", countsLine(tally(run.outcomes))];
  const red = redLine(run.outcomes);
  if (red) lines.push(red);
  if (run.stoppedBy) lines.push(`stopped early: ${run.stoppedBy}`);
  for (const leftover of run.leftovers) {
    lines.push(`left behind by the run: ${leftover.label} (${leftover.error})`);
  }
  for (const id of run.staleDeviations) lines.push(staleLine(id, run.target.family));
  const unused = run.unusedDeviations?.length ?? 0;
  if (unused > 0) {
    lines.push(
      `note: ${unused} entries of ${ledgerFile(run.target.family)} matched nothing here; only a run of the whole catalog that judges every case tells whether they are stale`,
    );
  }
  // An interrupted run ends 130/143, whatever it judged.
  const nothing = run.stoppedBy ? undefined : judgedNothingLine(run.outcomes);
  if (nothing) lines.push(nothing);
  return `${lines.join("\n")}\n`;
}

/** At most this many red cases are named in the closing lines; the rest are counted. */
const RED_NAMED = 10;

/** The red cases (fails and errors) by short id and title, so a long log need not be searched. */
export function redLine(outcomes: readonly ScenarioOutcome[]): string | undefined {
  const red = outcomes.filter((o) => o.verdict === "fails" || o.verdict === "error");
  if (red.length === 0) return undefined;
  const named = red
    .slice(0, RED_NAMED)
    .map((o) => `${shortId(o.scenario.id)} ${clip(o.scenario.title)} (${o.verdict})`);
  const more = red.length > RED_NAMED ? `; and ${red.length - RED_NAMED} more` : "";
  return `red: ${named.join("; ")}${more}`;
}

const ledgerFile = (family: string) => `tests/deviations/${family}.yaml`;

/** A stale ledger entry, and what to do about it. */
export function staleLine(id: string, family: string): string {
  return `stale ledger entry ${id}: it matched nothing in a run of the whole catalog; remove it from ${ledgerFile(family)}, or fix the scenario that should show it`;
}

/** Every verdict counted apart: a run of known deviations is not a run that conforms. */
export function countsLine(counts: Tally): string {
  return `${counted(counts.total, "scenario")}: ${counts.conforms} conform, ${counted(counts.deviation, "known deviation")}, ${counts.fails} fail, ${counted(counts.error, "error")}, ${counts.skipped} skipped`;
}

/** One line, no control characters: they would move the cursor or recolour the terminal. */
function clip(title: string): string {
  const oneLine = title.replace(/\s+/g, " ").replace(/\p{Cc}/gu, "?");
  return oneLine.length <= TITLE_WIDTH ? oneLine : `${oneLine.slice(0, TITLE_WIDTH - 1)}…`;
}
