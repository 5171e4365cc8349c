import pc from "picocolors";
import type { ScenarioOutcome, Verdict } from "../engine/outcome.ts";
import { renderRedacted } from "../redaction/redact.ts";
import { shortId, statusPair, summaryLine, tally } from "./report-data.ts";
import type { ResultsFile } from "./results.ts";

type Colors = ReturnType<typeof pc.createColors>;

const PAINT: Record<Verdict, (c: Colors) => (text: string) => string> = {
  conforms: (c) => c.green,
  deviation: (c) => c.yellow,
  fails: (c) => c.red,
  error: (c) => (text) => c.bold(c.red(text)),
  skipped: (c) => c.dim,
};

const TITLE_WIDTH = 60;

/**
 * Colour only on a terminal, and never when NO_COLOR is set to anything but the empty string
 * (the no-color.org rule). Decided here rather than by picocolors, which looks at
 * process.stdout whatever stream the table goes to.
 */
export function useColor(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** One line of the table: what a person needs to see of a scenario's verdict. */
export interface TableRow {
  verdict: Verdict;
  id: string;
  title: string;
  operation: string;
  /** `expected → seen`, e.g. `200 → 202`. */
  status: string;
}

/**
 * The table a person reads after a run, then `N passed, N failed, N skipped` on the last line,
 * uncoloured, because CI greps for it.
 */
export function renderConsole(
  outcomes: ScenarioOutcome[],
  color: boolean,
  knownSecrets: string[] = [],
): string {
  return renderRedacted(outcomes, knownSecrets, (clean) =>
    renderTable(
      clean.map((o) => ({
        verdict: o.verdict,
        id: o.scenario.id,
        title: o.scenario.title,
        operation: o.scenario.operation,
        status: statusPair(o),
      })),
      summaryLine(tally(clean)),
      color,
    ),
  );
}

/** The same table from a results file, as the command line prints it after a run. */
export function renderResultsTable(results: ResultsFile, color: boolean): string {
  return renderTable(
    results.scenarios.map((s) => ({
      verdict: s.verdict,
      id: s.id,
      title: s.title,
      operation: s.operation,
      status: `${s.expected.status} → ${s.call?.response.status ?? "–"}`,
    })),
    summaryLine(results.summary),
    color,
  );
}

function renderTable(rows: TableRow[], summary: string, color: boolean): string {
  const c = pc.createColors(color);
  const cells = rows.map((row) => [
    row.verdict,
    shortId(row.id),
    clip(row.title),
    row.operation,
    row.status,
  ]);
  const header = ["verdict", "scenario", "title", "operation", "expected → seen"];
  const widths = header.map((name, i) =>
    Math.max(name.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  // Pad before colouring: escape codes have no width on screen but count in `length`.
  const padded = (line: string[]) => line.map((value, i) => value.padEnd(widths[i] ?? 0));
  const join = (line: string[]) => line.join("  ").trimEnd();
  return [
    c.bold(join(padded(header))),
    ...rows.map((row, i) => {
      const [verdict = "", ...rest] = padded(cells[i] ?? []);
      return join([PAINT[row.verdict](c)(verdict), ...rest]);
    }),
    "",
    summary,
    "",
  ].join("\n");
}

/** Writes the table to `stream`, coloured when `useColor` says so. */
export function printConsole(
  outcomes: ScenarioOutcome[],
  stream: { isTTY?: boolean; write(text: string): unknown } = process.stdout,
  env: Record<string, string | undefined> = process.env,
  knownSecrets: string[] = [],
): void {
  stream.write(renderConsole(outcomes, useColor(stream, env), knownSecrets));
}

/** One line, no control characters: they would move the cursor or recolour the terminal. */
function clip(title: string): string {
  const oneLine = title.replace(/\s+/g, " ").replace(/\p{Cc}/gu, "?");
  return oneLine.length <= TITLE_WIDTH ? oneLine : `${oneLine.slice(0, TITLE_WIDTH - 1)}…`;
}
