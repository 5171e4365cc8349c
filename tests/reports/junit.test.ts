import { parse, type TestCase, type TestSuites } from "junit2json";
import { describe, expect, it } from "vitest";
import { renderJunit } from "../../src/reports/junit.ts";
import {
  ALL,
  CONFORMS,
  DEVIATION,
  ERROR,
  FAILS,
  RUN,
  SKIPPED,
} from "../support/sample-outcomes.ts";

const xml = renderJunit(ALL, RUN);
const parsed = (await parse(xml)) as TestSuites;
const cases = (parsed.testsuite ?? []).flatMap((suite) => suite.testcase ?? []);
const caseOf = (id: string): TestCase | undefined =>
  cases.find((testcase) => testcase.name?.startsWith(id));

describe("renderJunit", () => {
  it("loads in a JUnit parser with the counts of the run, timed by its wall clock", () => {
    // The cases ran side by side: 64.55 s together in a run of 12.5 s.
    expect(parsed).toMatchObject({ tests: 5, failures: 1, errors: 1, time: 12.5 });
    expect(xml).toContain('skipped="1"');
  });

  it("has one testsuite per operation with its own counts", () => {
    const suites = parsed.testsuite ?? [];
    expect(suites.map((suite) => suite.name)).toEqual(["detachVolume", "detachServerVolume"]);
    expect(suites[0]).toMatchObject({ tests: 3, failures: 0, errors: 0, skipped: 1, time: 2.3 });
    expect(suites[1]).toMatchObject({ tests: 2, failures: 1, errors: 1, skipped: 0, time: 12.5 });
    expect(suites[0]?.properties).toContainEqual({ name: "target", value: "devstack" });
  });

  it("names each testcase `<id> <title>` in class conformance.<operation>.<category>", () => {
    expect(caseOf(CONFORMS.scenario.id)).toEqual({
      name: `${CONFORMS.scenario.id} detaches an attached volume`,
      classname: "conformance.detachVolume.happy-path",
      time: 1.5,
    });
  });

  it("escapes markup and spells out characters XML 1.0 cannot hold", () => {
    expect(caseOf(FAILS.scenario.id)?.name).toBe(
      `${FAILS.scenario.id} answers 404 for <unknown> & "missing" | *volume*\\u0001\\uffff`,
    );
  });

  it("lists each failed finding with the request and status in the failure", () => {
    const failure = caseOf(FAILS.scenario.id)?.failure?.[0];
    expect(failure?.message).toBe(
      "status 500 where the documentation gives 404 for this case (and 2 more)",
    );
    expect(failure?.inner).toContain(
      "request: DELETE http://127.0.0.1:8774/v2.1/proj/servers/srv-1/os-volume_attachments/vol-2 → 500 (expected 404)",
    );
    expect(failure?.inner).toContain("status_expected: status 500 where");
    expect(failure?.inner).toContain("  expected: 404\n  actual:   500");
    expect(failure?.inner).toContain("content_type (set-up call showVolume): content_type failed");
    expect(caseOf(FAILS.scenario.id)?.["system-out"]?.[0]).toContain("left behind: volume vol-2");
    // The call again, by hand: the token from $OS_TOKEN, none of the run's own.
    expect(failure?.inner).toContain("  repeat it (set $OS_TOKEN first):\n    curl ");
    expect(failure?.inner).toContain("-X DELETE");
    expect(caseOf(ERROR.scenario.id)?.error?.[0]?.inner).toContain(
      "repeat it (set $OS_TOKEN first):",
    );
  });

  it("reports error with its reason, skipped with its reason", () => {
    expect(caseOf(ERROR.scenario.id)?.error?.[0]?.message).toMatch(/^timed out waiting/);
    expect(caseOf(SKIPPED.scenario.id)?.skipped).toEqual([{ message: SKIPPED.reason }]);
  });

  it("lets a deviation pass and shows it in system-out", () => {
    const deviation = caseOf(DEVIATION.scenario.id);
    expect(deviation?.failure).toBeUndefined();
    expect(deviation?.error).toBeUndefined();
    expect(deviation?.["system-out"]).toEqual([
      "known deviation cinder-malformed-fault-name: error_envelope, actual: computeFault",
    ]);
  });

  it("keeps a multi-line message in one attribute", async () => {
    const multiLine = { ...SKIPPED, reason: "first line\nsecond\tline" };
    const one = (await parse(renderJunit([multiLine], RUN))) as TestSuites;
    expect(one.testsuite?.[0]?.testcase?.[0]?.skipped?.[0]?.message).toBe(multiLine.reason);
  });
});
