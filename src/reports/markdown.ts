import { API_VERSIONS, type ApiVersion } from "../clients/versions.ts";
import type { ScenarioOutcome, Verdict } from "../engine/outcome.ts";
import { shortId } from "../engine/scenario.ts";
import { renderRedacted } from "../redaction/redact.ts";
import { judgedNothingLine, type RunVerdict, runVerdict } from "./exit-codes.ts";
import {
  checkName,
  counted,
  explained,
  failureDetails,
  ownDeviations,
  type RunInfo,
  setUpDeviationNotes,
  statusPair,
  tally,
  timeToAgree,
  unexplained,
  versionRows,
} from "./report-data.ts";

const BADGE: Record<Verdict, string> = {
  conforms: "✅ conforms",
  deviation: "☑️ deviation",
  fails: "❌ fails",
  error: "💥 error",
  skipped: "⏭️ skipped",
};

/**
 * The CI job summary (`$GITHUB_STEP_SUMMARY`). `staleDeviations` are deviation entries no finding
 * used; the caller knows whether the run was complete enough for that to mean anything.
 */
export function renderMarkdown(
  outcomes: ScenarioOutcome[],
  run: RunInfo,
  staleDeviations: string[],
  knownSecrets: string[] = [],
): string {
  return renderRedacted(outcomes, knownSecrets, (clean) =>
    [
      ...headline(clean, run, runVerdict(clean, staleDeviations, run.incomplete)),
      ...table(clean),
      ...versionGrid(clean),
      ...agreement(clean),
      ...failures(clean),
      ...deviationsSeen(clean),
      ...stale(staleDeviations),
      ...(run.incomplete
        ? ["### Missing shards", "", ...run.incomplete.map((line) => `- ${cell(line)}`), ""]
        : []),
      ...leftBehind(run),
    ].join("\n"),
  );
}

const HEADLINE: Record<RunVerdict, string> = {
  green: "✅ Conformance passed",
  failed: "❌ Conformance failed",
  "judged-nothing": "⚠️ Conformance judged nothing",
};

function headline(outcomes: ScenarioOutcome[], run: RunInfo, verdict: RunVerdict): string[] {
  const t = tally(outcomes);
  const duration = ((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1);
  const nothing = judgedNothingLine(outcomes);
  return [
    `## ${HEADLINE[verdict]} on ${cell(run.target)}`,
    "",
    ...(nothing ? [nothing, ""] : []),
    `${counted(t.total, "scenario")} — conforms: ${t.conforms}, deviation: ${t.deviation}, fails: ${t.fails}, error: ${t.error}, skipped: ${t.skipped} — family ${cell(run.family)}, ${run.mode} mode, ${duration} s`,
    "",
  ];
}

function table(outcomes: ScenarioOutcome[]): string[] {
  return [
    "| Scenario | Operation | Verdict | Status expected → seen | Note |",
    "| --- | --- | --- | --- | --- |",
    ...outcomes.map(
      (o) =>
        `| ${code(shortId(o.scenario.id))} ${cell(o.scenario.title)} | ${o.scenario.operation} | ${BADGE[o.verdict]} | ${statusPair(o)} | ${cell(note(o))} |`,
    ),
    "",
  ];
}

/** Version × scenario, for the scenarios that run at several API versions. */
function versionGrid(outcomes: ScenarioOutcome[]): string[] {
  const versions = Object.keys(API_VERSIONS) as ApiVersion[];
  const rows = versionRows(outcomes, versions, (o) => o.scenario);
  if (rows.length === 0) return [];
  return [
    "### Versions",
    "",
    `| Scenario | ${versions.map(code).join(" | ")} |`,
    `| --- |${versions.map(() => " --- |").join("")}`,
    ...rows.map(({ baseId, cases }) => {
      const cells = cases.map((o) => {
        if (!o) return "–";
        const sent = o.scenario.microversion ? ` (${o.scenario.microversion})` : "";
        return `${BADGE[o.verdict]} ${statusPair(o)}${sent}`;
      });
      const title = cases.find((o) => o)?.scenario.title ?? "";
      return `| ${code(shortId(baseId))} ${cell(title)} | ${cells.join(" | ")} |`;
    }),
    "",
  ];
}

/** How long after a detach's answer Nova and Cinder agreed, per operation. */
function agreement(outcomes: ScenarioOutcome[]): string[] {
  const spreads = Object.entries(timeToAgree(outcomes));
  if (spreads.length === 0) return [];
  return [
    "### Time until Nova and Cinder agree",
    "",
    "| Operation | Cases | Median | p95 |",
    "| --- | --- | --- | --- |",
    ...spreads.map(
      ([operation, s]) => `| ${operation} | ${s.n} | ${s.medianMs} ms | ${s.p95Ms} ms |`,
    ),
    "",
  ];
}

/** What the verdict alone does not say: which checks failed, which deviations, why skipped. */
function note(outcome: ScenarioOutcome): string {
  const failedChecks = unexplained(outcome).map((finding) => finding.check);
  const deviations = ownDeviations(outcome);
  return [
    failedChecks.length > 0 ? `failed: ${failedChecks.join(", ")}` : "",
    deviations.length > 0 ? `deviations: ${deviations.join(", ")}` : "",
    ...setUpDeviationNotes(outcome),
    outcome.reason ?? "",
  ]
    .filter((part) => part !== "")
    .join("; ");
}

function failures(outcomes: ScenarioOutcome[]): string[] {
  const red = outcomes.filter((o) => o.verdict === "fails" || o.verdict === "error");
  if (red.length === 0) return ["### Failures", "", "None.", ""];
  return [
    "### Failures",
    "",
    ...red.flatMap((o) => [
      `#### ${BADGE[o.verdict]}: ${code(o.scenario.id)} ${cell(o.scenario.title)}`,
      "",
      ...fenced(failureDetails(o)),
      "",
    ]),
  ];
}

function deviationsSeen(outcomes: ScenarioOutcome[]): string[] {
  const seen = new Map<string, Set<string>>();
  for (const o of outcomes) {
    for (const finding of explained(o)) {
      const id = finding.deviation ?? "";
      const where = seen.get(id) ?? new Set<string>();
      where.add(`${checkName(finding)} in ${code(shortId(o.scenario.id))}`);
      seen.set(id, where);
    }
  }
  const lines = [...seen].map(([id, where]) => `- ${code(id)}: ${[...where].join(", ")}`);
  return ["### Known deviations seen", "", ...(lines.length > 0 ? lines : ["None."]), ""];
}

function stale(ids: string[]): string[] {
  if (ids.length === 0) return ["### Stale deviations", "", "None.", ""];
  return [
    "### Stale deviations",
    "",
    "These entries matched nothing in a run of the whole catalog, and fail it: the server may have been fixed, or the entry is wrong. Remove each from the ledger, or fix the scenario that should show it.",
    "",
    ...ids.map((id) => `- ${code(id)}`),
    "",
  ];
}

/** What the run as a whole could not remove (its shared server); nothing when all went. */
function leftBehind(run: RunInfo): string[] {
  if (!run.leftovers?.length) return [];
  return [
    "### Left behind by the run",
    "",
    ...run.leftovers.map((leftover) => `- ${cell(leftover.label)}: ${cell(leftover.error)}`),
    "",
  ];
}

/** Free text in a table cell or heading: one line, no controls, Markdown and HTML neutralised. */
function cell(value: string): string {
  return value
    .replace(/\s+/g, " ")
    .replace(/\p{Cc}/gu, "?")
    .replace(/[\\`*_[\]<>|&]/g, "\\$&");
}

/** Ids as code; a backtick cannot be escaped inside a code span, so it becomes a space. */
function code(value: string): string {
  return `\`${value.replace(/[`\s]+/g, " ")}\``;
}

/** A fence longer than any backtick run in the text, so nothing inside can close it. */
function fenced(value: string): string[] {
  const printable = value.replace(/(?![\n\t])\p{Cc}/gu, "?");
  const longest = Math.max(2, ...(printable.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return [`${fence}text`, printable, fence];
}
