import { readFileSync } from "node:fs";
import { shortId } from "../engine/scenario.ts";
import { THRESHOLD_FILE } from "../paths.ts";
import { errorOnlyList, killsByCheck, type MutantResult, type ScenarioRun } from "./kills.ts";
import type { MatrixResult } from "./matrix.ts";

/** The committed lowest kill rates, per mode (0…1); CI fails below them. */
export interface Threshold {
  replay: number;
  live: number;
}

export function loadThreshold(path = THRESHOLD_FILE): Threshold {
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Threshold>;
  for (const mode of ["replay", "live"] as const) {
    const value = parsed[mode];
    if (typeof value !== "number" || value < 0 || value > 1) {
      throw new Error(`${path}: ${mode} must be a kill rate between 0 and 1`);
    }
  }
  return parsed as Threshold;
}

export interface GateResult {
  ok: boolean;
  lines: string[];
}

/**
 * Passes when the kill rate reaches the committed threshold, no equivalent mutant was killed
 * (a kill there means a check rejects an answer the documents allow), and no scenario run
 * stayed error-only after its second run (a broken run proves nothing either way).
 */
export function gate(result: MatrixResult, threshold: Threshold): GateResult {
  const wanted = threshold[result.mode];
  const { killRate, equivalentKilled, errorOnlyRuns } = result.summary;
  const lines: string[] = [];
  const rateOk = killRate + 1e-9 >= wanted;
  lines.push(
    `gate: kill rate ${percent(killRate)} ${rateOk ? "≥" : "<"} threshold ${percent(wanted)} (tests/mutation/threshold.json, ${result.mode})`,
  );
  if (equivalentKilled > 0) {
    lines.push(
      `gate: ${equivalentKilled} equivalent mutant(s) killed: a check rejects what the documents allow`,
    );
  }
  if (errorOnlyRuns > 0) {
    lines.push(
      `gate: ${errorOnlyRuns} scenario run(s) ended in error without a failed check, twice: a broken run, not a kill`,
    );
  }
  return { ok: rateOk && equivalentKilled === 0 && errorOnlyRuns === 0, lines };
}

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)} %`;
}

/** Scenarios that killed the mutant, grouped by what killed it. */
function killers(scenarios: ScenarioRun[], max = 4): string {
  const groups = new Map<string, string[]>();
  for (const run of scenarios) {
    if (run.killedBy.length === 0) continue;
    const key = run.killedBy.join(", ");
    groups.set(key, [...(groups.get(key) ?? []), shortId(run.id)]);
  }
  return [...groups]
    .map(([by, ids]) => {
      const shown = ids.slice(0, max).join(" ");
      const more = ids.length > max ? ` +${ids.length - max}` : "";
      return `${shown}${more} (${by})`;
    })
    .join("; ");
}

/** Which named checks killed the mutant, in how many scenarios each. */
function byCheck(result: MutantResult): string {
  return killsByCheck(result.scenarios)
    .map(([check, n]) => `${check} ×${n}`)
    .join(", ");
}

function line(result: MutantResult): string {
  const status = result.status.padEnd(17);
  const id = result.id.padEnd(30);
  const errors = errorOnlyList(result.scenarios);
  const apart = errors ? `  | error-only: ${errors}` : "";
  switch (result.status) {
    case "killed":
      return `${id} ${status} ${byCheck(result).padEnd(44)} ${killers(result.scenarios)}${apart}`;
    case "equivalent":
      return `${id} ${status} survived, as it must: ${result.equivalent}`;
    default:
      return `${id} ${status} ${result.reason}`;
  }
}

/** The console text: one line per mutant, the kill rate and the survivors with their reason. */
export function renderMatrix(result: MatrixResult): string {
  const { summary } = result;
  const lines = [
    `Kill matrix (${result.mode}, target ${result.target}): ${summary.mutants} mutants over ${result.baseline.length} scenarios; baseline ${seconds(result.baselineMs)}, all ${seconds(result.durationMs)}`,
    "",
    `${"mutant".padEnd(30)} ${"status".padEnd(17)} ${"kills by check (scenarios)".padEnd(44)} scenario (failed checks)  | error-only (no check failed, run twice)`,
    ...result.mutants.map(line),
    "",
    `kill rate: ${summary.killed} of ${summary.scored} mutants killed by a named check (${percent(summary.killRate)}); ${summary.equivalent} equivalent mutant(s) not scored`,
    `error-only: ${summary.errorOnlyRuns} scenario run(s) ended in error with no failed check after a second run; ${summary.errorOnlyMutants} mutant(s) with nothing else`,
  ];
  const failedSteps = result.mutants.flatMap((m) =>
    m.scenarios.flatMap((s) => s.leftovers.map((l) => `  ${m.id} ${shortId(s.id)}: ${l}`)),
  );
  if (failedSteps.length > 0) {
    lines.push(
      `cleanup steps that failed (\`npm run conformance -- cleanup\` finds anything left):\n${failedSteps.join("\n")}`,
    );
  }
  const survivors = result.mutants.filter(
    (m) => m.status === "survived" || m.status === "error-only",
  );
  lines.push(
    survivors.length === 0
      ? "survivors: none"
      : `survivors:\n${survivors.map((m) => `  ${m.id}: ${m.reason}`).join("\n")}`,
  );
  return `${lines.join("\n")}\n`;
}

/** The Markdown report: the mutant × scenario grid and every mutant's description. */
export function renderMatrixMarkdown(result: MatrixResult): string {
  const ids = result.baseline.map((b) => b.id);
  const header = `| mutant | status | ${ids.map(shortId).join(" | ")} |`;
  const rule = `|---|---|${ids.map(() => ":-:").join("|")}|`;
  const rows = result.mutants.map((m) => {
    const cells = ids.map((id) => {
      const run = m.scenarios.find((s) => s.id === id);
      if (!run) return "";
      if (run.killedBy.length > 0) return "✗";
      return run.errorOnly !== undefined ? "E" : "·";
    });
    return `| ${m.id} | ${m.status} | ${cells.join(" | ")} |`;
  });
  const { summary } = result;
  return [
    `# Kill matrix (${result.mode})`,
    "",
    `Target ${result.target}, ${result.startedAt}: ${summary.mutants} mutants, ${summary.killed} of ${summary.scored} killed (${percent(summary.killRate)}), ${summary.equivalent} equivalent, ${summary.survived} survived, ${summary.errorOnlyRuns} error-only scenario run(s); ${seconds(result.durationMs)}.`,
    "",
    "✗ a named check failed and killed the mutant (the verdict turned from conforms/deviation to fails); E the scenario ended in error with no failed check, twice: a broken run, not a kill; · the scenario ran with the mutant and stayed green; empty: the scenario does not call what the mutant changes.",
    "",
    `Baseline verdicts: ${result.baseline.map((b) => `${shortId(b.id)} ${b.verdict}`).join(", ")}`,
    "",
    header,
    rule,
    ...rows,
    "",
    "## Mutants",
    "",
    "| mutant | operations | description | kills by check | killed by, or why not | error-only |",
    "|---|---|---|---|---|---|",
    ...result.mutants.map(
      (m) =>
        `| ${m.id} | ${m.operations.join(", ")} | ${cell(m.description)} | ${byCheck(m)} | ${cell(
          m.status === "killed"
            ? killers(m.scenarios, 21)
            : m.status === "equivalent"
              ? `equivalent: ${m.equivalent}`
              : (m.reason ?? ""),
        )} | ${cell(errorOnlyList(m.scenarios, 21))} |`,
    ),
    "",
  ].join("\n");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
