// The mutation score of the suite's own code per folder, from Stryker's JSON report
// (mutation-testing-report schema), with the reviewed equivalent mutants of
// tests/mutation/equivalent-mutants.yaml taken out.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** One mutant as the mutation-testing-report schema gives it (the fields used here). */
export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: Position; end: Position };
}

/** 1-based line and column, as in the schema. */
interface Position {
  line: number;
  column: number;
}

export interface MutationReport {
  files: Record<string, { source: string; mutants: ReportMutant[] }>;
}

/** A surviving mutant reviewed as equivalent: no test can tell it from the code, and why. */
export interface Equivalent {
  file: string;
  mutator: string;
  /** The mutated source text, whitespace collapsed: stable when lines move. */
  original: string;
  replacement: string;
  /**
   * The source line it is on, trimmed: only where the same text occurs more than once in the
   * file and not every occurrence is equivalent.
   */
  line?: string;
  reason: string;
}

/** The folders the score is gated on; a file ending in `/` takes everything below it. */
export const FOLDERS: readonly { name: string; paths: readonly string[] }[] = [
  { name: "src/engine", paths: ["src/engine/"] },
  { name: "src/auth", paths: ["src/auth/"] },
  { name: "src/resources/waiters.ts", paths: ["src/resources/waiters.ts"] },
  {
    name: "final-state helpers",
    paths: ["src/resources/states.ts", "tests/scenarios/final-state.ts"],
  },
];

export const THRESHOLD = 0.9;

const DETECTED = new Set(["Killed", "Timeout"]);
/** No-coverage counts as survived: no test runs that code at all. */
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

export interface FolderScore {
  folder: string;
  detected: number;
  survived: number;
  noCoverage: number;
  equivalent: number;
  /** detected / (detected + undetected − equivalent); undefined without a valid mutant. */
  score: number | undefined;
}

export interface Survivor {
  file: string;
  line: number;
  /** The source line, whitespace collapsed. */
  lineText: string;
  mutator: string;
  original: string;
  replacement: string;
  status: string;
}

export interface ScoreResult {
  rows: FolderScore[];
  /** Undetected and not listed as equivalent: to kill with a test, or to review. */
  survivors: Survivor[];
  /** Entries that match no undetected mutant of a file in the report: to remove. */
  stale: Equivalent[];
  /** Mutated files of no folder in FOLDERS. */
  unassigned: string[];
}

const FIELDS = ["file", "mutator", "original", "replacement", "reason"] as const;

/** Loads the reviewed equivalents; a bad entry is a one-line error saying what to fix. */
export function loadEquivalents(path: string): Equivalent[] {
  const parsed: unknown = parse(readFileSync(path, "utf8")) ?? {};
  const list = (parsed as { equivalents?: unknown }).equivalents ?? [];
  if (!Array.isArray(list)) throw new Error(`${path}: equivalents must be a list of entries`);
  return list.map((entry: Record<string, unknown>, index) => {
    for (const field of FIELDS) {
      if (typeof entry?.[field] !== "string" || entry[field] === "") {
        throw new Error(
          `${path}: equivalents[${index}].${field} is missing; each entry needs ${FIELDS.join(", ")}`,
        );
      }
    }
    if (entry.line !== undefined && typeof entry.line !== "string") {
      throw new Error(`${path}: equivalents[${index}].line must be the source line as text`);
    }
    return {
      file: entry.file as string,
      mutator: entry.mutator as string,
      original: collapse(entry.original as string),
      replacement: collapse(entry.replacement as string),
      ...(typeof entry.line === "string" && { line: collapse(entry.line) }),
      reason: entry.reason as string,
    };
  });
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The source text a mutant replaces. */
export function originalText(source: string, mutant: ReportMutant): string {
  const lines = source.split("\n");
  const { start, end } = mutant.location;
  const text =
    start.line === end.line
      ? (lines[start.line - 1] ?? "").slice(start.column - 1, end.column - 1)
      : [
          (lines[start.line - 1] ?? "").slice(start.column - 1),
          ...lines.slice(start.line, end.line - 1),
          (lines[end.line - 1] ?? "").slice(0, end.column - 1),
        ].join("\n");
  return collapse(text);
}

function folderOf(file: string): string | undefined {
  return FOLDERS.find(({ paths }) =>
    paths.some((path) => (path.endsWith("/") ? file.startsWith(path) : file === path)),
  )?.name;
}

export function scoreByFolder(report: MutationReport, equivalents: readonly Equivalent[]) {
  const rows = new Map<string, FolderScore>(
    FOLDERS.map(({ name }) => [
      name,
      { folder: name, detected: 0, survived: 0, noCoverage: 0, equivalent: 0, score: undefined },
    ]),
  );
  const used = new Set<Equivalent>();
  const survivors: Survivor[] = [];
  const unassigned: string[] = [];
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const folder = folderOf(file);
    const row = folder === undefined ? undefined : rows.get(folder);
    if (!row) {
      unassigned.push(file);
      continue;
    }
    for (const mutant of mutants) {
      if (DETECTED.has(mutant.status)) row.detected++;
      if (!UNDETECTED.has(mutant.status)) continue;
      const seen: Survivor = {
        file,
        line: mutant.location.start.line,
        lineText: collapse(source.split("\n")[mutant.location.start.line - 1] ?? ""),
        mutator: mutant.mutatorName,
        original: originalText(source, mutant),
        replacement: collapse(mutant.replacement ?? ""),
        status: mutant.status,
      };
      const listed = equivalents.find(
        (e) =>
          e.file === file &&
          e.mutator === seen.mutator &&
          e.original === seen.original &&
          e.replacement === seen.replacement &&
          (e.line === undefined || e.line === seen.lineText),
      );
      if (listed) {
        used.add(listed);
        row.equivalent++;
      } else {
        survivors.push(seen);
      }
      if (mutant.status === "Survived") row.survived++;
      else row.noCoverage++;
    }
  }
  for (const row of rows.values()) {
    const valid = row.detected + row.survived + row.noCoverage - row.equivalent;
    row.score = valid === 0 ? undefined : row.detected / valid;
  }
  const stale = equivalents.filter((e) => e.file in report.files && !used.has(e));
  return { rows: [...rows.values()], survivors, stale, unassigned } satisfies ScoreResult;
}

/** The table, the survivors and stale entries, and whether every folder reaches the threshold. */
export function judge(
  result: ScoreResult,
  threshold = THRESHOLD,
): { lines: string[]; ok: boolean } {
  const header = ["folder", "detected", "survived", "no coverage", "equivalent", "score"];
  const body = result.rows.map((r) => [
    r.folder,
    String(r.detected),
    String(r.survived),
    String(r.noCoverage),
    String(r.equivalent),
    r.score === undefined ? "no mutants" : `${(r.score * 100).toFixed(1)} %`,
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((cells) => cells[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ");
  const lines = [line(header), ...body.map(line)];
  const low = result.rows.filter((r) => r.score === undefined || r.score < threshold);
  for (const s of result.survivors) {
    lines.push(
      `${s.status === "NoCoverage" ? "no coverage" : "survived"}: ${s.file}:${s.line} ${s.mutator} \`${s.original}\` → \`${s.replacement}\``,
    );
  }
  for (const e of result.stale) {
    lines.push(
      `stale equivalent: ${e.file} ${e.mutator} \`${e.original}\` → \`${e.replacement}\` matches no surviving mutant; remove it from the list`,
    );
  }
  for (const file of result.unassigned) {
    lines.push(`unassigned: ${file} is mutated but in no folder of scripts/mutation/code-score.ts`);
  }
  for (const r of low) {
    lines.push(
      r.score === undefined
        ? `gate: ${r.folder} has no mutant in the report; run Stryker over the whole mutate list`
        : `gate: ${r.folder} scores ${(r.score * 100).toFixed(1)} % < ${threshold * 100} %`,
    );
  }
  const ok = low.length === 0 && result.stale.length === 0 && result.unassigned.length === 0;
  lines.push(ok ? `gate: every folder at ${threshold * 100} % or more` : "gate: failed");
  return { lines, ok };
}
