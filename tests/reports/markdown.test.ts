import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../src/reports/markdown.ts";
import { ALL, CONFORMS, FAILS, PASSWORD, RUN, SKIPPED } from "../support/sample-outcomes.ts";

const markdown = renderMarkdown(ALL, RUN, ["cinder-old-entry"], [PASSWORD]);
const section = (title: string) => markdown.split(`### ${title}\n`)[1]?.split("\n### ")[0] ?? "";

describe("renderMarkdown", () => {
  it("opens with the overall result and the counts", () => {
    const [title, , counts] = markdown.split("\n");
    expect(title).toBe("## ❌ Conformance failed on devstack");
    expect(counts).toBe(
      "5 scenarios — conforms: 1, deviation: 1, fails: 1, error: 1, skipped: 1 — family upstream-openstack, replay mode, 12.5 s",
    );
  });

  it("says passed when nothing fails or errors", () => {
    expect(renderMarkdown([CONFORMS, SKIPPED], RUN, [])).toMatch(/^## ✅ Conformance passed/);
  });

  it("says failed on a stale ledger entry, and judged nothing when every case was skipped", () => {
    expect(renderMarkdown([CONFORMS], RUN, ["old-entry"])).toMatch(/^## ❌ Conformance failed/);
    const skipped = renderMarkdown([SKIPPED], RUN, []);
    expect(skipped).toMatch(
      /^## ⚠️ Conformance judged nothing on devstack\n\njudged nothing: the one selected case was skipped .*\n\n1 scenario — /,
    );
  });

  it("has one table row per scenario with statuses and notes", () => {
    const rows = markdown.split("\n").filter((line) => line.startsWith("| `"));
    expect(rows).toEqual([
      "| `f265672f` detaches an attached volume | detachVolume | ✅ conforms | 202 → 202 |  |",
      "| `03876b9c` rejects a body without os-detach | detachVolume | ☑️ deviation | 400 → 400 | deviations: cinder-malformed-fault-name |",
      '| `0feb9397` answers 404 for \\<unknown\\> \\& "missing" \\| \\*volume\\*?\uffff | detachServerVolume | ❌ fails | 404 → 500 | failed: status\\_expected, error\\_envelope, content\\_type |',
      "| `0826bd7a` refuses to detach while the server is locked | detachServerVolume | 💥 error | 409 → – | timed out waiting for server srv-1 to lock (password REDACTED) |",
      "| `abd5c992` rejects a request without a token | detachVolume | ⏭️ skipped | 401 → – | the target has no admin credentials |",
    ]);
  });

  it("details failures and errors in fenced blocks", () => {
    const failures = section("Failures");
    expect(failures).toContain("#### ❌ fails: `0feb9397-1fa4-4309-8ecf-8d141c5133c8`");
    expect(failures).toContain("#### 💥 error: `0826bd7a-7115-4573-85ef-ed6d9735cba2`");
    expect(failures).toContain("```text\nrequest: DELETE http://127.0.0.1:8774/");
    expect(failures).toContain("  expected: 404\n  actual:   500");
    expect(failures).not.toContain("f265672f");
  });

  it("fences details so a backtick run in them cannot close the block", () => {
    const findings = FAILS.findings.map((f) => ({ ...f, message: "got ```json```" }));
    const fenceInside = { ...FAILS, findings };
    expect(renderMarkdown([fenceInside], RUN, [])).toContain("````text\nrequest:");
  });

  it("lists the known deviations seen and the stale ones", () => {
    expect(section("Known deviations seen").trim()).toBe(
      "- `cinder-malformed-fault-name`: error_envelope in `03876b9c`",
    );
    expect(section("Stale deviations")).toContain("- `cinder-old-entry`");
    expect(renderMarkdown([CONFORMS], RUN, [])).toContain("### Stale deviations\n\nNone.");
  });
});
