// A known deviation met by a set-up call (a showVolume 404 with an integer code) says nothing of
// the call under test: every report labels it as the set-up call's, apart from the verdict.
import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { scenarioLine } from "../../src/reports/console.ts";
import { renderHtmlReport } from "../../src/reports/html.ts";
import { renderJunit } from "../../src/reports/junit.ts";
import { renderMarkdown } from "../../src/reports/markdown.ts";
import { RUN, SETUP_DEVIATION } from "../support/sample-outcomes.ts";

const NOTE = "set-up call showVolume: known deviation error-code-integer";
const AS_VERDICT = /deviations: error-code-integer|known: error-code-integer/;

describe("a set-up call's known deviation", () => {
  it("is the set-up call's note on the console line of a case that conforms", () => {
    const line = scenarioLine(SETUP_DEVIATION, pc.createColors(false));
    expect(line).toMatch(/^conforms /);
    expect(line).toContain(NOTE);
    expect(line).not.toMatch(AS_VERDICT);
  });

  it("is the set-up call's note in summary.md", () => {
    const row = renderMarkdown([SETUP_DEVIATION], RUN, [])
      .split("\n")
      .find((l) => l.startsWith("| `758013ac`"));
    expect(row).toMatch(new RegExp(`conforms \\| 202 → 202 \\| ${NOTE} \\|$`));
    expect(row).not.toMatch(AS_VERDICT);
  });

  it("is the set-up call's note in index.html, in the table and the case's section", () => {
    const html = renderHtmlReport([SETUP_DEVIATION], RUN, {
      family: RUN.family,
      description: "",
      deviations: [],
    });
    expect(html).toContain(`<td data-label="Note">${NOTE}</td>`);
    expect(html).toContain(
      "<li>set-up call <code>showVolume</code>: <code>error-code-integer</code> explains <code>error_code</code>",
    );
    expect(html).not.toMatch(AS_VERDICT);
  });

  it("is the set-up call's line in JUnit's system-out", () => {
    const xml = renderJunit([SETUP_DEVIATION], RUN);
    expect(xml).toContain(`<system-out>${NOTE}: error_code, actual: 404</system-out>`);
    expect(xml).not.toContain("<failure");
  });
});
