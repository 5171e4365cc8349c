import { existsSync, readFileSync } from "node:fs";
import type { Contract } from "../contract/load-spec.ts";
import type { UnreachableStatus } from "../deviations/deviations.ts";
import type { ScenarioOutcome } from "../engine/outcome.ts";
import { OPERATIONS, type OperationUnderTest, type Scenario, shortId } from "../engine/scenario.ts";
import type { ResultsFile } from "../reports/results.ts";
import { type Cassette, cassettePath } from "../targets/cassette.ts";

// Evidence coverage: for each operation under test and each status, which scenarios have
// seen the call under test answered with it, and where: live against a real server (a
// cassette is a recording of one, a live run's results are another), only in replay, or never.

/** Where a status was seen. */
export type Source =
  | { kind: "recorded"; date: string; target: string }
  | { kind: "live"; date: string; target: string }
  | { kind: "replay" };

/** The call under test of one scenario, answered with `status`, as `source` shows it. */
export interface Sighting {
  scenarioId: string;
  operation: OperationUnderTest;
  status: number;
  source: Source;
}

export type Evidence = "live" | "replay" | "never";

export interface StatusRow {
  status: number;
  documented: boolean;
  /** What the contract says about it (first sentence of the description). */
  description: string;
  /** Scenarios whose documented case is this status. */
  expectedBy: string[];
  /** Scenarios that saw it, with where. */
  seenBy: Map<string, Source[]>;
  evidence: Evidence;
}

export interface OperationCoverage {
  operation: OperationUnderTest;
  scenarios: Pick<Scenario, "id" | "title" | "expect">[];
  rows: StatusRow[];
}

export interface Coverage {
  operations: OperationCoverage[];
  /** Documented statuses that no scenario reached. */
  unreached: { operation: OperationUnderTest; status: number; reason?: string }[];
  /** Where the sightings came from, for the report's header. */
  sources: string[];
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * Sightings from a run's outcomes. A replayed answer is a real server's, recorded: its
 * cassette says when and from which target. A live or record run is live evidence itself.
 */
export function sightingsOfOutcomes(
  outcomes: ScenarioOutcome[],
  options: { cassetteDir?: string; startedAt?: Date } = {},
): Sighting[] {
  const out: Sighting[] = [];
  for (const outcome of outcomes) {
    if (outcome.callIndex === undefined) continue;
    const call = outcome.exchanges[outcome.callIndex];
    if (!call) continue;
    const { scenario, target } = outcome;
    let source: Source;
    if (target.mode === "replay") {
      const cassette = readCassette(scenario, options.cassetteDir);
      source = cassette
        ? { kind: "recorded", date: day(cassette.recordedAt), target: cassette.target.name }
        : { kind: "replay" };
    } else {
      source = {
        kind: "live",
        date: day((options.startedAt ?? new Date()).toISOString()),
        target: target.name,
      };
    }
    out.push({
      scenarioId: scenario.id,
      operation: scenario.operation,
      status: call.response.status,
      source,
    });
  }
  return out;
}

/** Sightings from a results.json: live evidence when the run was live or recorded. */
export function sightingsOfResults(results: ResultsFile): Sighting[] {
  const source: Source =
    results.run.mode === "replay"
      ? { kind: "replay" }
      : { kind: "live", date: day(results.run.startedAt), target: results.run.target };
  return results.scenarios.flatMap((scenario) =>
    scenario.call
      ? [
          {
            scenarioId: scenario.id,
            operation: scenario.operation,
            status: scenario.call.response.status,
            source,
          },
        ]
      : [],
  );
}

function readCassette(
  scenario: Pick<Scenario, "id" | "operation">,
  dir: string | undefined,
): Cassette | undefined {
  const path = cassettePath(scenario, dir);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Cassette;
  } catch {
    return undefined;
  }
}

const isLive = (source: Source) => source.kind !== "replay";

/** Builds the matrix: documented statuses first, then statuses seen but not documented. */
export function buildCoverage(
  contract: Contract,
  sightings: Sighting[],
  catalog: readonly Scenario[],
  unreachable: readonly UnreachableStatus[] = [],
): Coverage {
  const operations = OPERATIONS.map((operation): OperationCoverage => {
    const documented = contract.operation(operation).responses;
    const scenarios = catalog.filter((s) => s.operation === operation);
    const seen = sightings.filter((s) => s.operation === operation);
    const statuses = [...new Set([...documented.keys(), ...seen.map((s) => s.status)])].sort(
      (a, b) => a - b,
    );
    const rows = statuses.map((status): StatusRow => {
      const seenBy = new Map<string, Source[]>();
      for (const sighting of seen.filter((s) => s.status === status)) {
        seenBy.set(sighting.scenarioId, [
          ...(seenBy.get(sighting.scenarioId) ?? []),
          sighting.source,
        ]);
      }
      const all = [...seenBy.values()].flat();
      return {
        status,
        documented: documented.has(status),
        description: firstSentence(documented.get(status)?.description ?? ""),
        expectedBy: scenarios.filter((s) => s.expect.status === status).map((s) => s.id),
        seenBy,
        evidence: all.some(isLive) ? "live" : all.length > 0 ? "replay" : "never",
      };
    });
    return {
      operation,
      scenarios: scenarios.map(({ id, title, expect }) => ({ id, title, expect })),
      rows,
    };
  });
  const unreached = operations.flatMap((o) =>
    o.rows
      .filter((r) => r.documented && r.evidence === "never")
      .map((r) => {
        const why = unreachable.find((u) => u.operation === o.operation && u.status === r.status);
        return { operation: o.operation, status: r.status, ...(why && { reason: why.reason }) };
      }),
  );
  const sources = [...new Set(sightings.map((s) => describeSource(s.source)))].sort();
  return { operations, unreached, sources };
}

function firstSentence(text: string, max = 72): string {
  // No code spans: a cut one would swallow the rest of the table row.
  const flat = text.replace(/`/g, "").replace(/\s+/g, " ").trim();
  const end = flat.search(/\.(\s|$)/);
  const sentence = end > 0 ? flat.slice(0, end) : flat;
  return sentence.length > max ? `${sentence.slice(0, max - 1).trimEnd()}…` : sentence;
}

function describeSource(source: Source): string {
  switch (source.kind) {
    case "recorded":
      return `cassettes recorded live from ${source.target} on ${source.date}`;
    case "live":
      return `live run on ${source.target} on ${source.date}`;
    case "replay":
      return "replay without a live recording";
  }
}

/** The evidence of one status, in words. */
export function evidenceText(row: StatusRow): string {
  if (row.evidence === "never") return "never";
  const all = [...row.seenBy.values()].flat();
  if (row.evidence === "replay") return "only in replay";
  const recorded = [...new Set(all.flatMap((s) => (s.kind === "recorded" ? [s.date] : [])))].sort();
  const live = [...new Set(all.flatMap((s) => (s.kind === "live" ? [s.date] : [])))].sort();
  const parts = [
    ...(recorded.length > 0 ? [`recorded ${recorded.join(", ")}`] : []),
    ...(live.length > 0 ? [`run ${live.join(", ")}`] : []),
  ];
  return `seen live (${parts.join("; ")})`;
}

function cell(row: StatusRow, scenarioId: string): string {
  const sources = row.seenBy.get(scenarioId);
  if (sources?.some(isLive)) return "●";
  if (sources) return "○";
  return row.expectedBy.includes(scenarioId) ? "·" : "";
}

/** docs/coverage.md: per operation, a status × scenario grid and the evidence of each status. */
export function renderCoverageMarkdown(coverage: Coverage, generatedBy: string): string {
  const lines = [
    "# Evidence coverage",
    "",
    `Generated by \`${generatedBy}\`; do not edit. Sources: ${coverage.sources.join("; ") || "none"}.`,
    "",
    "For each operation under test, each status (documented ones, and any other a scenario saw) and",
    "each scenario: ● the call under test was answered with it by a real server (a cassette recorded",
    "live, or a live run), ○ only in replay, · the scenario's documented case is this status but no",
    "server answered it so, empty: neither.",
    "",
  ];
  for (const op of coverage.operations) {
    lines.push(`## ${op.operation}`, "");
    lines.push(
      `| status | documented | evidence | ${op.scenarios.map((s) => shortId(s.id)).join(" | ")} |`,
      `|---|---|---|${op.scenarios.map(() => ":-:").join("|")}|`,
    );
    for (const row of op.rows) {
      const documented = row.documented ? `yes: ${escapeCell(row.description)}` : "**no**";
      lines.push(
        `| ${row.status} | ${documented} | ${evidenceText(row)} | ${op.scenarios.map((s) => cell(row, s.id)).join(" | ")} |`,
      );
    }
    lines.push("", "Scenarios:", "");
    for (const s of op.scenarios) {
      lines.push(`- \`${shortId(s.id)}\` ${s.title} (documented: ${s.expect.status})`);
    }
    lines.push("");
  }
  lines.push("## Documented statuses no scenario reaches", "");
  if (coverage.unreached.length === 0) lines.push("None.");
  for (const u of coverage.unreached) {
    lines.push(
      `- ${u.operation} ${u.status}: ${u.reason ?? "no reason given in the family's file"}`,
    );
  }
  lines.push("");
  return lines.join("\n");
}

/** The short form a run prints: each status's evidence, and what no scenario reaches. */
export function renderCoverageSummary(coverage: Coverage): string {
  const lines = ["evidence coverage (status: scenarios that saw it, evidence):"];
  for (const op of coverage.operations) {
    lines.push(`  ${op.operation}`);
    for (const row of op.rows) {
      const seen = [...row.seenBy.keys()].map(shortId).join(" ");
      const flag = row.documented ? "" : " (not documented)";
      lines.push(`    ${row.status}${flag}: ${seen || "—"}; ${evidenceText(row)}`);
    }
  }
  const unreached = coverage.unreached.map((u) => `${u.operation} ${u.status}`).join(", ");
  lines.push(`  documented statuses no scenario reaches: ${unreached || "none"}`);
  return `${lines.join("\n")}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}
