import { describe, expect, it } from "vitest";
import { printConsole, renderConsole, useColor } from "../../src/reports/console.ts";
import { ALL, FAILS } from "../support/sample-outcomes.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes is the point
const ANSI = /\u001b\[/;

describe("renderConsole", () => {
  const plain = renderConsole(ALL, false);
  const lines = plain.trimEnd().split("\n");

  it("shows verdict, short id, title, operation and statuses, aligned", () => {
    expect(lines[0]).toMatch(/^verdict {4}scenario {2}title +operation +expected → seen$/);
    expect(lines[1]).toMatch(
      /^conforms {3}f265672f {2}detaches an attached volume +detachVolume +202 → 202$/,
    );
    expect(lines[4]).toMatch(/^error {6}0826bd7a .* 409 → –$/);
    const operationColumn = lines[0]?.indexOf("operation") ?? -1;
    for (const row of lines.slice(1, 6)) {
      expect(row.slice(operationColumn)).toMatch(/^detach(Server)?Volume /);
    }
    expect(lines[3]).toContain('answers 404 for <unknown> & "missing" | *volume*?\uffff');
  });

  it("ends with the line CI reads", () => {
    expect(lines.at(-1)).toBe("2 passed, 2 failed, 1 skipped");
    expect(lines.at(-2)).toBe("");
  });

  it("clips long titles to one line", () => {
    const long = { ...FAILS, scenario: { ...FAILS.scenario, title: `a\n${"b".repeat(80)}` } };
    const row = renderConsole([long], false).split("\n")[1] ?? "";
    expect(row).toContain(`a ${"b".repeat(57)}…`);
  });

  it("colours only when asked, and never the summary line", () => {
    expect(plain).not.toMatch(ANSI);
    const coloured = renderConsole(ALL, true).trimEnd().split("\n");
    expect(coloured[1]).toMatch(ANSI);
    expect(coloured.at(-1)).toBe("2 passed, 2 failed, 1 skipped");
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

describe("printConsole", () => {
  it("writes the table to the stream it is given", () => {
    const chunks: string[] = [];
    printConsole(
      ALL,
      { isTTY: true, write: (chunk: string) => chunks.push(chunk) },
      { NO_COLOR: "1" },
    );
    expect(chunks).toEqual([renderConsole(ALL, false)]);
  });
});
