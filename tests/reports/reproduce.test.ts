import { describe, expect, it } from "vitest";
import { CONSOLE_BODY_LIMIT, reproductionLines } from "../../src/reports/reproduce.ts";
import { FAILS } from "../support/sample-outcomes.ts";

describe("reproductionLines", () => {
  it("shows only the headers that matter, and a curl line with $OS_TOKEN", () => {
    const text = reproductionLines(FAILS).join("\n");
    expect(text).toContain("    > x-openstack-request-id: req-1");
    expect(text).not.toMatch(/> x-auth-token|< x-subject-token/);
    expect(text).toContain('-H "X-Auth-Token: $OS_TOKEN"');
  });

  it("cuts a long body and says how much was cut", () => {
    const call = FAILS.exchanges[1];
    if (!call) throw new Error("sample without a call under test");
    const long = { ...call, response: { ...call.response, bodyText: "x".repeat(5000) } };
    const lines = reproductionLines({ ...FAILS, exchanges: [FAILS.exchanges[0] ?? call, long] });
    const body = lines.find((line) => line.startsWith("    < x")) ?? "";
    expect(body).toBe(
      `    < ${"x".repeat(CONSOLE_BODY_LIMIT)}… (${5000 - CONSOLE_BODY_LIMIT} more characters cut)`,
    );
  });
});
