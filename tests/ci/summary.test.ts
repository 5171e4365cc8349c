import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { JsonAssertionResult, JsonTestResults } from "vitest/reporters";
import {
  type AllowedSkip,
  type AllowList,
  type Input,
  loadAllowedSkips,
  readInput,
  summarize,
} from "../../scripts/ci/summary.ts";
import { ROOT } from "../../src/paths.ts";
import type { ResultsFile, ScenarioResult } from "../../src/reports/results.ts";

const ROOT_DIR = "/repo";
const NONE: AllowList = { tests: [], scenarios: [] };
const allowing = (tests: AllowedSkip[]): AllowList => ({ tests, scenarios: [] });

function test(title: string, status: JsonAssertionResult["status"]): JsonAssertionResult {
  return {
    ancestorTitles: ["against the target"],
    fullName: `against the target ${title}`,
    status,
    title,
    meta: {},
    failureMessages: status === "failed" ? ["boom"] : [],
    tags: [],
  };
}

function vitestRun(
  files: Record<string, JsonAssertionResult[]>,
  broken: Record<string, string> = {},
): Input {
  const testResults = [
    ...Object.entries(files).map(([file, assertionResults]) => ({
      name: `${ROOT_DIR}/${file}`,
      status: assertionResults.some((a) => a.status === "failed") ? "failed" : "passed",
      message: "",
      startTime: 0,
      endTime: 0,
      assertionResults,
    })),
    ...Object.entries(broken).map(([file, message]) => ({
      name: `${ROOT_DIR}/${file}`,
      status: "failed",
      message,
      startTime: 0,
      endTime: 0,
      assertionResults: [],
    })),
  ];
  return { path: "tests.json", kind: "vitest", data: { testResults } as JsonTestResults };
}

function catalogRun(mode: "replay" | "live", verdicts: [string, string, string?][]): Input {
  const summary = { total: 0, conforms: 0, deviation: 0, fails: 0, error: 0, skipped: 0 };
  const scenarios = verdicts.map(([id, verdict, reason]) => {
    summary[verdict as keyof typeof summary] += 1;
    summary.total += 1;
    return { id, title: `scenario ${id}`, verdict, ...(reason && { reason }) } as ScenarioResult;
  });
  const data = { run: { mode }, summary, scenarios } as unknown as ResultsFile;
  return { path: `${mode}/results.json`, kind: "results", data };
}

describe("summarize", () => {
  it("counts a test skipped without the target and run once it is up, once, as run", () => {
    const withoutTarget = vitestRun({
      "tests/a.test.ts": [test("one", "passed"), test("two", "skipped")],
    });
    const withTarget = vitestRun({
      "tests/a.test.ts": [test("one", "passed"), test("two", "passed")],
    });
    const { lines, ok } = summarize([withoutTarget, withTarget], NONE, ROOT_DIR);
    expect(lines).toEqual([
      "tests: 2 passed, 0 failed, 0 skipped, 1 of them run once the target was up",
    ]);
    expect(ok).toBe(true);
  });

  it("fails on a test every run skipped, unless the allow-list names it, and prints its reason", () => {
    const run = vitestRun({ "tests/a.test.ts": [test("one", "passed"), test("two", "skipped")] });
    const refused = summarize([run], NONE, ROOT_DIR);
    expect(refused.ok).toBe(false);
    expect(refused.lines).toEqual([
      "tests: 1 passed, 0 failed, 1 skipped",
      "  skipped, not on .ci/allowed-skips.yaml: tests/a.test.ts > against the target > two",
    ]);
    const allowed: AllowedSkip = {
      file: "tests/a.test.ts",
      test: "against the target > two",
      reason: "needs a terminal",
    };
    const accepted = summarize([run], allowing([allowed]), ROOT_DIR);
    expect(accepted.ok).toBe(true);
    expect(accepted.lines).toEqual([
      "tests: 1 passed, 0 failed, 1 skipped (1 allowed)",
      "  allowed skip: tests/a.test.ts > against the target > two: needs a terminal",
    ]);
  });

  it("fails on an allow-list entry that names no test", () => {
    const run = vitestRun({ "tests/a.test.ts": [test("one", "passed")] });
    const stale = { file: "tests/a.test.ts", test: "gone", reason: "renamed since" };
    const { lines, ok } = summarize([run], allowing([stale]), ROOT_DIR);
    expect(ok).toBe(false);
    expect(lines[1]).toBe("  .ci/allowed-skips.yaml names no test: tests/a.test.ts > gone");
  });

  it("fails on a failed test in any run, and on a file that failed outside its tests", () => {
    const first = vitestRun({ "tests/a.test.ts": [test("one", "failed")] });
    const second = vitestRun(
      { "tests/a.test.ts": [test("one", "passed")] },
      { "tests/b.test.ts": "Error: the target is missing\n    at …" },
    );
    const { lines, ok } = summarize([first, second], NONE, ROOT_DIR);
    expect(ok).toBe(false);
    expect(lines).toEqual([
      "tests: 0 passed, 1 failed, 0 skipped, 1 test files failed outside a test",
      "  failed file: tests/b.test.ts: Error: the target is missing",
      "  failed: tests/a.test.ts > against the target > one",
    ]);
  });

  it("reports catalog verdicts apart from tests, skipped scenarios with their reasons", () => {
    const unit = vitestRun({
      "tests/a.test.ts": [test("one", "passed")],
      // The replay catalog inside `npm test`: its verdicts come from its results file.
      "tests/conformance/catalog.test.ts": [test("scenario 1", "skipped")],
    });
    const replay = catalogRun("replay", [["r1", "conforms"]]);
    const live = catalogRun("live", [
      ["l1", "deviation"],
      ["l2@newest", "skipped", "needs an admin user"],
    ]);
    const { lines, ok } = summarize([unit, replay, live], NONE, ROOT_DIR);
    expect(ok).toBe(false);
    expect(lines).toEqual([
      "tests: 1 passed, 0 failed, 0 skipped; replay catalog: 1 conforms, 0 deviation, 0 fails, 0 error, 0 skipped; live catalog: 0 conforms, 1 deviation, 0 fails, 0 error, 1 skipped",
      "  live scenario skipped, not on .ci/allowed-skips.yaml: l2@newest scenario l2@newest: needs an admin user",
    ]);
    // Named by its scenario's id, every case of it may be skipped; the entry's reason is printed.
    const allowed = { tests: [], scenarios: [{ id: "l2", reason: "the target has no admin" }] };
    const accepted = summarize([unit, replay, live], allowed, ROOT_DIR);
    expect(accepted.ok).toBe(true);
    expect(accepted.lines.slice(1)).toEqual([
      "  allowed live skip: l2@newest scenario l2@newest: the target has no admin",
    ]);
  });

  it("fails on an allow-list entry that names no case of the catalog", () => {
    const live = catalogRun("live", [["l1", "conforms"]]);
    const allowed = { tests: [], scenarios: [{ id: "gone", reason: "removed since" }] };
    const { lines, ok } = summarize([live], allowed, ROOT_DIR);
    expect(ok).toBe(false);
    expect(lines[1]).toBe("  .ci/allowed-skips.yaml names no case of the catalog: gone");
  });

  it("fails on a catalog that judged nothing: no case, or every case skipped, even if allowed", () => {
    const empty = catalogRun("replay", []);
    const skipped = catalogRun("live", [["l1", "skipped", "no admin"]]);
    const allowed = { tests: [], scenarios: [{ id: "l1", reason: "the target has no admin" }] };
    const { lines, ok } = summarize([empty, skipped], allowed, ROOT_DIR);
    expect(ok).toBe(false);
    expect(lines.slice(1)).toEqual([
      "  replay catalog judged nothing: replay/results.json holds no case",
      "  live catalog judged nothing: all 1 cases of live/results.json were skipped",
      "  allowed live skip: l1 scenario l1: the target has no admin",
    ]);
  });

  it("fails on a vitest report without a single test", () => {
    const { lines, ok } = summarize([vitestRun({})], NONE, ROOT_DIR);
    expect(ok).toBe(false);
    expect(lines[1]).toBe(
      "  tests.json: vitest ran no test; a test run without tests proves nothing",
    );
  });

  it("fails on a stale ledger entry a catalog's results name", () => {
    const live = catalogRun("live", [["l1", "deviation"]]);
    if (live.kind === "results") live.data.run.staleDeviations = ["fixed-upstream"];
    const { lines, ok } = summarize([live], NONE, ROOT_DIR);
    expect(ok).toBe(false);
    expect(lines[1]).toBe(
      "  live catalog: stale ledger entry fixed-upstream: remove it, or fix the scenario that should show it",
    );
  });

  it("fails on a red verdict, naming the scenario", () => {
    const live = catalogRun("live", [["l1", "error", "cannot connect\nmore"]]);
    const { lines, ok } = summarize([live], NONE, ROOT_DIR);
    expect(ok).toBe(false);
    expect(lines.slice(1)).toEqual([
      "  live catalog: 0 fails, 1 error",
      "  live scenario error: l1 scenario l1: cannot connect",
    ]);
  });
});

describe("result files and the allow-list", () => {
  const dir = mkdtempSync(join(tmpdir(), "ci-summary-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a missing or foreign file is a failure of its own", () => {
    const foreign = join(dir, "foreign.json");
    writeFileSync(foreign, "{}");
    expect(readInput(join(dir, "none.json"))).toMatchObject({ kind: "unreadable" });
    const { ok, lines } = summarize([readInput(foreign)], NONE, ROOT_DIR);
    expect(ok).toBe(false);
    expect(lines[1]).toContain("is neither a vitest JSON report nor a results.json");
  });

  it("the committed allow-list loads, each entry with a reason", () => {
    const { tests, scenarios } = loadAllowedSkips(join(ROOT, ".ci/allowed-skips.yaml"));
    for (const entry of [...tests, ...scenarios]) expect(entry.reason.length).toBeGreaterThan(10);
  });

  it("an entry without a reason, or naming no scenario id, is refused in one line", () => {
    const file = join(dir, "allowed.yaml");
    writeFileSync(file, "allowed:\n  - file: tests/a.test.ts\n    test: one\n");
    expect(() => loadAllowedSkips(file)).toThrow(
      `${file}: allowed entry 1 needs a non-empty "reason"`,
    );
    writeFileSync(file, "allowed: []\nscenarios:\n  - id: abd5c992\n    reason: no admin user\n");
    expect(() => loadAllowedSkips(file)).toThrow(
      `${file}: scenarios entry 1: abd5c992 is not a scenario id as \`list\` prints it`,
    );
    const id = "abd5c992-d226-49c6-994d-f4924acb6170@newest";
    writeFileSync(file, `allowed: []\nscenarios:\n  - id: ${id}\n    reason: no admin user\n`);
    expect(loadAllowedSkips(file).scenarios).toEqual([{ id, reason: "no admin user" }]);
  });
});
