import type { ScenarioOutcome } from "../engine/outcome.ts";
import { OPERATIONS } from "../engine/scenario.ts";
import { renderRedacted } from "../redaction/redact.ts";
import { explained, failureDetails, type RunInfo, tally, unexplained } from "./report-data.ts";
import { reproductionLines } from "./reproduce.ts";

/**
 * JUnit XML for CI: one testsuite per operation that ran, one testcase per scenario. Deviations
 * pass but list themselves in system-out, so CI shows them without failing the build.
 */
export function renderJunit(
  outcomes: ScenarioOutcome[],
  run: RunInfo,
  knownSecrets: string[] = [],
): string {
  return renderRedacted(outcomes, knownSecrets, (clean) => {
    const suites = OPERATIONS.map((operation) =>
      clean.filter((outcome) => outcome.scenario.operation === operation),
    ).filter((group) => group.length > 0);
    return [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<testsuites name="conformance"${counts(clean, wallMs(run))}>`,
      ...suites.flatMap((group) => testsuite(group, run)),
      `</testsuites>`,
      "",
    ].join("\n");
  });
}

function testsuite(outcomes: ScenarioOutcome[], run: RunInfo): string[] {
  const name = outcomes[0]?.scenario.operation ?? "";
  return [
    `  <testsuite name="${attr(name)}"${counts(outcomes, wallMs(run))}>`,
    `    <properties>`,
    ...Object.entries({ target: run.target, family: run.family, mode: run.mode }).map(
      ([key, value]) => `      <property name="${key}" value="${attr(value)}"/>`,
    ),
    `    </properties>`,
    ...outcomes.flatMap(testcase),
    `  </testsuite>`,
  ];
}

/** The run's wall time: its scenarios ran side by side, so their times add up to more. */
function wallMs(run: RunInfo): number {
  return run.finishedAt.getTime() - run.startedAt.getTime();
}

/** Counts, and a time no longer than the run's: the sum of the cases', at most the wall time. */
function counts(outcomes: ScenarioOutcome[], wall: number): string {
  const t = tally(outcomes);
  const ms = Math.min(
    wall,
    outcomes.reduce((sum, outcome) => sum + outcome.durationMs, 0),
  );
  return ` tests="${t.total}" failures="${t.fails}" errors="${t.error}" skipped="${t.skipped}" time="${seconds(ms)}"`;
}

function testcase(outcome: ScenarioOutcome): string[] {
  const { scenario } = outcome;
  const open = `    <testcase name="${attr(`${scenario.id} ${scenario.title}`)}" classname="${attr(`conformance.${scenario.operation}.${scenario.category}`)}" time="${seconds(outcome.durationMs)}"`;
  const body = [...verdictElement(outcome), ...systemOut(outcome)];
  if (body.length === 0) return [`${open}/>`];
  return [`${open}>`, ...body.map((line) => `      ${line}`), `    </testcase>`];
}

function verdictElement(outcome: ScenarioOutcome): string[] {
  const reason = outcome.reason ?? "";
  switch (outcome.verdict) {
    case "skipped":
      return [`<skipped message="${attr(reason)}"/>`];
    case "error":
      return [`<error message="${attr(reason)}">${text(details(outcome))}</error>`];
    case "fails": {
      const failed = unexplained(outcome);
      const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : "";
      const message = `${failed[0]?.message ?? reason}${more}`;
      return [`<failure message="${attr(message)}">${text(details(outcome))}</failure>`];
    }
    default:
      return [];
  }
}

/** Why it is red, then the call under test and a curl command that repeats it. */
function details(outcome: ScenarioOutcome): string {
  return [failureDetails(outcome), ...reproductionLines(outcome)].join("\n");
}

/** Known deviations and leftovers, for any verdict that ran. */
function systemOut(outcome: ScenarioOutcome): string[] {
  const lines = [
    ...explained(outcome).map(
      (finding) =>
        `${finding.support ? `set-up call ${finding.operationId}: ` : ""}known deviation ${finding.deviation}: ${finding.check}, actual: ${finding.actual ?? ""}`,
    ),
    ...outcome.leftovers.map((leftover) => `left behind: ${leftover.label} (${leftover.error})`),
  ];
  return lines.length === 0 ? [] : [`<system-out>${text(lines.join("\n"))}</system-out>`];
}

/** JUnit times are seconds. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Characters XML 1.0 does not allow even escaped (controls, lone surrogates, U+FFFE/FFFF). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes character data; characters XML cannot hold are spelled out as `\uXXXX`. */
function text(value: string): string {
  return value
    .replace(NOT_XML, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** Escapes an attribute value; line breaks and tabs as references, or parsers fold them to spaces. */
function attr(value: string): string {
  return text(value)
    .replace(/"/g, "&quot;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}
