import type { ScenarioOutcome } from "../engine/outcome.ts";
import { renderRedacted } from "../redaction/redact.ts";
import { reproductionLines } from "./reproduce.ts";

/**
 * The failure text of one scenario: the scenario, each failed check, the request, what the
 * contract says and what came back, then the call under test and a curl command that repeats it. It ends up in logs, so credentials are scrubbed as in the
 * reports: those the exchanges carry, and `knownSecrets` (the target's passwords).
 */
export function describeOutcome(outcome: ScenarioOutcome, knownSecrets: string[] = []): string {
  return renderRedacted([outcome], knownSecrets, ([clean]) => describe(clean ?? outcome));
}

function describe(outcome: ScenarioOutcome): string {
  const { scenario } = outcome;
  const call = outcome.callIndex === undefined ? undefined : outcome.exchanges[outcome.callIndex];
  const lines = [
    `${outcome.verdict}: ${scenario.id} ${scenario.title} (${scenario.operation})`,
    `  documented: ${scenario.documented}`,
  ];
  if (call) {
    const path = new URL(call.request.url).pathname;
    lines.push(`  request: ${call.request.method} ${path} → ${call.response.status}`);
  }
  if (outcome.reason) lines.push(`  reason: ${outcome.reason}`);
  for (const finding of outcome.findings) {
    if (finding.ok || finding.deviation) continue;
    lines.push(
      `  check ${finding.check} on ${finding.operationId}${finding.support ? " (set-up call)" : ""}: ${finding.message}`,
      `    contract: ${finding.expected}`,
      `    server:   ${finding.actual}`,
    );
  }
  for (const leftover of outcome.leftovers) {
    lines.push(`  left behind: ${leftover.label} (${leftover.error})`);
  }
  lines.push(...reproductionLines(outcome));
  return lines.join("\n");
}
