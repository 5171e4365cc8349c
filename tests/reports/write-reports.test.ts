import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Scenario } from "../../src/engine/scenario.ts";
import { consoleReporter } from "../../src/reports/console.ts";
import { EXIT_CODES, exitCodeFor } from "../../src/reports/exit-codes.ts";
import { ReportWriteError, writeReports } from "../../src/reports/write-reports.ts";
import { CATALOG } from "../scenarios/catalog.ts";
import {
  ALL,
  CANARY,
  CONFORMS,
  DEVIATION,
  FAILS,
  finishedRun,
  PASSWORD,
  SKIPPED,
} from "../support/sample-outcomes.ts";

const SCENARIO = CATALOG[0] as Scenario;
const folders: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "reports-"));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("writeReports", () => {
  it("creates the folder and writes results.json, junit.xml, summary.md and index.html", async () => {
    const dir = join(scratch(), "nested", "reports");
    const paths = await writeReports(dir, finishedRun(ALL, { knownSecrets: [PASSWORD] }));
    expect(paths).toEqual({
      results: join(dir, "results.json"),
      junit: join(dir, "junit.xml"),
      markdown: join(dir, "summary.md"),
      html: join(dir, "index.html"),
    });
    expect(JSON.parse(readFileSync(paths.results, "utf8")).summary.total).toBe(5);
    expect(readFileSync(paths.junit, "utf8")).toMatch(/^<\?xml/);
    expect(readFileSync(paths.markdown, "utf8")).toMatch(/^## ❌ Conformance failed/);
    expect(readFileSync(paths.html, "utf8")).toMatch(/^<!doctype html>/);
  });

  it("never lets a secret from the exchanges or the caller reach a report", async () => {
    const paths = await writeReports(scratch(), finishedRun(ALL, { knownSecrets: [PASSWORD] }));
    const files = Object.values(paths).map((path) => readFileSync(path, "utf8"));
    // The password's special characters come out escaped in XML and Markdown, so look for the
    // distinctive fragments too.
    const fragments = [
      CANARY,
      PASSWORD,
      "canary-token",
      "rd`canary",
      "wo|rd",
      "wo\\|rd",
      "&amp;ss",
    ];
    const console: string[] = [];
    const stream = { write: (text: string) => console.push(text) };
    const report = consoleReporter({
      out: stream,
      err: stream,
      color: false,
      verbose: true,
      knownSecrets: () => [PASSWORD],
    });
    for (const outcome of ALL) {
      for (const exchange of outcome.exchanges) {
        await report({ type: "exchange", scenario: SCENARIO, exchange });
      }
      await report({ type: "scenario-finished", outcome });
    }
    for (const text of [...files, console.join("")]) {
      for (const fragment of fragments) expect(text).not.toContain(fragment);
    }
    // Proof that the secrets were there to remove: where they stood, REDACTED stands now.
    for (const text of files) expect(text).toContain("REDACTED");
  });

  it("names the folder when it cannot write there", async () => {
    const blocker = join(scratch(), "not-a-folder");
    writeFileSync(blocker, "");
    const attempt = writeReports(join(blocker, "reports"), finishedRun(ALL));
    await expect(attempt).rejects.toThrow(ReportWriteError);
    await expect(attempt).rejects.toThrow(`cannot write the reports into ${blocker}/reports:`);
  });
});

describe("exitCodeFor", () => {
  it("is 0 when every scenario conforms, deviates as known or is skipped", () => {
    expect(exitCodeFor([CONFORMS, DEVIATION, SKIPPED])).toBe(EXIT_CODES.green);
    expect(exitCodeFor([SKIPPED, DEVIATION])).toBe(0);
  });

  it("is 3 when the run judged no case: none selected, or every one skipped", () => {
    expect(exitCodeFor([])).toBe(EXIT_CODES.judgedNothing);
    expect(exitCodeFor([SKIPPED, SKIPPED])).toBe(3);
  });

  it("is 1 when any scenario fails or errors, or a ledger entry is stale", () => {
    expect(exitCodeFor([CONFORMS, FAILS])).toBe(EXIT_CODES.failed);
    expect(exitCodeFor(ALL)).toBe(1);
    expect(exitCodeFor([CONFORMS, DEVIATION], ["old-entry"])).toBe(1);
    expect(exitCodeFor([SKIPPED, FAILS])).toBe(1);
  });

  it("keeps 2 for configuration errors", () => {
    expect(EXIT_CODES.configuration).toBe(2);
  });
});
