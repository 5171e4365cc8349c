import { execFileSync } from "node:child_process";
import { GREEN, type ScenarioOutcome, type Verdict } from "../engine/outcome.ts";
import { shortId } from "../engine/scenario.ts";
import type { Exchange } from "../transport/exchange.ts";

// The three-way drift check: the committed cassettes (what a real server answered when they
// were recorded), the documents in spec/ (what the checks expect), and a fresh live run.
// The cassettes are judged by replaying them, so both sides pass through the same checks.
//
//   cassette ≠ live                → the server (or the cassette) moved: record again, or look
//   cassette = live, spec disagrees → the spec moved, or a deviation is missing
//   cassette = live, spec agrees    → nothing moved (known deviations aside)
//
// "=" is judged on the call under test and the findings on it and on the final state. The
// set-up calls follow the target (a server booted from a volume where the cassette's had an
// image), so a difference there is a note, not a drift.

/** Response headers that differ on every answer or say nothing about the contract. */
const IGNORED_HEADERS = new Set([
  "content-length",
  "connection",
  "keep-alive",
  "date",
  "transfer-encoding",
  "x-openstack-request-id",
  "x-compute-request-id",
]);

/** What a scenario's run looks like once ids, times, request ids and tokens are normalised. */
export interface Signature {
  verdict: Verdict;
  /** The call under test: status, media type, other header names, normalised body. */
  call: string | undefined;
  /** Findings on the call under test and the final state: `check ok|FAIL[ (deviation)]: message`. */
  findings: string[];
  /** The distinct `operationId status` pairs of every other call (polls counted once). */
  support: string[];
}

export type Conclusion = "agree" | "server-or-cassette-moved" | "spec-moved" | "not-judged";

export interface ScenarioDrift {
  id: string;
  title: string;
  conclusion: Conclusion;
  /** One line each: what differs between the cassette and the live run. */
  differences: string[];
  /** One line each: set-up calls that differ; told, but no drift. */
  notes: string[];
  cassette: { verdict: Verdict; reason?: string };
  live: { verdict: Verdict; reason?: string };
  explanation: string;
}

export interface DriftReport {
  target: string;
  liveAt: string;
  cassettesRecorded: string[];
  specChanged?: string;
  scenarios: ScenarioDrift[];
  moved: number;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const HEX_ID = /\b[0-9a-f]{32}\b/gi;
const TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/g;
const RUN_NAME = /conformance-[0-9a-f]{6}-/g;

/** Replaces what differs from run to run: ids, project ids, times, run ids, tokens. */
export function normalise(text: string): string {
  return text
    .replace(/req-[0-9a-f-]{36}/gi, "<request-id>")
    .replace(UUID, "<uuid>")
    .replace(HEX_ID, "<id>")
    .replace(TIME, "<time>")
    .replace(RUN_NAME, "conformance-<run>-")
    .replace(/gAAAA[\w-]+/g, "<token>")
    .replace(/https?:\/\/[^/\s"]+/g, "<origin>");
}

function normaliseBody(text: string): string {
  if (text === "") return "(empty)";
  try {
    return normalise(JSON.stringify(sortKeys(JSON.parse(text))));
  } catch {
    return normalise(text);
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

function callSignature(call: Exchange): string {
  const { status, headers, bodyText } = call.response;
  const media = headers["content-type"]?.split(";")[0]?.trim().toLowerCase() ?? "(none)";
  const names = Object.keys(headers)
    .map((n) => n.toLowerCase())
    .filter((n) => !IGNORED_HEADERS.has(n) && n !== "content-type")
    .sort();
  return `${status} ${media} headers[${names.join(",")}] ${normaliseBody(bodyText)}`;
}

export function signatureOf(outcome: ScenarioOutcome): Signature {
  const call = outcome.callIndex === undefined ? undefined : outcome.exchanges[outcome.callIndex];
  return {
    verdict: outcome.verdict,
    call: call && callSignature(call),
    findings: outcome.findings
      .filter((f) => !f.support)
      .map(
        (f) =>
          `${f.check} ${f.ok ? "ok" : "FAIL"}${f.deviation ? ` (${f.deviation})` : ""}: ${normalise(f.message)}`,
      )
      .sort(),
    support: [
      ...new Set(
        outcome.exchanges
          .filter((e) => e !== call && !e.retried)
          .map(
            (e) => `${e.operationId ?? `${e.request.method} (no operation)`} ${e.response.status}`,
          ),
      ),
    ].sort(),
  };
}

const green = (v: Verdict) => v !== "skipped" && GREEN.includes(v);

/**
 * The differences between the cassette's and the live run's signature, one line each: on the
 * call under test, its findings and the final state's (`differences`), and on the set-up
 * calls (`notes`), which tell how the target was prepared, not how it answered.
 */
export function compareSignatures(
  cassette: Signature,
  live: Signature,
): { differences: string[]; notes: string[] } {
  const differences: string[] = [];
  if (cassette.call !== live.call) {
    differences.push(
      `call under test: cassette ${cassette.call ?? "(none)"}; live ${live.call ?? "(none)"}`,
    );
  } else if (green(cassette.verdict) !== green(live.verdict)) {
    // Same call and findings, yet one side red: a set-up call failed its checks.
    differences.push(`verdict: cassette ${cassette.verdict}; live ${live.verdict}`);
  }
  differences.push(...setDifference("findings", cassette.findings, live.findings));
  return { differences, notes: setDifference("set-up calls", cassette.support, live.support) };
}

function setDifference(label: string, a: string[], b: string[]): string[] {
  const gone = a.filter((x) => !b.includes(x));
  const added = b.filter((x) => !a.includes(x));
  return [
    ...(gone.length > 0 ? [`${label} only in the cassette: ${gone.join("; ")}`] : []),
    ...(added.length > 0 ? [`${label} only live: ${added.join("; ")}`] : []),
  ];
}

/** Compares the replayed cassettes with the live run, scenario by scenario. */
export function compareRuns(
  replayed: ScenarioOutcome[],
  live: ScenarioOutcome[],
  info: { target: string; liveAt: Date; cassettesRecorded: string[]; specChanged?: string },
): DriftReport {
  const byId = new Map(live.map((o) => [o.scenario.id, o]));
  const scenarios = replayed.map((cassette): ScenarioDrift => {
    const fresh = byId.get(cassette.scenario.id);
    const base = {
      id: cassette.scenario.id,
      title: cassette.scenario.title,
      cassette: verdictOf(cassette),
      live: fresh ? verdictOf(fresh) : { verdict: "skipped" as Verdict, reason: "not run live" },
    };
    if (!fresh || fresh.verdict === "skipped" || cassette.verdict === "skipped") {
      return {
        ...base,
        conclusion: "not-judged",
        differences: [],
        notes: [],
        explanation: `skipped: ${fresh?.reason ?? cassette.reason ?? "not run"}`,
      };
    }
    if (cassette.verdict === "error" && cassette.findings.length === 0) {
      return {
        ...base,
        conclusion: "server-or-cassette-moved",
        differences: [`the cassette no longer replays: ${cassette.reason ?? ""}`],
        notes: [],
        explanation:
          "the cassette is stale (the scenario changed since it was recorded): record it again",
      };
    }
    const { differences, notes } = compareSignatures(signatureOf(cassette), signatureOf(fresh));
    if (differences.length > 0) {
      return {
        ...base,
        conclusion: "server-or-cassette-moved",
        differences,
        notes,
        explanation: moved(cassette.verdict, fresh.verdict),
      };
    }
    if (!green(cassette.verdict) && !green(fresh.verdict)) {
      return {
        ...base,
        conclusion: "spec-moved",
        differences,
        notes,
        explanation:
          "the cassette and the server agree, the documents do not: the spec moved, or a deviation is missing",
      };
    }
    return {
      ...base,
      conclusion: "agree",
      differences,
      notes,
      explanation: "cassette, server and spec agree (known deviations aside)",
    };
  });
  return {
    target: info.target,
    liveAt: info.liveAt.toISOString(),
    cassettesRecorded: info.cassettesRecorded,
    ...(info.specChanged && { specChanged: info.specChanged }),
    scenarios,
    moved: scenarios.filter((s) => s.conclusion !== "agree" && s.conclusion !== "not-judged")
      .length,
  };
}

function verdictOf(outcome: ScenarioOutcome): { verdict: Verdict; reason?: string } {
  return {
    verdict: outcome.verdict,
    ...(outcome.reason !== undefined && { reason: outcome.reason }),
  };
}

function moved(cassette: Verdict, live: Verdict): string {
  if (green(cassette) && !green(live)) {
    return "the server moved away from the documents (the cassette still conforms): a regression, or record again after review";
  }
  if (!green(cassette) && green(live)) {
    return "the server now matches the documents; the cassette is stale: record it again";
  }
  if (!green(cassette) && !green(live)) {
    return "the server or the cassette moved, and the spec disagrees with both";
  }
  return "the server or the cassette moved; both still pass the checks: record again to keep the cassette current";
}

/** When spec/ last changed, from git; `undefined` outside a repository. */
export function specLastChanged(cwd = process.cwd()): string | undefined {
  try {
    const out = execFileSync("git", ["log", "-1", "--format=%cI", "--", "spec"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

export function renderDrift(report: DriftReport): string {
  const lines = [
    `Three-way drift (cassettes recorded ${report.cassettesRecorded.join(", ") || "?"}; live run on ${report.target} at ${report.liveAt}${report.specChanged ? `; spec/ last committed ${report.specChanged}` : ""})`,
    "",
  ];
  for (const s of report.scenarios) {
    const verdicts = `cassette ${s.cassette.verdict}, live ${s.live.verdict}`;
    lines.push(`${s.conclusion.padEnd(25)} ${shortId(s.id)}  ${s.title} (${verdicts})`);
    if (s.conclusion !== "agree") lines.push(`    ${s.explanation}`);
    for (const d of s.differences) lines.push(`    ${d}`);
    for (const n of s.notes) lines.push(`    note (set-up, not a drift): ${n}`);
  }
  const count = (c: Conclusion) => report.scenarios.filter((s) => s.conclusion === c).length;
  lines.push(
    "",
    `${count("agree")} agree, ${count("server-or-cassette-moved")} server or cassette moved, ${count("spec-moved")} spec moved, ${count("not-judged")} not judged`,
  );
  return `${lines.join("\n")}\n`;
}
