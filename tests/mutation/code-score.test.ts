import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type Equivalent,
  judge,
  loadEquivalents,
  type MutationReport,
  originalText,
  type ReportMutant,
  scoreByFolder,
} from "../../scripts/mutation/code-score.ts";

const SOURCE = ["export function f(a: number) {", "  return a > 1 && a < 9;", "}"].join("\n");

/** A mutant of SOURCE's line 2 over columns [from, to), 1-based as in the schema. */
function mutant(
  id: string,
  status: string,
  from = 10,
  to = 15,
  replacement = "a >= 1",
): ReportMutant {
  return {
    id,
    mutatorName: "EqualityOperator",
    replacement,
    status,
    location: { start: { line: 2, column: from }, end: { line: 2, column: to } },
  };
}

function report(files: Record<string, ReportMutant[]>): MutationReport {
  return {
    files: Object.fromEntries(
      Object.entries(files).map(([file, mutants]) => [file, { source: SOURCE, mutants }]),
    ),
  };
}

const equivalent: Equivalent = {
  file: "src/auth/a.ts",
  mutator: "EqualityOperator",
  original: "a > 1",
  replacement: "a >= 1",
  reason: "a is never 1",
};

describe("scoreByFolder", () => {
  it("reads the mutated text from the 1-based location", () => {
    expect(originalText(SOURCE, mutant("1", "Survived"))).toBe("a > 1");
    const across: ReportMutant = {
      ...mutant("2", "Survived"),
      location: { start: { line: 1, column: 30 }, end: { line: 3, column: 2 } },
    };
    expect(originalText(SOURCE, across)).toBe("{ return a > 1 && a < 9; }");
  });

  it("counts killed and timed-out as detected, survived and no coverage against the score", () => {
    const { rows } = scoreByFolder(
      report({
        "src/auth/a.ts": [
          mutant("1", "Killed"),
          mutant("2", "Timeout"),
          mutant("3", "Survived"),
          mutant("4", "NoCoverage"),
          mutant("5", "CompileError"),
          mutant("6", "Ignored"),
        ],
      }),
      [],
    );
    expect(rows.find((r) => r.folder === "src/auth")).toEqual({
      folder: "src/auth",
      detected: 2,
      survived: 1,
      noCoverage: 1,
      equivalent: 0,
      score: 0.5,
    });
  });

  it("groups files by folder, and the final-state helpers across src and tests", () => {
    const { rows, unassigned } = scoreByFolder(
      report({
        "src/resources/states.ts": [mutant("1", "Killed")],
        "tests/scenarios/final-state.ts": [mutant("2", "Survived")],
        "src/engine/selection.ts": [mutant("3", "Killed")],
        "src/resources/fixtures.ts": [mutant("4", "Killed")],
      }),
      [],
    );
    expect(rows.find((r) => r.folder === "final-state helpers")?.score).toBe(0.5);
    expect(rows.find((r) => r.folder === "src/engine")?.score).toBe(1);
    expect(rows.find((r) => r.folder === "src/auth")?.score).toBeUndefined();
    expect(unassigned).toEqual(["src/resources/fixtures.ts"]);
  });

  it("takes a listed equivalent out of the score and out of the survivors", () => {
    const { rows, survivors, stale } = scoreByFolder(
      report({
        "src/auth/a.ts": [
          mutant("1", "Killed"),
          mutant("2", "Survived"),
          mutant("3", "Survived", 19, 24, "a <= 9"),
        ],
      }),
      [equivalent],
    );
    expect(rows.find((r) => r.folder === "src/auth")).toMatchObject({ equivalent: 1, score: 0.5 });
    expect(survivors.map((s) => s.original)).toEqual(["a < 9"]);
    expect(stale).toEqual([]);
  });

  it("tells occurrences of the same text apart by their line when the entry names one", () => {
    const at = (id: string, line: number, column: number): ReportMutant => ({
      ...mutant(id, "Survived"),
      location: { start: { line, column }, end: { line, column: column + 5 } },
    });
    const twice: MutationReport = {
      files: {
        "src/auth/a.ts": {
          source: "a > 1;\n  return a > 1 && a < 9;",
          mutants: [at("1", 2, 10), at("2", 1, 1)],
        },
      },
    };
    const onLine = { ...equivalent, line: "return a > 1 && a < 9;" };
    const { survivors, rows } = scoreByFolder(twice, [onLine]);
    expect(survivors.map((s) => s.line)).toEqual([1]);
    expect(rows.find((r) => r.folder === "src/auth")?.equivalent).toBe(1);
    expect(scoreByFolder(twice, [equivalent]).survivors).toEqual([]);
  });

  it("calls an entry stale when its mutant is killed, but not when its file was not run", () => {
    const killed = scoreByFolder(report({ "src/auth/a.ts": [mutant("1", "Killed")] }), [
      equivalent,
    ]);
    expect(killed.stale).toEqual([equivalent]);
    const elsewhere = scoreByFolder(report({ "src/auth/b.ts": [mutant("1", "Killed")] }), [
      equivalent,
    ]);
    expect(elsewhere.stale).toEqual([]);
  });
});

describe("judge", () => {
  const full = (status: string) =>
    report({
      "src/engine/e.ts": [mutant("1", "Killed")],
      "src/auth/a.ts": Array.from({ length: 9 }, (_, i) => mutant(String(i), "Killed")).concat(
        mutant("9", status),
      ),
      "src/resources/waiters.ts": [mutant("1", "Killed")],
      "src/resources/states.ts": [mutant("1", "Killed")],
    });

  it("passes at exactly 90 % on every folder", () => {
    const { ok, lines } = judge(scoreByFolder(full("Survived"), []));
    expect(ok).toBe(true);
    expect(lines).toContain("survived: src/auth/a.ts:2 EqualityOperator `a > 1` → `a >= 1`");
  });

  it("fails below 90 % on one folder, naming it", () => {
    const result = scoreByFolder(full("Survived"), []);
    const auth = result.rows.find((r) => r.folder === "src/auth");
    if (auth) auth.score = 0.89;
    const { ok, lines } = judge(result);
    expect(ok).toBe(false);
    expect(lines).toContain("gate: src/auth scores 89.0 % < 90 %");
  });

  it("fails on a folder without mutants, a stale entry or an unassigned file", () => {
    expect(judge(scoreByFolder(report({ "src/auth/a.ts": [mutant("1", "Killed")] }), [])).ok).toBe(
      false,
    );
    expect(judge(scoreByFolder(full("Killed"), [equivalent])).ok).toBe(false);
    const extra = full("Killed");
    extra.files["src/cli/main.ts"] = { source: SOURCE, mutants: [mutant("1", "Killed")] };
    expect(judge(scoreByFolder(extra, [])).ok).toBe(false);
    expect(judge(scoreByFolder(full("Killed"), [])).ok).toBe(true);
  });
});

describe("loadEquivalents", () => {
  const write = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), "equivalents-")), "e.yaml");
    writeFileSync(path, text);
    return path;
  };

  it("loads entries with whitespace collapsed", () => {
    const path = write(
      'equivalents:\n  - file: src/auth/a.ts\n    mutator: EqualityOperator\n    original: "a  >\\n 1"\n    replacement: a >= 1\n    reason: a is never 1\n',
    );
    expect(loadEquivalents(path)).toEqual([equivalent]);
  });

  it("says which field of which entry is missing", () => {
    const path = write("equivalents:\n  - file: src/auth/a.ts\n    mutator: EqualityOperator\n");
    expect(() => loadEquivalents(path)).toThrow(
      `${path}: equivalents[0].original is missing; each entry needs file, mutator, original, replacement, reason`,
    );
  });

  it("reads the committed list", () => {
    expect(() => loadEquivalents("tests/mutation/equivalent-mutants.yaml")).not.toThrow();
  });
});
