// The Markdown pages: docs/index.md and docs/operations/<operationId>.md. Links are relative to
// those locations in the repository.
import { type DeviationFile, describeCondition } from "../deviations/deviations.ts";
import { shortId } from "../engine/scenario.ts";
import type { DocsModel, OperationDoc } from "./model.ts";
import {
  deviationsFor,
  documentedSuccess,
  envelopeView,
  fieldRows,
  GENERATED_BY,
  json,
  messageText,
  observedSuccess,
  parameterRows,
  requestExamples,
  requiredHeadersFor,
  responseRows,
  type ScenarioView,
  scenarioView,
  timeToAgreeText,
  verdictCounts,
  versionCell,
  versionGrid,
} from "./view.ts";

export function renderIndexMarkdown(model: DocsModel): string {
  const { name, family } = model.recordedOn;
  const views = (op: OperationDoc) => op.scenarios.map((doc) => scenarioView(doc, model.families));
  const lines = [
    `<!-- ${GENERATED_BY} -->`,
    "",
    "# Executable documentation: OTC disk detach",
    "",
    "For each operation under test: the documented contract (from `spec/`), every scenario of",
    `the catalog with the real request and response recorded on \`${name}\` (family`,
    `\`${family}\`), the documented against the observed status, and the known deviations with`,
    "their reasons. The same content as one page: [index.html](index.html) (self-contained, open",
    "it in a browser).",
    "",
    table(
      ["operation", "call", "documented success", "observed success", "scenarios", "time to agree"],
      model.operations.map((op) => [
        `[\`${op.contract.operationId}\`](operations/${op.contract.operationId}.md)`,
        `\`${op.contract.method} ${op.contract.path}\``,
        String(documentedSuccess(op.contract) ?? "–"),
        observedSuccess(views(op)),
        tally(views(op)),
        timeToAgreeText(views(op)),
      ]),
    ),
    "Time to agree: after the call under test answered, how long until Nova's attachment list,",
    "Cinder's attachments and the volume status said the same thing (detached after an accepted",
    "detach, attached after a refused one), as measured when the cassettes were recorded.",
    "",
    "## Deviation families",
    "",
    "Reviewed differences between the contract and a family of servers. A run against a target",
    "uses the file of the target's `family`.",
    "",
    table(
      ["family", "entries", "description"],
      model.families.map((file) => [
        `[\`${file.family}\`](../tests/deviations/${file.family}.yaml)`,
        String(file.deviations.length),
        file.description,
      ]),
    ),
    "## Regenerating",
    "",
    "```sh",
    "npm run docs                           # rewrites docs/index.md, docs/index.html, docs/operations/",
    "npm run conformance -- docs --check    # only says whether they are out of date",
    "```",
    "",
    "The unit test `tests/docs/docs.test.ts` fails when a committed page differs from what spec/,",
    "the catalog, the cassettes and the deviation files give.",
    "",
  ];
  return lines.join("\n");
}

export function renderOperationMarkdown(op: OperationDoc, model: DocsModel): string {
  const { contract } = op;
  const views = op.scenarios.map((doc) => scenarioView(doc, model.families));
  const { name, family } = model.recordedOn;
  return [
    `<!-- ${GENERATED_BY} -->`,
    "",
    `# \`${contract.operationId}\`: ${contract.summary}`,
    "",
    "[Index](../index.md) · [Contract](#contract) · [Documented vs observed](#documented-vs-observed) · [Versions](#versions) · [Scenarios](#scenarios) · [Known deviations](#known-deviations)",
    "",
    `- **Call:** \`${contract.method} ${contract.path}\``,
    `- **Contract:** [${contract.document}](../../${contract.document})${contract.deprecated ? ", deprecated" : ""}`,
    `- **Documented success:** ${documentedSuccess(contract) ?? "–"}`,
    `- **Scenarios:** ${views.length}, recorded on \`${name}\` (\`${family}\`): ${tally(views)}`,
    `- **Time until Nova and Cinder agree:** ${timeToAgreeText(views)}`,
    "",
    ...contractSection(op),
    ...comparisonSection(views),
    ...versionSection(contract.operationId, views),
    "## Scenarios",
    "",
    ...views.flatMap(scenarioSection),
    "## Known deviations",
    "",
    "Entries of the reviewed deviation files that can apply to this operation, per family.",
    "",
    ...model.families.flatMap((file) => familySection(file, contract.operationId, views)),
  ].join("\n");
}

function contractSection({ contract }: OperationDoc): string[] {
  const out = ["## Contract", "", prose(contract.description.trim()), ""];
  out.push("### Parameters", "");
  out.push(
    table(
      ["name", "in", "required", "type", "description"],
      parameterRows(contract).map((p) => [
        `\`${p.name}\``,
        p.in,
        yesNo(p.required),
        p.type,
        p.description,
      ]),
    ),
  );
  out.push("### Request body", "");
  const body = contract.requestBody;
  if (!body) {
    out.push("None.", "");
  } else {
    out.push(
      `${body.mediaTypes.map((m) => `\`${m}\``).join(", ")}, ${body.required ? "required" : "optional"}.`,
      "",
    );
    if (body.schema) {
      if (body.schema.description) out.push(prose(String(body.schema.description)), "");
      out.push(fieldTable(fieldRows(body.schema)));
    }
    for (const example of requestExamples(contract)) {
      out.push(`${example.title}:`, "", fence(json(example.value), "json"), "");
    }
  }
  out.push("### Responses", "");
  out.push(
    table(
      ["status", "body", "description"],
      responseRows(contract).map((r) => [String(r.status), r.body, r.description]),
    ),
  );
  const envelope = envelopeView(contract);
  if (envelope) {
    out.push("### Error envelope", "", prose(envelope.description), "");
    out.push(`Fault names: ${envelope.faults.map((f) => `\`${f}\``).join(", ")}.`, "");
    out.push(fieldTable(envelope.fields));
    for (const example of envelope.examples) out.push(fence(json(example), "json"), "");
  }
  return out;
}

function comparisonSection(views: ScenarioView[]): string[] {
  return [
    "## Documented vs observed",
    "",
    "What the documentation gives for each case, and what the recorded server answered.",
    "",
    table(
      ["scenario", "case", "documented", "observed", "verdict", "deviation"],
      views.map((v) => [
        `[\`${v.shortId}\`](#${v.anchor})`,
        v.title,
        v.expected,
        v.observed,
        v.verdict,
        v.deviations.map((d) => `[\`${d.id}\`](#d-${d.id})`).join(", "),
      ]),
    ),
  ];
}

function versionSection(operationId: string, views: ScenarioView[]): string[] {
  const grid = versionGrid(operationId, views);
  if (!grid) return [];
  return [
    "## Versions",
    "",
    "The scenarios that run at every API version the call can name: per version, the recorded",
    "answer and verdict.",
    "",
    table(
      ["scenario", ...grid.versions.map((v) => `\`${v}\``)],
      grid.rows.map((row) => [
        `\`${shortId(row.baseId)}\` ${row.title}`,
        ...row.cases.map((c) => (c ? `[${versionCell(c)}](#${c.anchor})` : versionCell(c))),
      ]),
    ),
  ];
}

function scenarioSection(v: ScenarioView): string[] {
  const facts = [
    `- **Documented:** ${prose(v.documented)}`,
    `- **Expected:** ${v.expected} · **observed:** ${v.observed} · **verdict:** ${v.verdict}`,
    `- **Scenario:** \`${v.id}\`, category \`${v.category}\`${v.requires.length ? `, requires ${v.requires.join(", ")}` : ""}${v.tags.length ? `, tags ${v.tags.join(", ")}` : ""}`,
  ];
  if (v.reason) facts.push(`- **Reason:** ${prose(v.reason)}`);
  for (const d of v.deviations) {
    facts.push(
      `- **Known deviation:** [\`${d.id}\`](#d-${d.id}), failed ${d.failedChecks.join(", ")}`,
    );
  }
  for (const f of v.failures) facts.push(`- **Fails** \`${f.check}\`: ${prose(f.message)}`);
  const out = [`<a id="${v.anchor}"></a>`, "", `### ${v.shortId}: ${v.title}`, "", ...facts, ""];
  if (v.request && v.response) {
    out.push(
      `Request (exchange ${v.callNumber} of ${v.exchangeCount} in [${v.cassette}](../../${v.cassette})):`,
      "",
      fence(messageText(v.request), "http"),
      "",
      "Response:",
      "",
      fence(messageText(v.response), "http"),
      "",
    );
  }
  return out;
}

function familySection(file: DeviationFile, operationId: string, views: ScenarioView[]): string[] {
  const entries = deviationsFor(file, operationId);
  const out = [`### \`${file.family}\``, ""];
  if (file.description) out.push(prose(file.description), "");
  for (const required of requiredHeadersFor(file, operationId)) {
    out.push(`- **Requires \`${required.header}\`:** ${prose(required.reason)}`, "");
  }
  if (entries.length === 0) {
    out.push(`No known deviation (tests/deviations/${file.family}.yaml).`, "");
    return out;
  }
  for (const entry of entries) {
    const seenIn = views.filter((v) => v.deviations.some((d) => d.id === entry.id));
    out.push(
      `<a id="d-${entry.id}"></a>`,
      "",
      `#### \`${entry.id}\``,
      "",
      prose(entry.reason),
      "",
      `- **Checks:** ${entry.checks.join(", ")}`,
    );
    if (entry.actual) out.push(`- **Actual value matches:** \`${entry.actual}\``);
    const condition = describeCondition(entry.response);
    if (condition) out.push(`- **Only when the response has:** ${condition}`);
    if (seenIn.length > 0) {
      out.push(
        `- **Seen in:** ${seenIn.map((v) => `[\`${v.shortId}\`](#${v.anchor})`).join(", ")}`,
      );
    }
    out.push("");
  }
  return out;
}

function tally(views: ScenarioView[]): string {
  return verdictCounts(views)
    .map(([v, n]) => `${n} ${v}`)
    .join(", ");
}

function fieldTable(rows: ReturnType<typeof fieldRows>): string {
  return table(
    ["field", "type", "required", "description"],
    rows.map((r) => [`\`${r.path}\``, r.type, yesNo(r.required), r.description]),
  );
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

/** A table followed by a blank line; cells are made safe for one table row. */
function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) =>
    `| ${cells
      .map((c) =>
        prose(c)
          .replaceAll("|", "\\|")
          .replace(/\s*\n\s*/g, " "),
      )
      .join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line), ""].join("\n");
}

/**
 * Text from the spec, the catalog or a server, made safe as Markdown prose: `<` outside code
 * spans and indented code blocks would otherwise start an HTML tag (`Instance <id> is locked`).
 */
function prose(text: string): string {
  return text
    .split("\n")
    .map((line) =>
      line.startsWith("    ")
        ? line
        : line
            .split("`")
            .map((part, i) => (i % 2 === 0 ? part.replaceAll("<", "&lt;") : part))
            .join("`"),
    )
    .join("\n");
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fence(text: string, language: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const marks = "`".repeat(longest + 1);
  return `${marks}${language}\n${text}\n${marks}`;
}
