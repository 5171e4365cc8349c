import { readFileSync } from "node:fs";
import { relative } from "node:path";
import type { JsonTestResults } from "vitest/reporters";
import { parse } from "yaml";
import type { ResultsFile } from "../../src/reports/results.ts";

// What CI ran, from the runners' own result files: the vitest tests (over several vitest runs,
// since the tests that need the target run again once it is up) apart from the catalog's
// verdicts. A vitest test counts once, as run if any run ran it; one skipped by every run fails
// CI unless the allow-list names it, and so does a skipped case of the catalog. A run that
// proves nothing fails too: a vitest report without a test, a catalog without a judged case.

/** The catalog run inside `npm test`: its tests are scenarios, reported from its results file. */
const CATALOG_TESTS = "tests/conformance/";

export interface AllowedSkip {
  file: string;
  test: string;
  reason: string;
}

/** A case of the catalog that CI's runs may skip: a scenario (every case of it) or one case. */
export interface AllowedScenarioSkip {
  id: string;
  reason: string;
}

/** `.ci/allowed-skips.yaml`: vitest tests under `allowed`, catalog cases under `scenarios`. */
export interface AllowList {
  tests: AllowedSkip[];
  scenarios: AllowedScenarioSkip[];
}

/** A scenario's id as `list` prints it, or one case of it, `<id>@<version>`. */
const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(@[a-z0-9.-]+)?$/;

export type Input =
  | { path: string; kind: "vitest"; data: JsonTestResults }
  | { path: string; kind: "results"; data: ResultsFile }
  | { path: string; kind: "unreadable"; error: string };

export interface Summary {
  /** The summary line, then one indented line per failure, skip and allowed skip. */
  lines: string[];
  ok: boolean;
}

/** Reads one result file, telling vitest's JSON report from the suite's results.json. */
export function readInput(path: string): Input {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return { path, kind: "unreadable", error: `${path} is missing or not JSON` };
  }
  if (typeof data === "object" && data !== null) {
    if ("numPassedTests" in data) return { path, kind: "vitest", data: data as JsonTestResults };
    if ("summary" in data && "run" in data) {
      return { path, kind: "results", data: data as ResultsFile };
    }
  }
  return {
    path,
    kind: "unreadable",
    error: `${path} is neither a vitest JSON report nor a results.json`,
  };
}

export function loadAllowedSkips(path: string): AllowList {
  const doc = parse(readFileSync(path, "utf8")) as {
    allowed?: unknown;
    scenarios?: unknown;
  } | null;
  const entries = (key: string, list: unknown, fields: string[]) => {
    if (!Array.isArray(list)) throw new Error(`${path}: expected a list under "${key}"`);
    return list.map((entry, index) => {
      const values = (entry ?? {}) as Record<string, unknown>;
      for (const field of fields) {
        const value = values[field];
        if (typeof value !== "string" || value.trim() === "") {
          throw new Error(`${path}: ${key} entry ${index + 1} needs a non-empty "${field}"`);
        }
      }
      return values;
    });
  };
  const tests = entries("allowed", doc?.allowed, [
    "file",
    "test",
    "reason",
  ]) as unknown as AllowedSkip[];
  const scenarios = entries("scenarios", doc?.scenarios ?? [], [
    "id",
    "reason",
  ]) as unknown as AllowedScenarioSkip[];
  for (const [index, { id }] of scenarios.entries()) {
    if (!CASE_ID.test(id)) {
      throw new Error(
        `${path}: scenarios entry ${index + 1}: ${id} is not a scenario id as \`list\` prints it (a UUID), nor one case of it (<id>@<version>)`,
      );
    }
  }
  return { tests, scenarios };
}

type Status = "passed" | "failed" | "skipped";

interface TestRecord {
  file: string;
  name: string;
  status: Status;
  /** Skipped by the first run that saw it, run by a later one: it needed the target. */
  ranLater: boolean;
}

export function summarize(inputs: Input[], allowList: AllowList, root: string): Summary {
  const allowed = allowList.tests;
  const detail: string[] = [];
  let ok = true;
  const fail = (line: string) => {
    ok = false;
    detail.push(`  ${line}`);
  };
  const tests = new Map<string, TestRecord>();
  const catalogs: string[] = [];
  /** Every case the catalog runs named, for the allow-list's entries that name none. */
  const cases: string[] = [];
  const names = (entry: AllowedScenarioSkip, id: string) =>
    entry.id === id || entry.id === id.split("@")[0];
  const allowSkip = (id: string) => allowList.scenarios.find((entry) => names(entry, id));
  let brokenFiles = 0;
  for (const input of inputs) {
    if (input.kind === "unreadable") fail(input.error);
    else if (input.kind === "results") {
      cases.push(...input.data.scenarios.map((scenario) => scenario.id));
      catalogs.push(catalogPart(input, allowSkip, detail, fail));
    } else {
      if (input.data.testResults.every((file) => file.assertionResults.length === 0)) {
        fail(`${input.path}: vitest ran no test; a test run without tests proves nothing`);
      }
      for (const file of input.data.testResults) {
        const path = relative(root, file.name);
        if (path.startsWith(CATALOG_TESTS)) continue;
        const failedTests = file.assertionResults.some((a) => a.status === "failed");
        // A file that failed without a failed test did not load or failed in a hook.
        if (file.status === "failed" && !failedTests) {
          brokenFiles += 1;
          fail(`failed file: ${path}: ${file.message.split("\n")[0]}`);
        }
        for (const a of file.assertionResults) {
          const name = [...a.ancestorTitles, a.title].join(" > ");
          const status: Status =
            a.status === "passed" ? "passed" : a.status === "failed" ? "failed" : "skipped";
          const key = `${path}\0${name}`;
          const seen = tests.get(key);
          if (!seen) tests.set(key, { file: path, name, status, ranLater: false });
          else if (status === "failed") seen.status = "failed";
          else if (status === "passed" && seen.status === "skipped") {
            seen.status = "passed";
            seen.ranLater = true;
          }
        }
      }
    }
  }

  const count = { passed: 0, failed: 0, skipped: 0, ranLater: 0 };
  const used = new Set<AllowedSkip>();
  for (const test of tests.values()) {
    count[test.status] += 1;
    if (test.ranLater) count.ranLater += 1;
    const label = `${test.file} > ${test.name}`;
    if (test.status === "failed") fail(`failed: ${label}`);
    if (test.status !== "skipped") continue;
    const entry = allowed.find((a) => a.file === test.file && a.test === test.name);
    if (entry) {
      used.add(entry);
      detail.push(`  allowed skip: ${label}: ${entry.reason}`);
    } else fail(`skipped, not on .ci/allowed-skips.yaml: ${label}`);
  }
  for (const entry of allowed) {
    const named = [...tests.values()].some((t) => t.file === entry.file && t.name === entry.test);
    if (!named) fail(`.ci/allowed-skips.yaml names no test: ${entry.file} > ${entry.test}`);
  }
  if (cases.length > 0) {
    for (const entry of allowList.scenarios) {
      const named = cases.some((id) => names(entry, id));
      if (!named) fail(`.ci/allowed-skips.yaml names no case of the catalog: ${entry.id}`);
    }
  }

  const unit =
    `tests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped` +
    (brokenFiles > 0 ? `, ${brokenFiles} test files failed outside a test` : "") +
    (used.size > 0 ? ` (${used.size} allowed)` : "") +
    (count.ranLater > 0 ? `, ${count.ranLater} of them run once the target was up` : "");
  return { lines: [[unit, ...catalogs].join("; "), ...detail], ok };
}

/**
 * "live catalog: 16 conforms, …", with each red case and each skipped one below, the latter
 * with its reason and whether the allow-list lets it through.
 */
function catalogPart(
  input: Extract<Input, { kind: "results" }>,
  allowSkip: (id: string) => AllowedScenarioSkip | undefined,
  detail: string[],
  fail: (line: string) => void,
): string {
  const results = input.data;
  const s = results.summary;
  const mode = results.run.mode;
  if (s.fails + s.error > 0) fail(`${mode} catalog: ${s.fails} fails, ${s.error} error`);
  if (s.total === 0) {
    fail(`${mode} catalog judged nothing: ${input.path} holds no case`);
  } else if (s.skipped === s.total) {
    fail(`${mode} catalog judged nothing: all ${s.total} cases of ${input.path} were skipped`);
  }
  for (const id of results.run.staleDeviations ?? []) {
    fail(
      `${mode} catalog: stale ledger entry ${id}: remove it, or fix the scenario that should show it`,
    );
  }
  for (const scenario of results.scenarios) {
    const label = `${scenario.id} ${scenario.title}`;
    const reason = scenario.reason ? `: ${scenario.reason.split("\n")[0]}` : "";
    if (scenario.verdict === "skipped") {
      const entry = allowSkip(scenario.id);
      if (entry) detail.push(`  allowed ${mode} skip: ${label}: ${entry.reason}`);
      else fail(`${mode} scenario skipped, not on .ci/allowed-skips.yaml: ${label}${reason}`);
    } else if (scenario.verdict === "fails" || scenario.verdict === "error") {
      detail.push(`  ${mode} scenario ${scenario.verdict}: ${label}${reason}`);
    }
  }
  return `${mode} catalog: ${s.conforms} conforms, ${s.deviation} deviation, ${s.fails} fails, ${s.error} error, ${s.skipped} skipped`;
}
