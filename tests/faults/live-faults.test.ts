import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSession } from "../../src/auth/session.ts";
import type { Clients } from "../../src/clients/clients.ts";
import {
  DEFAULT_TARGET_FILE,
  loadTargetDescription,
  type TargetDescription,
} from "../../src/config/description.ts";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import { type DeviationFile, loadDeviations } from "../../src/deviations/deviations.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import type { ScenarioOutcome } from "../../src/engine/outcome.ts";
import {
  type LoopbackProxy,
  type ProxiedRequest,
  type ProxiedResponse,
  type ProxyRule,
  type Reply,
  startLoopbackProxy,
  throughProxies,
} from "../../src/interpose/loopback-proxy.ts";
import type { Leftover } from "../../src/resources/cleanup.ts";
import { findLeftovers, removeLeftovers } from "../../src/resources/leftovers.ts";
import { createLiveTarget, newRunId } from "../../src/targets/live.ts";
import { clientsFor } from "../../src/targets/wiring.ts";
import { realClock } from "../../src/transport/clock.ts";
import { createTransport, type Transport } from "../../src/transport/transport.ts";
import { CATALOG } from "../scenarios/catalog.ts";
import { liveTargetUp } from "../support/live-target.ts";

// The faults of tests/faults/replay-faults.test.ts, for real: a loopback proxy in front of the
// project's own OpenStack target (Cinder and Nova) resets, stalls, cuts short, answers in the
// service's place, or holds a state. Keystone is reached directly. Small timeouts and budgets
// keep each case to seconds. After each case, whatever is still named with its run id must be
// listed in the outcome's leftovers (and is removed then).

const HAS_TARGET = liveTargetUp();
const READ_MS = 2_000;
const BUDGET_MS = 4_000;

const EVS_HAPPY = "e12c3afc-f045-43b9-9a09-3da8a3b569e3@unversioned";
const EVS_NOT_FOUND = "610204e4-4a39-4341-97f3-e513142b1fcb@unversioned";
const BMS_HAPPY = "0feb9397-1fa4-4309-8ecf-8d141c5133c8@unversioned";

const isDetach = (r: ProxiedRequest) =>
  r.method === "POST" && /\/action$/.test(r.path) && r.body.includes('"os-detach"');
const isShowVolume = (r: ProxiedRequest) =>
  r.method === "GET" && /\/volumes\/[0-9a-f-]{36}$/.test(r.path);

const gateway503: ProxiedResponse = {
  status: 503,
  headers: { "content-type": "text/html" },
  body: "<html><body><h1>503 Service Temporarily Unavailable</h1>nginx</body></html>",
};

describe.skipIf(!HAS_TARGET)(
  `faults against the project's OpenStack target (needs ${DEFAULT_TARGET_FILE}: npm run target:start)`,
  // Cases share the proxies, so they run one after another; a BMS case boots a server.
  { timeout: 60_000, sequential: true },
  () => {
    let description: TargetDescription;
    let contract: Contract;
    let deviations: DeviationFile;
    let direct: Transport;
    let clients: Clients;
    const proxies: LoopbackProxy[] = [];
    /** The rule of the case running now; cases run one after another. */
    let rule: ProxyRule = async (_request, forward) => ({
      kind: "respond",
      response: await forward(),
    });
    const current: ProxyRule = (request, forward) => rule(request, forward);

    beforeAll(async () => {
      description = loadTargetDescription(DEFAULT_TARGET_FILE);
      contract = await loadContract();
      deviations = loadDeviations(description.family);
      const { volume, compute } = description.endpoints ?? {};
      if (!volume || !compute) throw new Error(`${DEFAULT_TARGET_FILE} gives no endpoints`);
      proxies.push(await startLoopbackProxy(volume, current));
      proxies.push(await startLoopbackProxy(compute, current));
      direct = createTransport(description);
      const session = await openSession(description, "member", direct);
      clients = clientsFor(session, description, contract, direct.fetch as typeof fetch, () => {});
    });

    afterAll(async () => {
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await direct?.close();
    });

    interface Run {
      outcome: ScenarioOutcome;
      ms: number;
      /** Requests the rule saw, `METHOD path`. */
      seen: string[];
    }

    async function runWith(scenarioId: string, caseRule: ProxyRule): Promise<Run> {
      const scenario = CATALOG.find((s) => s.id === scenarioId);
      if (!scenario) throw new Error(`no scenario ${scenarioId}`);
      const seen: string[] = [];
      rule = (request, forward) => {
        seen.push(`${request.method} ${request.path}`);
        return caseRule(request, forward);
      };
      const runId = newRunId();
      const target = await createLiveTarget({
        description: {
          ...throughProxies(description, {
            volume: proxies[0]?.origin,
            compute: proxies[1]?.origin,
          }),
          timeouts: { connectMs: 2_000, readMs: READ_MS },
        },
        contract,
        runId,
        budget: { intervalMs: 100, budgetMs: BUDGET_MS },
        retry: { attempts: 4, initialDelayMs: 100, maxDelayMs: 3_000, budgetMs: 10_000 },
      });
      const started = performance.now();
      try {
        const outcome = await executeScenario(target, scenario, deviations);
        const ms = performance.now() - started;
        await expectNothingUnlisted(runId, [...outcome.leftovers, ...(await target.release())]);
        return { outcome, ms, seen };
      } finally {
        rule = async (_request, forward) => ({ kind: "respond", response: await forward() });
        await target.close();
      }
    }

    /** What the run left must be listed as left behind; it is removed afterwards. */
    async function expectNothingUnlisted(runId: string, leftovers: Leftover[]) {
      const found = await findLeftovers(clients, runId);
      const listed = leftovers.map((leftover) => leftover.label).join("\n");
      for (const item of [...found.servers, ...found.volumes]) {
        expect(listed, `${item.name} (${item.id}) was left and not listed`).toContain(item.id);
      }
      await removeLeftovers(clients, found, {
        clock: realClock,
        budget: { intervalMs: 200, budgetMs: 30_000 },
      });
    }

    const forwardAll = async (
      _request: ProxiedRequest,
      forward: () => Promise<ProxiedResponse>,
    ): Promise<Reply> => ({ kind: "respond", response: await forward() });

    /** Applies `fault` to the `nth` request that `match` selects, forwarding the rest. */
    function nth(match: (r: ProxiedRequest) => boolean, n: number, fault: ProxyRule): ProxyRule {
      let count = 0;
      return (request, forward) =>
        match(request) && ++count === n ? fault(request, forward) : forwardAll(request, forward);
    }

    it("a reset on the call under test: error naming it, not retried, cleanup done", async () => {
      const run = await runWith(
        EVS_HAPPY,
        nth(isDetach, 1, async () => ({ kind: "reset" })),
      );
      expect(run.outcome.verdict).toBe("error");
      expect(run.outcome.reason).toMatch(
        /\/action: the connection was closed by the server or a proxy/,
      );
      expect(run.outcome.leftovers).toEqual([]);
      // One os-detach (the call under test, reset), one by the cleanup.
      expect(
        run.seen.filter((line) => line.startsWith("POST") && line.endsWith("/action")),
      ).toHaveLength(4);
    });

    it("a stall on the call under test ends within the read timeout", async () => {
      const run = await runWith(
        EVS_HAPPY,
        nth(isDetach, 1, async () => ({ kind: "stall" })),
      );
      expect(run.outcome.verdict).toBe("error");
      expect(run.outcome.reason).toMatch(
        new RegExp(`/action: no response within ${READ_MS} ms: the server is stalled or slow`),
      );
      expect(run.outcome.leftovers).toEqual([]);
      expect(run.ms).toBeLessThan(READ_MS + 10_000);
    });

    it("a body cut off after the headers", async () => {
      const run = await runWith(
        EVS_NOT_FOUND,
        nth(isDetach, 1, async (_request, forward) => ({
          kind: "truncate",
          response: await forward(),
        })),
      );
      expect(run.outcome.verdict).toBe("error");
      expect(run.outcome.reason).toMatch(/\/action: the response body was cut off/);
    });

    it("a gateway 503 on the call under test", async () => {
      const run = await runWith(
        EVS_HAPPY,
        nth(isDetach, 1, async () => ({ kind: "respond", response: gateway503 })),
      );
      expect(run.outcome.verdict).toBe("error");
      expect(run.outcome.reason).toMatch(
        /^the call under test \(detachVolume POST \S+\) was answered 503 by a gateway or proxy/,
      );
      expect(run.outcome.leftovers).toEqual([]);
    });

    it("a gateway 504 on the BMS detach: error, and server and volumes are removed", async () => {
      const run = await runWith(
        BMS_HAPPY,
        nth(
          (r) => r.method === "DELETE" && /\/os-volume_attachments\//.test(r.path),
          1,
          async () => ({
            kind: "respond",
            response: {
              status: 504,
              headers: { "content-type": "text/html" },
              body: "Gateway Time-out",
            },
          }),
        ),
      );
      expect(run.outcome.verdict).toBe("error");
      expect(run.outcome.reason).toMatch(
        /^the call under test \(detachServerVolume DELETE \S+\) was answered 504 by a gateway/,
      );
      expect(run.outcome.leftovers).toEqual([]);
    });

    it("a gateway 503 and a 429 on polls are asked again: the verdict stands", async () => {
      let shows = 0;
      // The scenario's own polls: those before os-attach are the run's, creating the volume
      // it lends.
      let attached = false;
      const run = await runWith(EVS_HAPPY, async (request, forward) => {
        if (request.body.includes('"os-attach"')) attached = true;
        if (attached && isShowVolume(request)) {
          shows++;
          if (shows === 1) return { kind: "respond", response: gateway503 };
          if (shows === 3) {
            return {
              kind: "respond",
              response: {
                status: 429,
                headers: { "content-type": "application/json", "retry-after": "1" },
                body: JSON.stringify({ overLimit: { message: "slow down", code: 429 } }),
              },
            };
          }
        }
        return forwardAll(request, forward);
      });
      expect(run.outcome.verdict).toBe("conforms");
      expect(run.outcome.exchanges.filter((e) => e.retried).map((e) => e.retried)).toEqual([
        "answered 503; asked again after 100 ms",
        "answered 429 (Retry-After: 1); asked again after 1000 ms",
      ]);
    });

    it("a reset on os-attach (a POST) is not retried; the volume is unreserved, nothing is left", async () => {
      const run = await runWith(
        EVS_HAPPY,
        nth(
          (r) => r.body.includes('"os-attach"'),
          1,
          async () => ({ kind: "reset" }),
        ),
      );
      expect(run.outcome.verdict).toBe("error");
      expect(run.outcome.reason).toMatch(/\/action: the connection was closed/);
      expect(run.outcome.leftovers).toEqual([]);
    });

    it("a volume held in detaching beyond the waiter's budget: fails on the final state, then cleaned up", async () => {
      let detachedAt: number | undefined;
      const run = await runWith(EVS_HAPPY, async (request, forward) => {
        const response = await forward();
        if (isDetach(request)) detachedAt = performance.now();
        const holding =
          detachedAt !== undefined && performance.now() - detachedAt < BUDGET_MS + 1_500;
        if (!holding || !isShowVolume(request) || response.status !== 200) {
          return { kind: "respond", response };
        }
        const body = JSON.parse(response.body) as { volume: Record<string, unknown> };
        return {
          kind: "respond",
          response: {
            ...response,
            body: JSON.stringify({ volume: { ...body.volume, status: "detaching" } }),
          },
        };
      });
      expect(run.outcome.verdict).toBe("fails");
      expect(run.outcome.findings.find((f) => f.check === "final_state")).toMatchObject({
        ok: false,
        message: expect.stringMatching(
          new RegExp(
            `did not reach status available within ${BUDGET_MS / 1000} s; last seen: status detaching$`,
          ),
        ),
      });
      expect(run.outcome.leftovers).toEqual([]);
    });

    it("a token that expires mid-run is renewed once, and the call goes through", async () => {
      let refused: string | undefined;
      const tokens = new Set<string>();
      const run = await runWith(EVS_HAPPY, async (request, forward) => {
        const token = request.headers["x-auth-token"] ?? "";
        tokens.add(token);
        if (isDetach(request) && refused === undefined) {
          refused = token;
          return {
            kind: "respond",
            response: {
              status: 401,
              headers: { "content-type": "application/json" },
              body: JSON.stringify({
                error: { code: 401, title: "Unauthorized", message: "expired" },
              }),
            },
          };
        }
        return forwardAll(request, forward);
      });
      expect(run.outcome.verdict).toBe("conforms");
      expect(tokens.size).toBe(2);
      expect(run.seen.filter((line) => line.endsWith("/action"))).toHaveLength(4);
    });
  },
);
