import type { DeviationFile } from "../deviations/deviations.ts";
import type { ScenarioOutcome, Verdict } from "../engine/outcome.ts";
import { shortId } from "../engine/scenario.ts";
import { renderRedacted } from "../redaction/redact.ts";
import type { Exchange } from "../transport/exchange.ts";
import { curlCommand, TOKEN_VARIABLE } from "./curl.ts";
import { type RunVerdict, runVerdict } from "./exit-codes.ts";
import { REPORT_CSS, REPORT_JS } from "./html-assets.ts";
import {
  anchorOf,
  callUnderTest,
  checkName,
  counted,
  explained,
  ownDeviations,
  type RunInfo,
  setUpDeviationNotes,
  statusPair,
  tally,
  unexplained,
} from "./report-data.ts";

/** Longer bodies are cut: a report is read, and a 2 MB HTML fault page helps nobody. */
export const BODY_LIMIT = 4000;

const VERDICTS: readonly Verdict[] = ["conforms", "deviation", "fails", "error", "skipped"];

/**
 * The run report a person opens in a browser: one self-contained page (inline style and
 * script, no request leaves it) with the verdict table, filters, every scenario's exchanges and,
 * for each red scenario, what is needed to reproduce it by hand. Redacted like every report.
 */
export function renderHtmlReport(
  outcomes: ScenarioOutcome[],
  run: RunInfo,
  deviations: DeviationFile,
  knownSecrets: string[] = [],
): string {
  return renderRedacted(outcomes, knownSecrets, (clean) => page(clean, run, deviations));
}

const HEADLINE: Record<RunVerdict, string> = {
  green: "passed",
  failed: "failed",
  "judged-nothing": "judged nothing",
};

function page(outcomes: ScenarioOutcome[], run: RunInfo, deviations: DeviationFile): string {
  const t = tally(outcomes);
  const verdict = runVerdict(outcomes, run.staleDeviations, run.incomplete);
  const green = verdict === "green";
  const ordered = redFirst(outcomes);
  const seconds = ((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1);
  const title = `Conformance ${HEADLINE[verdict]} on ${run.target}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<h1 class="${green ? "pass" : "fail"}">${esc(title)}</h1>
<p class="meta">family <code>${esc(run.family)}</code> · ${esc(run.mode)} mode · started ${esc(run.startedAt.toISOString())} · ${seconds} s</p>
<p class="tally">${VERDICTS.map(
    (v) =>
      `<button type="button" class="badge v-${v}" data-show="${v}" title="show only ${v}"${t[v] === 0 ? " disabled" : ""}>${v} ${t[v]}</button>`,
  ).join(
    " ",
  )} <button type="button" class="total" data-show="" title="show every verdict">${counted(t.total, "scenario")}</button></p>
</header>
${filters(outcomes)}
${table(ordered)}
<h2>Scenarios</h2>
<p class="hint">Failure reproductions need your token: <code>export ${TOKEN_VARIABLE}=$(openstack token issue -f value -c id)</code></p>
${ordered.map((o) => scenario(o, deviations)).join("\n")}
</main>
<script>${REPORT_JS}</script>
</body>
</html>
`;
}

/** Fails and errors first, where the reader looks; each part keeps the catalog's order. */
function redFirst(outcomes: ScenarioOutcome[]): ScenarioOutcome[] {
  const red = (o: ScenarioOutcome) => o.verdict === "fails" || o.verdict === "error";
  return [...outcomes.filter(red), ...outcomes.filter((o) => !red(o))];
}

function filters(outcomes: ScenarioOutcome[]): string {
  const select = (name: string, label: string, values: string[]) =>
    `<label>${label} <select data-filter="${name}"><option value="">all</option>${values
      .map((value) => `<option value="${esc(value)}">${esc(value)}</option>`)
      .join("")}</select></label>`;
  const distinct = (pick: (o: ScenarioOutcome) => string) => [...new Set(outcomes.map(pick))];
  return `<form class="filters" role="search" onsubmit="return false">
${select(
  "verdict",
  "Verdict",
  VERDICTS.filter((v) => outcomes.some((o) => o.verdict === v)),
)}
${select(
  "operation",
  "Operation",
  distinct((o) => o.scenario.operation),
)}
${select(
  "category",
  "Category",
  distinct((o) => o.scenario.category),
)}
<label>Search <input type="search" data-filter="text" placeholder="id, title, check…"></label>
<button type="button" data-action="expand">Expand all</button>
<button type="button" data-action="collapse">Collapse all</button>
<output id="shown" aria-live="polite">${outcomes.length} of ${outcomes.length} shown</output>
</form>`;
}

function attributes(o: ScenarioOutcome): string {
  const words = [o.scenario.id, o.scenario.title, ...o.findings.map((f) => f.check), o.reason];
  return `data-verdict="${o.verdict}" data-operation="${esc(o.scenario.operation)}" data-category="${esc(o.scenario.category)}" data-text="${esc(words.join(" ").toLowerCase())}"`;
}

function table(outcomes: ScenarioOutcome[]): string {
  const rows = outcomes.map(
    (o) => `<tr ${attributes(o)}>
<td data-label="Verdict"><span class="badge v-${o.verdict}">${o.verdict}</span></td>
<td data-label="Scenario"><a href="#${anchorOf(o.scenario.id)}"><code>${esc(shortId(o.scenario.id))}</code> ${esc(o.scenario.title)}</a></td>
<td data-label="Operation"><code>${esc(o.scenario.operation)}</code></td>
<td data-label="Category">${esc(o.scenario.category)}</td>
<td data-label="Expected → seen" class="num">${esc(statusPair(o))}</td>
<td data-label="Note">${esc(note(o))}</td>
</tr>`,
  );
  return `<table class="verdicts">
<thead><tr><th>Verdict</th><th>Scenario</th><th>Operation</th><th>Category</th><th>Expected → seen</th><th>Note</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
<p class="empty" hidden>No scenario matches the filters.</p>`;
}

function note(o: ScenarioOutcome): string {
  const failed = unexplained(o).map(checkName);
  const known = ownDeviations(o);
  return [
    failed.length > 0 ? `failed: ${failed.join(", ")}` : "",
    known.length > 0 ? `deviations: ${known.join(", ")}` : "",
    ...setUpDeviationNotes(o),
    o.reason ?? "",
  ]
    .filter((part) => part !== "")
    .join("; ");
}

function scenario(o: ScenarioOutcome, deviations: DeviationFile): string {
  const red = o.verdict === "fails" || o.verdict === "error";
  return `<details class="scenario" id="${anchorOf(o.scenario.id)}" ${attributes(o)}${red ? " open" : ""}>
<summary><span class="badge v-${o.verdict}">${o.verdict}</span> <code>${esc(shortId(o.scenario.id))}</code> ${esc(o.scenario.title)}</summary>
<dl class="facts">
<dt>Scenario</dt><dd><code>${esc(o.scenario.id)}</code> · <code>${esc(o.scenario.operation)}</code> · ${esc(o.scenario.category)} · ${(o.durationMs / 1000).toFixed(1)} s</dd>
<dt>Documented</dt><dd>${esc(o.scenario.documented)}</dd>
<dt>Expected</dt><dd>${o.expected.status}${o.expected.fault ? ` <code>${esc(o.expected.fault)}</code>` : ""}</dd>
<dt>Observed</dt><dd>${esc(observed(o))}</dd>
${o.reason ? `<dt>${o.verdict === "skipped" ? "Skipped because" : "Reason"}</dt><dd>${esc(o.reason)}</dd>` : ""}
</dl>
${deviationList(o, deviations)}
${red ? reproduction(o) : ""}
${exchanges(o)}
${leftovers(o)}
</details>`;
}

function observed(o: ScenarioOutcome): string {
  const call = callUnderTest(o);
  if (!call) return "the call under test was not made";
  const fault = faultName(call);
  return `${call.response.status}${fault ? ` ${fault}` : ""}`;
}

/** The OpenStack fault name, the single key of an error body (`{"itemNotFound": {…}}`). */
function faultName(exchange: Exchange): string | undefined {
  try {
    const body = JSON.parse(exchange.response.bodyText) as unknown;
    if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
    const keys = Object.keys(body);
    return exchange.response.status >= 400 && keys.length === 1 ? keys[0] : undefined;
  } catch {
    return undefined;
  }
}

function deviationList(o: ScenarioOutcome, deviations: DeviationFile): string {
  const used = explained(o);
  if (used.length === 0) return "";
  const items = used.map((finding) => {
    const entry = deviations.deviations.find((d) => d.id === finding.deviation);
    const reason = entry?.reason ?? `no entry in tests/deviations/${deviations.family}.yaml`;
    const setUp = finding.support ? `set-up call <code>${esc(finding.operationId)}</code>: ` : "";
    return `<li>${setUp}<code>${esc(finding.deviation ?? "")}</code> explains <code>${esc(finding.check)}</code>${
      finding.actual ? ` (observed: ${esc(finding.actual)})` : ""
    }<br><span class="reason">${esc(reason)}</span></li>`;
  });
  return `<h3>Known deviations</h3><ul class="deviations">${items.join("")}</ul>`;
}

/** Everything needed to see the failure again by hand: the checks, the call, a curl command. */
function reproduction(o: ScenarioOutcome): string {
  const call = callUnderTest(o);
  // Without a call under test, the last exchange is the one that stopped the scenario.
  const repeat = call ?? o.exchanges.at(-1);
  const findings = unexplained(o).map(
    (f) => `<tr><td data-label="Check"><code>${esc(checkName(f))}</code></td>
<td data-label="Message">${esc(f.message)}</td>
<td data-label="Expected"><pre>${esc(f.expected ?? "")}</pre></td>
<td data-label="Observed"><pre>${esc(f.actual ?? "")}</pre></td></tr>`,
  );
  return `<section class="repro">
<h3>Failure reproduction</h3>
${
  findings.length > 0
    ? `<table class="findings"><thead><tr><th>Check</th><th>Message</th><th>Expected</th><th>Observed</th></tr></thead><tbody>${findings.join("")}</tbody></table>`
    : `<p>${esc(o.reason ?? "no failed check")}</p>`
}
${
  repeat
    ? `<p>${call ? "The call under test" : "The call under test was not made; the last call before the scenario stopped"}:</p>
${exchangeBody(repeat)}
<p>Repeat it (set <code>$${TOKEN_VARIABLE}</code> first):</p>
<pre class="curl">${esc(curlCommand(repeat))}</pre>`
    : "<p>No call was made.</p>"
}
</section>`;
}

function exchanges(o: ScenarioOutcome): string {
  if (o.exchanges.length === 0) return "";
  const items = o.exchanges.map((exchange, i) => {
    const underTest = i === o.callIndex;
    const what = underTest ? "call under test" : (exchange.operationId ?? "set-up call");
    const expectation = underTest
      ? ` <span class="vs">documented ${o.expected.status}${o.expected.fault ? ` ${esc(o.expected.fault)}` : ""} · observed ${esc(observed(o))}</span>`
      : "";
    return `<details class="exchange${underTest ? " under-test" : ""}">
<summary><span class="status s${String(exchange.response.status)[0]}">${exchange.response.status}</span> <code>${esc(exchange.request.method)}</code> <span class="url">${esc(pathOf(exchange.request.url))}</span> <span class="what">${esc(what)}</span>${expectation}${exchange.retried ? ` <span class="what">retried: ${esc(exchange.retried)}</span>` : ""}</summary>
${exchangeBody(exchange)}
</details>`;
  });
  return `<h3>Exchanges (${o.exchanges.length})</h3>${items.join("\n")}`;
}

function exchangeBody(exchange: Exchange): string {
  const { request, response } = exchange;
  return `<div class="pair">
<div><h4>Request</h4><p class="line"><code>${esc(request.method)} ${esc(request.url)}</code></p>${headers(request.headers)}${request.body !== undefined ? `<pre>${esc(cut(pretty(request.body)))}</pre>` : ""}</div>
<div><h4>Response ${response.status}</h4>${headers(response.headers)}${response.bodyText !== "" ? `<pre>${esc(cut(pretty(response.bodyText)))}</pre>` : '<p class="hint">empty body</p>'}</div>
</div>`;
}

function headers(record: Record<string, string>): string {
  const rows = Object.entries(record).map(
    ([name, value]) => `<tr><th>${esc(name)}</th><td>${esc(value)}</td></tr>`,
  );
  return rows.length > 0 ? `<table class="headers">${rows.join("")}</table>` : "";
}

function leftovers(o: ScenarioOutcome): string {
  if (o.leftovers.length === 0) return "";
  const items = o.leftovers.map((l) => `<li>${esc(l.label)}: ${esc(l.error)}</li>`);
  return `<h3>Not cleaned up</h3><ul>${items.join("")}</ul>`;
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function cut(text: string): string {
  if (text.length <= BODY_LIMIT) return text;
  return `${text.slice(0, BODY_LIMIT)}\n… ${text.length - BODY_LIMIT} more characters cut`;
}

/** Text for HTML: markup escaped, control characters (other than newline and tab) shown as `?`. */
function esc(value: string): string {
  return value
    .replace(/(?![\n\t])\p{Cc}/gu, "?")
    .replace(
      /[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
    );
}
