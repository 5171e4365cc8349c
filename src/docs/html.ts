// docs/index.html: everything on one self-contained page (inline CSS and script, no external
// resource), so it can be opened from a CI artifact or a file system as it is.
import { type DeviationFile, describeCondition } from "../deviations/deviations.ts";
import type { Verdict } from "../engine/outcome.ts";
import { shortId } from "../engine/scenario.ts";
import { PAGE_CSS, PAGE_JS } from "./html-style.ts";
import type { DocsModel, OperationDoc } from "./model.ts";
import {
  curlExample,
  deviationsFor,
  documentedSuccess,
  ENDPOINT_VARIABLES,
  envelopeView,
  type FieldRow,
  fieldRows,
  GENERATED_BY,
  type HttpMessage,
  json,
  observedSuccess,
  parameterRows,
  requestExamples,
  requiredHeadersFor,
  responseRows,
  type ScenarioView,
  SHOWN_REQUEST_HEADERS,
  scenarioView,
  timeToAgreeText,
  verdictCounts,
  versionCell,
  versionGrid,
} from "./view.ts";

const TITLE = "OTC disk detach: executable documentation";

interface OperationPage {
  op: OperationDoc;
  views: ScenarioView[];
  /** Prefix of this operation's element ids, e.g. `detachVolume`. */
  anchor: string;
}

export function renderHtml(model: DocsModel): string {
  const pages = model.operations.map((op) => ({
    op,
    views: op.scenarios.map((doc) => scenarioView(doc, model.families)),
    anchor: op.contract.operationId,
  }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLE}</title>
<style>
${PAGE_CSS}</style>
</head>
<body>
<!-- ${esc(GENERATED_BY)} -->
<div class="layout">
${toc(pages)}
<main>
<search class="toolbar">
<input type="search" id="search" placeholder="Search scenarios: id, title, status, deviation…" aria-label="Search scenarios">
<button type="button" data-open="true">Expand all</button>
<button type="button" data-open="false">Collapse all</button>
<output id="matches" aria-live="polite"></output>
</search>
${overview(model, pages)}
${pages.map((page) => operationSection(page, model)).join("\n")}
${familiesSection(model.families)}
<footer>${inline(GENERATED_BY)}</footer>
</main>
</div>
<script>
${PAGE_JS}</script>
</body>
</html>
`;
}

function toc(pages: OperationPage[]): string {
  const opItems = pages.map(
    ({ op, views, anchor }) => `<li><a href="#${anchor}"><code>${op.contract.operationId}</code></a>
<ol>
<li><a href="#${anchor}-contract">Contract</a></li>
<li><a href="#${anchor}-observed">Documented vs observed</a></li>
<li><a href="#${anchor}-versions">Versions</a></li>
<li><a href="#${anchor}-scenarios">Scenarios</a> <span class="count">${views.length}</span></li>
<li><a href="#${anchor}-deviations">Known deviations</a></li>
</ol>
</li>`,
  );
  return `<nav class="toc" aria-label="Contents">
<p class="toc-title">Contents</p>
<ol>
<li><a href="#overview">Overview</a></li>
${opItems.join("\n")}
<li><a href="#families">Deviation families</a></li>
</ol>
</nav>`;
}

function overview(model: DocsModel, pages: OperationPage[]): string {
  const { name, family } = model.recordedOn;
  const rows = pages.map(
    ({ op, views, anchor }) => `<tr>
<td data-label="operation"><a href="#${anchor}"><code>${op.contract.operationId}</code></a><br><span class="muted">${esc(op.contract.summary)}</span></td>
<td data-label="call">${callLine(op)}</td>
<td data-label="documented success" class="num">${documentedSuccess(op.contract) ?? "–"}</td>
<td data-label="observed success" class="num">${esc(observedSuccess(views))}</td>
<td data-label="scenarios">${tally(views)}</td>
<td data-label="time to agree">${esc(timeToAgreeText(views))}</td>
</tr>`,
  );
  return `<header id="overview">
<h1>${TITLE}</h1>
<p class="lead">For each operation under test: the documented contract from <code>spec/</code>, every
scenario of the catalog with the real request and response recorded on <code>${esc(name)}</code>
(family <code>${esc(family)}</code>), the documented against the observed status, and the known
deviations with their reasons. Request headers other than ${SHOWN_REQUEST_HEADERS.join(", ")} are not shown.
Time to agree: after the call under test answered, how long until Nova's attachment list, Cinder's
attachments and the volume status said the same thing, as measured when recorded.</p>
<table class="cards">
<thead><tr><th>operation</th><th>call</th><th>documented success</th><th>observed success</th><th>scenarios</th><th>time to agree</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
</header>`;
}

function tally(views: ScenarioView[]): string {
  return verdictCounts(views)
    .map(([v, n]) => `<span class="tally">${n} ${badge(v)}</span>`)
    .join(" ");
}

function callLine({ contract }: OperationDoc): string {
  return `<span class="method">${contract.method}</span> <code>${esc(contract.path)}</code>`;
}

function operationSection(page: OperationPage, model: DocsModel): string {
  const { op, views, anchor } = page;
  const { contract } = op;
  return `<section class="operation" id="${anchor}">
<h2><code>${contract.operationId}</code> ${esc(contract.summary)}</h2>
<p class="call">${callLine(op)}${contract.deprecated ? ' <span class="tag">deprecated</span>' : ""} <span class="muted">${contract.document}</span></p>
<h3 id="${anchor}-contract">Contract</h3>
${blocks(contract.description)}
${contractDetails(op)}
<h3 id="${anchor}-observed">Documented vs observed</h3>
<p>What the documentation gives for each case, and what the recorded server answered.</p>
<table class="observed cards">
<thead><tr><th>scenario</th><th>case</th><th>documented</th><th>observed</th><th>verdict</th><th>deviation</th></tr></thead>
<tbody>
${views
  .map(
    (v) => `<tr>
<td data-label="scenario"><a href="#${v.anchor}"><code>${v.shortId}</code></a></td>
<td data-label="case">${esc(v.title)}</td>
<td data-label="documented">${esc(v.expected)}</td>
<td data-label="observed"${v.observed === v.expected ? "" : ' class="differs"'}>${esc(v.observed)}</td>
<td data-label="verdict">${badge(v.verdict)}</td>
<td data-label="deviation" class="ids">${v.deviations.map((d) => `<a href="#${anchor}-d-${d.id}"><code>${d.id}</code></a>`).join("<br>")}</td>
</tr>`,
  )
  .join("\n")}
</tbody>
</table>
${versionSection(page)}
<h3 id="${anchor}-scenarios">Scenarios</h3>
<p class="muted">Each one opens to show what the documentation says, the call under test and the answer as recorded.</p>
${views.map((v) => scenarioDetails(v, anchor)).join("\n")}
<h3 id="${anchor}-deviations">Known deviations</h3>
${model.families.map((file) => familyDeviations(file, page)).join("\n")}
</section>`;
}

function versionSection({ op, views, anchor }: OperationPage): string {
  const grid = versionGrid(op.contract.operationId, views);
  if (!grid) return "";
  return `<h3 id="${anchor}-versions">Versions</h3>
<p>The scenarios that run at every API version the call can name: per version, the recorded answer and verdict.</p>
${table(
  ["scenario", ...grid.versions.map((v) => `<code>${esc(v)}</code>`)],
  grid.rows.map((row) => [
    `<code>${shortId(row.baseId)}</code> ${esc(row.title)}`,
    ...row.cases.map((c) =>
      c ? `<a href="#${c.anchor}">${esc(versionCell(c))}</a>` : versionCell(c),
    ),
  ]),
)}`;
}

function contractDetails({ contract }: OperationDoc): string {
  const parts = [
    "<h4>Example</h4>",
    `<p class="muted">With <code>OS_TOKEN</code> (<code>openstack token issue -f value -c id</code>), <code>${Object.values(ENDPOINT_VARIABLES).join("</code> or <code>")}</code> (the service's URL) and the path's ids set as shell variables:</p>`,
    `<pre class="curl"><code>${esc(curlExample(contract))}</code></pre>`,
    "<h4>Parameters</h4>",
    table(
      ["name", "in", "required", "type", "description"],
      parameterRows(contract).map((p) => [
        `<code>${esc(p.name)}</code>`,
        p.in,
        yesNo(p.required),
        esc(p.type),
        inline(p.description),
      ]),
    ),
    "<h4>Request body</h4>",
  ];
  const body = contract.requestBody;
  if (!body) {
    parts.push("<p>None.</p>");
  } else {
    parts.push(
      `<p>${body.mediaTypes.map((m) => `<code>${esc(m)}</code>`).join(", ")}, ${body.required ? "required" : "optional"}.</p>`,
    );
    if (body.schema) {
      if (body.schema.description) parts.push(blocks(String(body.schema.description)));
      parts.push(fieldTable(fieldRows(body.schema)));
    }
    for (const example of requestExamples(contract)) {
      parts.push(`<p class="caption">${esc(example.title)}</p>`, jsonBlock(json(example.value)));
    }
  }
  parts.push(
    "<h4>Responses</h4>",
    table(
      ["status", "body", "description"],
      responseRows(contract).map((r) => [
        `<span class="num">${r.status}</span>`,
        esc(r.body),
        inline(r.description),
      ]),
    ),
  );
  const envelope = envelopeView(contract);
  if (envelope) {
    parts.push(
      "<h4>Error envelope</h4>",
      blocks(envelope.description),
      `<p>Fault names: ${envelope.faults.map((f) => `<code>${f}</code>`).join(", ")}.</p>`,
      fieldTable(envelope.fields),
      ...envelope.examples.map((example) => jsonBlock(json(example))),
    );
  }
  return parts.join("\n");
}

function scenarioDetails(v: ScenarioView, anchor: string): string {
  const facts: [string, string][] = [
    ["documented", inline(v.documented)],
    [
      "status",
      `expected <b>${esc(v.expected)}</b>, observed <b>${esc(v.observed)}</b> ${badge(v.verdict)}`,
    ],
    [
      "scenario",
      `<code>${v.id}</code>, category <code>${v.category}</code>${v.requires.length ? `, requires ${esc(v.requires.join(", "))}` : ""}${v.tags.length ? `, tags ${esc(v.tags.join(", "))}` : ""}`,
    ],
  ];
  if (v.reason) facts.push(["reason", esc(v.reason)]);
  for (const d of v.deviations) {
    facts.push([
      "known deviation",
      `<a href="#${anchor}-d-${d.id}"><code>${d.id}</code></a> (${esc(d.failedChecks.join(", "))}): ${inline(d.reason)}`,
    ]);
  }
  for (const f of v.failures) facts.push(["fails", `<code>${f.check}</code>: ${esc(f.message)}`]);
  const exchange =
    v.request && v.response
      ? `<p class="caption">Request <span class="muted">· exchange ${v.callNumber} of ${v.exchangeCount} in <code>${esc(v.cassette)}</code></span></p>
${httpBlock(v.request)}
<p class="caption">Response</p>
${httpBlock(v.response)}`
      : '<p class="muted">The call under test was not made.</p>';
  const setup =
    v.setupCalls.length > 0
      ? `<details class="setup"><summary class="setup-title">Set-up and clean-up calls (${v.setupCalls.length})</summary>
<ol class="setup-calls">${v.setupCalls.map((c) => `<li><code>${esc(c.line)}</code>${c.operationId ? ` <span class="muted">${esc(c.operationId)}</span>` : ""}</li>`).join("")}</ol>
</details>`
      : "";
  return `<details class="scenario" id="${v.anchor}">
<summary>${badge(v.verdict)} <code class="id">${v.shortId}</code> <span class="title">${esc(v.title)}</span> <span class="pair">${esc(v.expected)} → ${esc(v.observed)}</span></summary>
<div class="content">
<dl>
${facts.map(([term, text]) => `<dt>${term}</dt><dd>${text}</dd>`).join("\n")}
</dl>
${exchange}
${setup}
</div>
</details>`;
}

function familyDeviations(file: DeviationFile, page: OperationPage): string {
  const entries = deviationsFor(file, page.op.contract.operationId);
  const required = requiredHeadersFor(file, page.op.contract.operationId).map(
    (r) => `<p>Requires <code>${esc(r.header)}</code>: ${inline(r.reason)}</p>`,
  );
  const head = [`<h4>Family <code>${esc(file.family)}</code></h4>`, ...required].join("\n");
  if (entries.length === 0) {
    return `${head}\n<p class="muted">No known deviation (<code>tests/deviations/${esc(file.family)}.yaml</code>).</p>`;
  }
  const cards = entries.map((entry) => {
    const seenIn = page.views.filter((v) => v.deviations.some((d) => d.id === entry.id));
    return `<div class="deviation-card" id="${page.anchor}-d-${entry.id}">
<p class="deviation-id"><code>${entry.id}</code> <span class="muted">checks ${esc(entry.checks.join(", "))}${entry.actual ? ` · actual matches <code>${esc(entry.actual)}</code>` : ""}${entry.response ? ` · only when the response has ${esc(describeCondition(entry.response) ?? "")}` : ""}</span></p>
<p>${inline(entry.reason)}</p>
${seenIn.length > 0 ? `<p class="muted">Seen in ${seenIn.map((v) => `<a href="#${v.anchor}"><code>${v.shortId}</code></a>`).join(", ")}</p>` : ""}
</div>`;
  });
  return `${head}\n${cards.join("\n")}`;
}

function familiesSection(families: DeviationFile[]): string {
  return `<section id="families">
<h2>Deviation families</h2>
<p>Reviewed differences between the contract and a family of servers, in <code>tests/deviations/&lt;family&gt;.yaml</code>. A run against a target uses the file of the target's <code>family</code>.</p>
${table(
  ["family", "entries", "description"],
  families.map((f) => [
    `<code>${esc(f.family)}</code>`,
    `<span class="num">${f.deviations.length}</span>`,
    esc(f.description),
  ]),
)}
</section>`;
}

function fieldTable(rows: FieldRow[]): string {
  return table(
    ["field", "type", "required", "description"],
    rows.map((r) => [
      `<code>${esc(r.path)}</code>`,
      esc(r.type),
      yesNo(r.required),
      inline(r.description),
    ]),
  );
}

/** Cells are HTML already; each names its column, which narrow screens show beside it. */
function table(header: string[], rows: string[][]): string {
  return `<table class="cards">
<thead><tr>${header.map((h) => `<th>${h}</th>`).join("")}</tr></thead>
<tbody>
${rows.map((cells) => `<tr>${cells.map((c, i) => `<td data-label="${header[i] ?? ""}">${c}</td>`).join("")}</tr>`).join("\n")}
</tbody>
</table>`;
}

function httpBlock(message: HttpMessage): string {
  const head = [
    `<b>${esc(message.startLine)}</b>`,
    ...message.headers.map(
      ([name, value]) => `<span class="hn">${esc(name)}</span>: ${esc(value)}`,
    ),
  ].join("\n");
  const body = message.body
    ? `\n\n${message.body.json ? highlightJson(message.body.text) : esc(message.body.text)}`
    : "";
  return `<pre class="http"><code>${head}${body}</code></pre>`;
}

function jsonBlock(text: string): string {
  return `<pre><code>${highlightJson(text)}</code></pre>`;
}

const JSON_TOKEN =
  /("(?:\\.|[^"\\])*")(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** Colours keys, strings, numbers and literals of pretty-printed JSON. */
function highlightJson(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(JSON_TOKEN)) {
    out += esc(text.slice(last, match.index));
    const [token, string, colon] = match;
    const kind = string ? (colon ? "k" : "s") : /^[tfn]/.test(token) ? "l" : "n";
    out += `<span class="${kind}">${esc(string ?? token)}</span>${colon ? esc(colon) : ""}`;
    last = match.index + token.length;
  }
  return out + esc(text.slice(last));
}

/** The spec's Markdown descriptions: paragraphs, indented code blocks, `code` and **bold**. */
function blocks(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split("\n");
      if (lines.every((line) => line.startsWith("    "))) {
        return `<pre><code>${esc(lines.map((line) => line.slice(4)).join("\n"))}</code></pre>`;
      }
      return `<p>${inline(lines.map((line) => line.trim()).join(" "))}</p>`;
    })
    .join("\n");
}

function inline(text: string): string {
  return esc(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
}

function badge(verdict: Verdict): string {
  return `<span class="badge ${verdict}">${verdict}</span>`;
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

function esc(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}
