import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../src/engine/events.ts";
import type { Scenario } from "../../src/engine/scenario.ts";
import { consoleReporter, useColor } from "../../src/reports/console.ts";
import { CATALOG } from "../scenarios/catalog.ts";
import {
  ALL,
  DEVIATION,
  FAILS,
  finishedRun,
  PASSWORD,
  SKIPPED,
} from "../support/sample-outcomes.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes is the point
const ANSI = /\u001b\[/;
const SCENARIO = CATALOG[0] as Scenario;

/** What the reporter writes for `events`, to its two streams. */
function render(events: RunEvent[], options: { color?: boolean; verbose?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const report = consoleReporter({
    out: { write: (text: string) => out.push(text) },
    err: { write: (text: string) => err.push(text) },
    color: options.color ?? false,
    verbose: options.verbose ?? false,
    knownSecrets: () => [PASSWORD],
  });
  for (const event of events) void report(event);
  return { out: out.join(""), err: err.join("") };
}

const finished = (outcomes = ALL): RunEvent[] => [
  ...outcomes.map((outcome): RunEvent => ({ type: "scenario-finished", outcome })),
  { type: "run-finished", run: finishedRun(outcomes, { staleDeviations: ["old-entry"] }) },
];

describe("consoleReporter", () => {
  const { out } = render(finished());
  const lines = out.split("\n");

  it("writes one line per scenario as it finishes: verdict, short id, title, operation, statuses", () => {
    expect(lines[0]).toMatch(
      /^conforms {3}f265672f {2}detaches an attached volume +detachVolume +202 → 202$/,
    );
    expect(out).toMatch(/\nerror {6}0826bd7a .* 409 → –/);
  });

  it("names the ledger entries of a known deviation", () => {
    const ids = DEVIATION.findings.filter((f) => f.deviation && !f.support).map((f) => f.deviation);
    expect(ids.length).toBeGreaterThan(0);
    const line = lines.find((l) => l.startsWith("deviation")) ?? "";
    for (const id of ids) expect(line).toContain(id);
  });

  it("follows a red line with what failed", () => {
    const at = out.indexOf(FAILS.scenario.id.slice(0, 8));
    const after = out.slice(at);
    const failed = FAILS.findings.find((f) => !f.ok && !f.deviation);
    expect(failed).toBeDefined();
    expect(after).toContain(`check ${failed?.check}`);
  });

  it("ends with every verdict counted apart, and stale ledger entries", () => {
    expect(out).toContain("5 scenarios: 1 conform, 1 known deviation, 1 fail, 1 error, 1 skipped");
    expect(out).toContain(
      "stale ledger entry old-entry: it matched nothing in a run of the whole catalog; remove it from tests/deviations/",
    );
  });

  it("names the red cases after the counts, fails and errors, at most ten", () => {
    const red = ALL.filter((o) => o.verdict === "fails" || o.verdict === "error");
    const closing = lines[lines.findIndex((l) => l.startsWith("5 scenarios")) + 1] ?? "";
    expect(red.length).toBe(2);
    expect(closing.startsWith("red: ")).toBe(true);
    const named = closing.slice("red: ".length).split("; ");
    expect(named.map((n) => `${n.slice(0, 8)} ${n.slice(n.lastIndexOf("("))}`)).toEqual(
      red.map((o) => `${o.scenario.id.slice(0, 8)} (${o.verdict})`),
    );
    const many = Array.from({ length: 12 }, () => FAILS);
    const tail = render([{ type: "run-finished", run: finishedRun(many) }]).out;
    expect(tail.match(/\(fails\)/g)).toHaveLength(10);
    expect(tail).toContain("; and 2 more\n");
  });

  it("counts one scenario in the singular", () => {
    const one = render([
      {
        type: "run-started",
        scenarios: [SCENARIO],
        target: finishedRun([]).target,
        startedAt: new Date(),
      },
      { type: "run-finished", run: finishedRun([DEVIATION]) },
    ]).out;
    expect(one).toContain("1 scenario on ");
    expect(one).toContain("1 scenario: 0 conform, 1 known deviation,");
  });

  it("says in one line that a run judged nothing: every case skipped, or none selected", () => {
    const closing = (outcomes: typeof ALL, more = {}) =>
      render([{ type: "run-finished", run: finishedRun(outcomes, more) }]).out;
    expect(closing([SKIPPED, SKIPPED])).toContain(
      "judged nothing: all 2 selected cases were skipped (reasons above); the run proves nothing (exit 3)",
    );
    expect(closing([])).toContain("judged nothing: the selection held no case");
    expect(closing([SKIPPED, DEVIATION])).not.toContain("judged nothing");
    expect(closing([SKIPPED], { stoppedBy: "SIGINT" })).not.toContain("judged nothing");
  });

  it("notes ledger entries a partial run did not use, without calling them stale", () => {
    const out = render([
      { type: "run-finished", run: finishedRun([DEVIATION], { unusedDeviations: ["a", "b"] }) },
    ]).out;
    expect(out).toContain("note: 2 entries of tests/deviations/");
    expect(out).not.toContain("stale ledger entry");
  });

  it("clips long titles to one line", () => {
    const long = { ...FAILS, scenario: { ...FAILS.scenario, title: `a\n${"b".repeat(80)}` } };
    expect(render(finished([long])).out).toContain(`a ${"b".repeat(57)}…`);
  });

  it("colours only when asked, and never the closing line", () => {
    expect(out).not.toMatch(ANSI);
    const coloured = render(finished(), { color: true }).out;
    expect(coloured).toMatch(ANSI);
    expect(coloured).toContain("\n5 scenarios: 1 conform");
    expect(coloured.split("\n").find((l) => l.startsWith("5 scenarios"))).not.toMatch(ANSI);
  });

  it("prints waits always and exchanges only with verbose, on the error stream, redacted", () => {
    const exchange = FAILS.exchanges[0];
    if (!exchange) throw new Error("sample without exchanges");
    const events: RunEvent[] = [
      { type: "waiting", scenario: SCENARIO, line: "volume x: waiting for available" },
      {
        type: "exchange",
        scenario: SCENARIO,
        exchange: { ...exchange, request: { ...exchange.request, url: `https://x/${PASSWORD}` } },
      },
    ];
    const quiet = render(events);
    expect(quiet.err).toContain("waiting for available");
    expect(quiet.err).not.toContain("https://x/");
    const verbose = render(events, { verbose: true });
    expect(verbose.err).toContain("https://x/");
    expect(verbose.err).not.toContain(PASSWORD);
    expect(verbose.out).toBe("");
  });
});

describe("useColor", () => {
  it("wants a TTY and no NO_COLOR", () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
  });
});
