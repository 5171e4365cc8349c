import { RESPONSE_CHECKS, runChecks } from "../checks/registry.ts";
import { statusExpected } from "../checks/status.ts";
import type { Finding } from "../checks/types.ts";
import { SupportCallError } from "../clients/support-call.ts";
import { type ResolvedVersion, resolveVersion, UNVERSIONED } from "../clients/versions.ts";
import {
  acceptedBodiesOf,
  type DeviationFile,
  explain,
  requiredHeadersOf,
} from "../deviations/deviations.ts";
import { CleanupStack, type Leftover } from "../resources/cleanup.ts";
import { Fixtures } from "../resources/fixtures.ts";
import { resourceName } from "../resources/names.ts";
import type { Exchange } from "../transport/exchange.ts";
import { InterruptedError, interruptible } from "../transport/interrupt.ts";
import type { ScenarioContext } from "./context.ts";
import type { JudgedFinding, ScenarioOutcome, Verdict } from "./outcome.ts";
import type { Scenario } from "./scenario.ts";
import type { ScenarioSession, SessionHooks, Target } from "./target.ts";
import { unjudgeable } from "./unjudgeable.ts";

/** Set-up and state calls are checked against the contract too, but have no case expectation. */
const SUPPORT_CHECKS = RESPONSE_CHECKS.filter((check) => check !== statusExpected);

export interface ExecuteOptions {
  /**
   * Aborted when the run is interrupted: the scenario makes no further call (one on the wire
   * finishes), then its cleanup runs in full and the verdict is `error`.
   */
  signal?: AbortSignal;
  hooks?: SessionHooks;
}

/** Runs one scenario on a target: arrange, act, check, settle, clean up, judge. */
export async function executeScenario(
  target: Target,
  scenario: Scenario,
  deviations: DeviationFile,
  options: ExecuteOptions = {},
): Promise<ScenarioOutcome> {
  const started = performance.now();
  const outcome: ScenarioOutcome = {
    scenario: {
      id: scenario.id,
      title: scenario.title,
      operation: scenario.operation,
      category: scenario.category,
      documented: scenario.documented,
    },
    target: { name: target.name, family: target.family, mode: target.mode },
    verdict: "skipped",
    expected: scenario.expect,
    findings: [],
    exchanges: [],
    leftovers: [],
    durationMs: 0,
  };
  const unmet = (scenario.requires ?? [])
    .map((requirement) => target.unmet(requirement, scenario))
    .find((reason) => reason !== undefined);
  if (unmet) return { ...outcome, reason: unmet };

  let session: ScenarioSession | undefined;
  let error: string | undefined;
  const findings: Finding[] = [];
  let call: Exchange | undefined;
  let leftovers: Leftover[] = [];
  let resolved: ResolvedVersion | undefined;
  const measurements: Record<string, number> = {};
  try {
    session = await target.openScenario(scenario, options.hooks);
    const cleanup = new CleanupStack();
    const open = session;
    try {
      await interruptible(options.signal, async () => {
        resolved = scenario.version
          ? await resolveVersion(open.member, scenario.operation, scenario.version)
          : UNVERSIONED;
        const answer: CallTime = {};
        const ctx = contextOf(scenario, open, cleanup, { version: resolved, answer, measurements });
        const state = await scenario.arrange(ctx);
        const exchange = await scenario.act(ctx, state);
        answer.at = open.waiting.clock.now();
        call = exchange;
        const notJudged = unjudgeable(exchange);
        if (notJudged) {
          // Not the service's answer: nothing to check, and nothing happened to settle.
          error = `the call under test (${describeCall(exchange)}) was ${notJudged}; the case could not be judged (the operation under test is never retried)`;
          return;
        }
        findings.push(
          ...runChecks({
            exchange,
            operation: target.operation(scenario.operation),
            expected: scenario.expect,
            familyHeaders: requiredHeadersOf(deviations, scenario.operation),
            acceptedBodies: acceptedBodiesOf(
              deviations,
              scenario.operation,
              scenario.baseId ?? scenario.id,
            ),
          }),
        );
        if (scenario.settle) findings.push(...(await scenario.settle(ctx, state)));
      });
    } catch (thrown) {
      error = reasonOf(thrown);
    } finally {
      leftovers = await cleanup.run();
    }
  } catch (thrown) {
    error = messageOf(thrown);
  }

  const exchanges = session?.exchanges ?? [];
  const judged = [
    ...findings.map((finding) =>
      withDeviation(
        { ...finding, operationId: scenario.operation, support: false },
        deviations,
        scenario.baseId ?? scenario.id,
        call,
        target.operation(scenario.operation).path,
      ),
    ),
    ...supportFindings(
      target,
      exchanges,
      call,
      (operationId) => acceptedBodiesOf(deviations, operationId, scenario.baseId ?? scenario.id),
      (finding, exchange) =>
        withDeviation(
          finding,
          deviations,
          scenario.baseId ?? scenario.id,
          exchange,
          target.operation(finding.operationId).path,
        ),
    ),
  ];
  const result: ScenarioOutcome = {
    ...outcome,
    ...(scenario.version && {
      scenario: {
        ...outcome.scenario,
        version: scenario.version,
        ...(resolved?.microversion && { microversion: resolved.microversion }),
      },
    }),
    verdict: verdictOf(judged, error),
    ...(error ? { reason: error } : {}),
    findings: judged,
    exchanges,
    ...(call ? { callIndex: exchanges.indexOf(call) } : {}),
    leftovers,
    durationMs: Math.round(performance.now() - started),
    ...(Object.keys(measurements).length > 0 && { measurements }),
  };
  if (session) {
    try {
      await session.finish(result);
    } catch (thrown) {
      // Keep the first error: it is the cause (e.g. the request no recording matched).
      const reason = error ? `${error}; then: ${messageOf(thrown)}` : messageOf(thrown);
      return { ...result, verdict: "error", reason };
    }
  }
  return result;
}

/** When the call under test answered, on the waiters' clock; unset until it has. */
interface CallTime {
  at?: number;
}

function contextOf(
  scenario: Scenario,
  session: ScenarioSession,
  cleanup: CleanupStack,
  run: { version: ResolvedVersion; answer: CallTime; measurements: Record<string, number> },
): ScenarioContext {
  const now = () => session.waiting.clock.now();
  const fixtures = new Fixtures({
    member: session.member,
    resources: session.resources,
    cleanup,
    waiting: session.waiting,
    name: (label) => resourceName(session.runId, scenario.id, label),
    uuid: (label) => session.uuid(label),
    sharedServer: () => session.sharedServer(),
    sharedVolume: (label) => session.sharedVolume(label),
    returnVolume: (volume) => session.returnVolume(volume),
    ownsServer: scenario.requires?.includes("own-server") ?? false,
  });
  return {
    scenarioId: scenario.id,
    member: session.member,
    admin: session.admin,
    reader: session.reader,
    fixtures,
    resources: session.resources,
    waiting: session.waiting,
    version: run.version,
    uuid: (label) => session.uuid(label),
    pauseCompute: () => session.pauseCompute(),
    sinceCall: () => now() - (run.answer.at ?? now()),
    measure: (label, ms) => {
      run.measurements[label] = session.measure(label, Math.round(ms));
      return run.measurements[label];
    },
  };
}

/** Checks every set-up and state exchange once per distinct finding. */
function supportFindings(
  target: Target,
  exchanges: Exchange[],
  call: Exchange | undefined,
  acceptedBodies: (operationId: string) => ReadonlyMap<number, string>,
  judge: (finding: Omit<JudgedFinding, "deviation">, exchange: Exchange) => JudgedFinding,
): JudgedFinding[] {
  const seen = new Set<string>();
  const out: JudgedFinding[] = [];
  for (const exchange of exchanges) {
    if (exchange === call || !exchange.operationId) continue;
    // An answer that was asked again, or that no service gave, says nothing about the contract.
    if (exchange.retried || unjudgeable(exchange)) continue;
    const operation = target.operation(exchange.operationId);
    const expected = { status: exchange.response.status };
    const input = {
      exchange,
      operation,
      expected,
      acceptedBodies: acceptedBodies(exchange.operationId),
    };
    for (const finding of runChecks(input, SUPPORT_CHECKS)) {
      // Judged per exchange: a deviation entry may hold for one answer and not another.
      const judged = judge(
        { ...finding, operationId: exchange.operationId, support: true },
        exchange,
      );
      const key = `${exchange.operationId} ${finding.check} ${finding.ok} ${finding.message} ${judged.deviation}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(judged);
    }
  }
  return out;
}

function withDeviation(
  finding: Omit<JudgedFinding, "deviation">,
  deviations: DeviationFile,
  scenarioId: string,
  exchange: Exchange | undefined,
  path: string,
): JudgedFinding {
  if (finding.ok) return finding;
  const entry = explain(deviations, finding, {
    scenarioId,
    operationId: finding.operationId,
    path,
    ...(exchange && { exchange }),
  });
  return entry ? { ...finding, deviation: entry.id } : finding;
}

export function verdictOf(findings: JudgedFinding[], error: string | undefined): Verdict {
  if (findings.some((finding) => !finding.ok && !finding.deviation)) return "fails";
  if (error) return "error";
  // Known deviations on set-up calls are reported but do not colour the case under test.
  return findings.some((finding) => finding.deviation && !finding.support)
    ? "deviation"
    : "conforms";
}

/** The error's message; for a set-up call a gateway answered, says so. */
function reasonOf(thrown: unknown): string {
  if (thrown instanceof InterruptedError) {
    return `${thrown.message} before the scenario finished; its cleanup ran`;
  }
  if (thrown instanceof SupportCallError) {
    const notJudged = unjudgeable(thrown.exchange);
    if (notJudged) return `set-up call ${describeCall(thrown.exchange)} was ${notJudged}`;
  }
  return messageOf(thrown);
}

function describeCall(exchange: Exchange): string {
  const { method, url } = exchange.request;
  return `${exchange.operationId ?? "call"} ${method} ${url}`;
}

function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
