import { describe, expect, it } from "vitest";
import { missingCommand, withReason } from "../support/missing-command.ts";
import { type ModuleNode, skippedLines } from "../support/skip-reasons.ts";

const test = (name: string, state: string, note?: string) => ({
  type: "test" as const,
  name,
  result: () => ({ state, note }),
});
const suite = (name: string, state: string, children: ModuleNode["children"]) => ({
  type: "suite" as const,
  name,
  state: () => state,
  children,
});

describe("the list of skipped tests after a run", () => {
  it("names each skipped describe once, and each other skipped test with its note", () => {
    const modules: ModuleNode[] = [
      {
        relativeModuleId: "tests/a.test.ts",
        children: [
          suite("on the target (needs target.json)", "skipped", [
            test("one", "skipped"),
            suite("inner", "skipped", [test("two", "skipped"), test("three", "skipped")]),
          ]),
          test("runs", "passed"),
        ],
      },
      {
        relativeModuleId: "tests/b.test.ts",
        children: [
          suite("catalog", "passed", [
            test("case 1", "skipped", "no admin user in the description"),
            test("case 2", "passed"),
            test("case 3 (openssl is not installed)", "skipped"),
          ]),
        ],
      },
    ];
    expect(skippedLines(modules)).toEqual([
      "tests/a.test.ts > on the target (needs target.json) (3 tests)",
      "tests/b.test.ts > catalog > case 1 [no admin user in the description]",
      "tests/b.test.ts > catalog > case 3 (openssl is not installed)",
    ]);
  });

  it("is empty when nothing was skipped", () => {
    expect(skippedLines([{ relativeModuleId: "x", children: [test("ran", "passed")] }])).toEqual(
      [],
    );
  });
});

describe("a test that needs a missing command", () => {
  it("says which command is missing, how to install it and what is skipped", () => {
    const reason = missingCommand("no-such-command-7f3a", [], "some-package", "these tests");
    expect(reason).toBe(
      "no-such-command-7f3a is not installed (apt-get install -y some-package): these tests skipped",
    );
    expect(withReason("a test", reason)).toBe(`a test (${reason})`);
  });

  it("keeps its title when the command runs", () => {
    const reason = missingCommand(process.execPath, ["--version"], "nodejs", "these tests");
    expect(reason).toBeUndefined();
    expect(withReason("a test", reason)).toBe("a test");
  });
});
