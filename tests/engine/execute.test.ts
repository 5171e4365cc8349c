import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Finding } from "../../src/checks/types.ts";
import { Api } from "../../src/clients/api.ts";
import { clientsOf } from "../../src/clients/clients.ts";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import type { DeviationFile } from "../../src/deviations/deviations.ts";
import type { ScenarioContext } from "../../src/engine/context.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import { defineScenario, type Requirement, type Scenario } from "../../src/engine/scenario.ts";
import type { ScenarioSession, Target } from "../../src/engine/target.ts";
import { DEFAULT_BUDGET } from "../../src/resources/waiters.ts";
import { virtualClock } from "../../src/transport/clock.ts";
import type { Exchange } from "../../src/transport/exchange.ts";

// A hand-made target: real clients over a fake fetch that answers from a script, so the
// harness sees exchanges exactly as a live target would hand them over.

let contract: Contract;
beforeAll(async () => {
  contract = await loadContract();
});

const ORIGIN = "http://volume.test";
const VOLUME = "b104b8db-170d-441b-897a-3c8ba9c5a214";
const SERVER = "5f0c8d53-2a54-4b8e-9d3f-0a6a1c3e7b21";
const SCENARIO_ID = "00000000-0000-4000-8000-000000000001";
const NONE: DeviationFile = { family: "fake", description: "", deviations: [] };

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Answers by `METHOD /path` (project prefix stripped); unknown requests fail loudly. */
type Script = Record<string, Reply>;

interface FakeTarget extends Target {
  opened: string[];
  finished: number;
  requests: string[];
}

function fakeTarget(
  script: Script,
  options: {
    unmet?: Partial<Record<Requirement, string>>;
    finish?: () => Promise<void>;
  } = {},
): FakeTarget {
  const requests: string[] = [];
  const fetchFn = (async (url: string, init?: RequestInit) => {
    const key = `${init?.method ?? "GET"} ${new URL(url).pathname.replace(/^\/v2\/p/, "")}`;
    requests.push(key);
    const reply = script[key];
    if (!reply) throw new Error(`the fake target has no answer for ${key}`);
    const json = reply.body !== undefined;
    return new Response(json ? JSON.stringify(reply.body) : null, {
      status: reply.status,
      headers: { ...(json ? { "content-type": "application/json" } : {}), ...reply.headers },
    });
  }) as typeof fetch;

  const target: FakeTarget = {
    name: "fake",
    family: "fake",
    mode: "replay",
    concurrent: false,
    opened: [],
    finished: 0,
    requests,
    operation: (id) => contract.operation(id),
    unmet: (requirement) => options.unmet?.[requirement],
    knownSecrets: () => [],
    async openScenario(scenario) {
      target.opened.push(scenario.id);
      const exchanges: Exchange[] = [];
      const member = clientsOf(
        new Api({
          fetch: fetchFn,
          session: {
            role: "member",
            projectId: "p",
            token: async () => "fake-token",
            invalidate: () => {},
            endpoint: async () => ORIGIN,
          },
          route(operationId) {
            const operation = contract.operation(operationId);
            return { method: operation.method, path: operation.path, service: "volume" };
          },
          mapPath: (_, path) => path,
          onExchange: (exchange) => exchanges.push(exchange),
        }),
      );
      const session: ScenarioSession = {
        runId: "run1",
        member,
        admin: undefined,
        reader: undefined,
        resources: {},
        waiting: { clock: virtualClock(), budget: DEFAULT_BUDGET },
        exchanges,
        uuid: () => VOLUME,
        measure: (_, ms) => ms,
        sharedServer: async () => ({ id: SERVER, rootVolumeId: undefined }),
        sharedVolume: async () => {
          throw new Error("no volume is lent here");
        },
        returnVolume: () => {},
        pauseCompute: async () => async () => {},
        async finish() {
          target.finished++;
          await options.finish?.();
        },
      };
      return session;
    },
    release: async () => [],
    close: async () => {},
  };
  return target;
}

const ACTION = `POST /volumes/${VOLUME}/action`;
const SHOW = `GET /volumes/${VOLUME}`;
const notFound = (code: unknown) => ({
  status: 404,
  body: { itemNotFound: { message: `Volume ${VOLUME} could not be found.`, code } },
});

function scenario(overrides: Partial<Scenario<unknown>> = {}): Scenario {
  return defineScenario<unknown>({
    id: SCENARIO_ID,
    title: "EVS detach of an unknown volume (test)",
    operation: "detachVolume",
    category: "not-found",
    documented: "EVS error codes: 404 EVS.5404, the disk cannot be found.",
    expect: { status: 404, fault: "itemNotFound" },
    arrange: async () => ({}),
    act: (ctx) => ctx.member.evs.detachVolume(ctx.uuid("unknown"), { "os-detach": {} }),
    ...overrides,
  });
}

describe("executeScenario", () => {
  it("conforms when every check passes, pointing at the call under test", async () => {
    const target = fakeTarget({ [ACTION]: notFound("EVS.5404") });
    const outcome = await executeScenario(target, scenario(), NONE);
    expect(outcome.verdict).toBe("conforms");
    expect(outcome.reason).toBeUndefined();
    expect(outcome.findings.length).toBeGreaterThan(0);
    expect(outcome.findings.every((f) => f.ok && !f.support)).toBe(true);
    expect(outcome.exchanges).toHaveLength(1);
    expect(outcome.callIndex).toBe(0);
    expect(outcome.exchanges[0]?.response.status).toBe(404);
    expect(outcome.target).toEqual({ name: "fake", family: "fake", mode: "replay" });
    expect(outcome.expected).toEqual({ status: 404, fault: "itemNotFound" });
    expect(target.finished).toBe(1);
  });

  it("skips a scenario whose requirement the target cannot meet, with the reason", async () => {
    const target = fakeTarget(
      { [ACTION]: notFound("EVS.5404") },
      { unmet: { multiattach: "the target names no multiattach volume type" } },
    );
    const arrange = vi.fn(async () => ({}));
    const outcome = await executeScenario(
      target,
      scenario({ requires: ["admin", "multiattach"], arrange }),
      NONE,
    );
    expect(outcome.verdict).toBe("skipped");
    expect(outcome.reason).toBe("the target names no multiattach volume type");
    expect(outcome.leftovers).toEqual([]);
    expect(outcome.exchanges).toEqual([]);
    expect(arrange).not.toHaveBeenCalled();
    expect(target.opened).toEqual([]);
    expect(target.requests).toEqual([]);
    expect(outcome.findings).toEqual([]);
  });

  it("gives the first unmet requirement's reason", async () => {
    const target = fakeTarget(
      {},
      { unmet: { admin: "no admin user", multiattach: "no multiattach type" } },
    );
    const outcome = await executeScenario(
      target,
      scenario({ requires: ["admin", "multiattach"] }),
      NONE,
    );
    expect(outcome).toMatchObject({ verdict: "skipped", reason: "no admin user" });
  });

  it("reports an arrange that throws as an error, after the cleanup registered before it", async () => {
    const target = fakeTarget({ [ACTION]: notFound("EVS.5404") });
    const undone: string[] = [];
    const act = vi.fn();
    const outcome = await executeScenario(
      target,
      scenario({
        async arrange(ctx) {
          ctx.fixtures.onCleanup("delete volume a", async () => void undone.push("a"));
          ctx.fixtures.onCleanup("detach volume a", async () => void undone.push("detach a"));
          throw new Error("volume a did not reach status available within 120 s");
        },
        act,
      }),
      NONE,
    );
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toBe("volume a did not reach status available within 120 s");
    expect(undone).toEqual(["detach a", "a"]);
    expect(act).not.toHaveBeenCalled();
    expect(outcome.leftovers).toEqual([]);
    expect(outcome.callIndex).toBeUndefined();
    expect(target.finished).toBe(1);
  });

  it("reports a failing cleanup step as a leftover, with its label", async () => {
    const target = fakeTarget({ [ACTION]: notFound("EVS.5404") });
    const outcome = await executeScenario(
      target,
      scenario({
        async arrange(ctx) {
          ctx.fixtures.onCleanup("delete volume a", () => Promise.reject(new Error("409")));
          return {};
        },
      }),
      NONE,
    );
    expect(outcome.verdict).toBe("conforms");
    expect(outcome.leftovers).toEqual([{ label: "delete volume a", error: "409" }]);
  });

  it("fails on a failing check that no deviation explains", async () => {
    const target = fakeTarget({ [ACTION]: notFound(404) });
    const outcome = await executeScenario(target, scenario(), NONE);
    expect(outcome.verdict).toBe("fails");
    const failing = outcome.findings.filter((f) => !f.ok);
    expect(failing).toEqual([
      expect.objectContaining({
        check: "body_schema",
        operationId: "detachVolume",
        support: false,
        actual: "/itemNotFound/code must be string, got integer",
      }),
    ]);
    expect(failing[0]?.deviation).toBeUndefined();
  });

  it("fails on a wrong status, naming what was expected", async () => {
    const target = fakeTarget({ [ACTION]: { status: 202 } });
    const outcome = await executeScenario(target, scenario(), NONE);
    expect(outcome.verdict).toBe("fails");
    expect(outcome.findings.find((f) => f.check === "status_expected")).toMatchObject({
      ok: false,
      expected: "404",
      actual: "202",
    });
  });

  it("calls the same failure a deviation when the deviations file lists it", async () => {
    const deviations: DeviationFile = {
      family: "fake",
      description: "",
      deviations: [
        {
          id: "some-other-entry",
          operations: ["detachServerVolume"],
          checks: ["body_schema"],
          reason: "not this one",
        },
        {
          id: "code-integer",
          operations: ["detachVolume"],
          checks: ["body_schema"],
          actual: "code must be string",
          reason: "upstream sends integers",
        },
      ],
    };
    const target = fakeTarget({ [ACTION]: notFound(404) });
    const outcome = await executeScenario(target, scenario(), deviations);
    expect(outcome.verdict).toBe("deviation");
    const failing = outcome.findings.filter((f) => !f.ok);
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({ check: "body_schema", deviation: "code-integer" });
    // Passing findings carry no deviation.
    expect(outcome.findings.filter((f) => f.ok && f.deviation !== undefined)).toEqual([]);
  });

  it("still fails when only some of the failures are listed", async () => {
    const deviations: DeviationFile = {
      family: "fake",
      description: "",
      deviations: [
        {
          id: "code-integer",
          operations: ["detachVolume"],
          checks: ["body_schema"],
          reason: "upstream sends integers",
        },
      ],
    };
    const target = fakeTarget({
      [ACTION]: { ...notFound(404), headers: { "x-openstack-request-id": "req-1" } },
    });
    const outcome = await executeScenario(target, scenario(), deviations);
    expect(outcome.verdict).toBe("fails");
    expect(outcome.findings.filter((f) => !f.ok).map((f) => [f.check, f.deviation])).toEqual([
      ["body_schema", "code-integer"],
      ["headers", undefined],
    ]);
  });

  it("fails when settle returns a failing final_state finding", async () => {
    const target = fakeTarget({ [ACTION]: notFound("EVS.5404") });
    const finalState: Finding = {
      check: "final_state",
      ok: false,
      message: "volume status after the call",
      expected: "available",
      actual: "in-use",
    };
    const settle = vi.fn(async () => [finalState]);
    const outcome = await executeScenario(target, scenario({ settle }), NONE);
    expect(settle).toHaveBeenCalledOnce();
    expect(outcome.verdict).toBe("fails");
    expect(outcome.findings.filter((f) => !f.ok)).toEqual([
      { ...finalState, operationId: "detachVolume", support: false },
    ]);
  });

  it("conforms when settle finds the expected final state", async () => {
    const target = fakeTarget({ [ACTION]: notFound("EVS.5404") });
    const settle = async (): Promise<Finding[]> => [
      { check: "final_state", ok: true, message: "volume stays available" },
    ];
    const outcome = await executeScenario(target, scenario({ settle }), NONE);
    expect(outcome.verdict).toBe("conforms");
    expect(outcome.findings.map((f) => f.check)).toContain("final_state");
  });

  it("checks set-up calls too, and fails on an unexplained failure there", async () => {
    const target = fakeTarget({
      [SHOW]: { status: 200, body: { volume: { id: VOLUME } }, headers: { "content-type": "x" } },
      [ACTION]: notFound("EVS.5404"),
    });
    const outcome = await executeScenario(
      target,
      scenario({
        arrange: async (ctx) => ctx.member.evs.showVolumeExchange(VOLUME),
      }),
      NONE,
    );
    expect(outcome.verdict).toBe("fails");
    expect(outcome.callIndex).toBe(1);
    const support = outcome.findings.filter((f) => f.support && !f.ok);
    expect(support.map((f) => [f.operationId, f.check])).toContainEqual([
      "showVolume",
      "content_type",
    ]);
  });

  it("does not colour the case with a known deviation on a set-up call", async () => {
    const deviations: DeviationFile = {
      family: "fake",
      description: "",
      deviations: [
        {
          id: "show-content-type",
          operations: ["showVolume"],
          checks: ["content_type", "body_schema"],
          reason: "test",
        },
      ],
    };
    const target = fakeTarget({
      [SHOW]: { status: 200, body: { volume: { id: VOLUME } }, headers: { "content-type": "x" } },
      [ACTION]: notFound("EVS.5404"),
    });
    const outcome = await executeScenario(
      target,
      scenario({ arrange: async (ctx) => ctx.member.evs.showVolumeExchange(VOLUME) }),
      deviations,
    );
    expect(outcome.verdict).toBe("conforms");
    expect(
      outcome.findings.filter((f) => f.support && !f.ok).every((f) => f.deviation !== undefined),
    ).toBe(true);
    expect(outcome.findings.some((f) => f.deviation === "show-content-type")).toBe(true);
  });

  it("reports an act that throws as an error", async () => {
    const target = fakeTarget({});
    const outcome = await executeScenario(target, scenario(), NONE);
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toBe(`the fake target has no answer for ${ACTION}`);
    expect(outcome.findings).toEqual([]);
  });

  it("turns a failing finish (a stale cassette) into an error", async () => {
    const target = fakeTarget(
      { [ACTION]: notFound("EVS.5404") },
      {
        finish: () => Promise.reject(new Error("cassette.json: 1 recorded exchange(s) unused")),
      },
    );
    const outcome = await executeScenario(target, scenario(), NONE);
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toBe("cassette.json: 1 recorded exchange(s) unused");
  });

  it("keeps the first error when finish fails after it", async () => {
    const target = fakeTarget(
      {},
      { finish: () => Promise.reject(new Error("cassette.json: 1 recorded exchange(s) unused")) },
    );
    const outcome = await executeScenario(target, scenario(), NONE);
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toBe(
      `the fake target has no answer for ${ACTION}; then: cassette.json: 1 recorded exchange(s) unused`,
    );
  });

  it("reports a target that cannot open the scenario as an error", async () => {
    const target = fakeTarget({});
    target.openScenario = () => Promise.reject(new Error("no cassette"));
    const outcome = await executeScenario(target, scenario(), NONE);
    expect(outcome).toMatchObject({ verdict: "error", reason: "no cassette", exchanges: [] });
    expect(outcome.leftovers).toEqual([]);
    expect(outcome.findings).toEqual([]);
  });

  it("does not judge a call under test no service answered, nor settle it", async () => {
    const target = fakeTarget({ [ACTION]: { status: 502, body: "<html>Bad Gateway</html>" } });
    const settle = vi.fn(async () => []);
    const outcome = await executeScenario(target, scenario({ settle }), NONE);
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toBe(
      `the call under test (detachVolume POST ${ORIGIN}/v2/p/volumes/${VOLUME}/action) was answered 502 by a gateway or proxy in front of the service, not by the service itself (the body is not the OpenStack fault envelope: "\\"<html>Bad Gateway</html>\\""); the case could not be judged (the operation under test is never retried)`,
    );
    expect(outcome.findings).toEqual([]);
    expect(settle).not.toHaveBeenCalled();
    expect(outcome.callIndex).toBe(0);
  });

  it("names a set-up call a gateway answered", async () => {
    const target = fakeTarget({ [SHOW]: { status: 503, body: "<html>down</html>" } });
    const outcome = await executeScenario(
      target,
      scenario({ arrange: (ctx) => ctx.member.evs.showVolume(VOLUME) }),
      NONE,
    );
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toMatch(
      new RegExp(
        `^set-up call showVolume GET ${ORIGIN}/v2/p/volumes/${VOLUME} was answered 503 by a gateway`,
      ),
    );
    // Nor is the gateway's answer judged as a set-up call.
    expect(outcome.findings).toEqual([]);
  });

  it("reports the figures a scenario measured, rounded, and the time since the call", async () => {
    const target = fakeTarget({ [ACTION]: notFound("EVS.5404") });
    const outcome = await executeScenario(
      target,
      scenario({
        arrange: async (ctx) => {
          await ctx.waiting.clock.sleep(1_000);
          // Before the call there is no time since it.
          expect(ctx.sinceCall()).toBe(0);
          return {};
        },
        settle: async (ctx) => {
          await ctx.waiting.clock.sleep(300);
          ctx.measure("since-call", ctx.sinceCall());
          expect(ctx.measure("rounded", 12.6)).toBe(13);
          return [];
        },
      }),
      NONE,
    );
    expect(outcome.verdict).toBe("conforms");
    expect(outcome.measurements).toEqual({ "since-call": 300, rounded: 13 });
  });

  it("reports no measurements when there are none, and the time it took", async () => {
    const target = fakeTarget({ [ACTION]: notFound("EVS.5404") });
    const before = performance.now();
    const outcome = await executeScenario(target, scenario(), NONE);
    const took = performance.now() - before;
    expect(outcome).not.toHaveProperty("measurements");
    expect(Number.isInteger(outcome.durationMs)).toBe(true);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    expect(outcome.durationMs).toBeLessThanOrEqual(Math.ceil(took));
  });

  it("reports a set-up call's failing check once, however often the call was made", async () => {
    const target = fakeTarget({
      [SHOW]: {
        status: 200,
        body: { volume: { id: VOLUME } },
        headers: { "content-type": "text/plain" },
      },
      [ACTION]: notFound("EVS.5404"),
    });
    const outcome = await executeScenario(
      target,
      scenario({
        arrange: async (ctx) => {
          await ctx.member.api.call("showVolume", { path: { volume_id: VOLUME } });
          await ctx.member.api.call("showVolume", { path: { volume_id: VOLUME } });
          return {};
        },
      }),
      NONE,
    );
    const support = outcome.findings.filter((f) => f.support && !f.ok);
    expect(support.length).toBeGreaterThan(0);
    const keys = support.map((f) => `${f.check} ${f.message}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(outcome.callIndex).toBe(2);
  });

  it("reports the version of a case and the microversion it sent", async () => {
    const target = fakeTarget({ [ACTION]: notFound("EVS.5404") });
    const atThree = await executeScenario(target, scenario({ version: "3.0" }), NONE);
    expect(atThree.scenario).toMatchObject({ version: "3.0", microversion: "3.0" });
    const unversioned = await executeScenario(target, scenario({ version: "unversioned" }), NONE);
    expect(unversioned.scenario.version).toBe("unversioned");
    expect(unversioned.scenario).not.toHaveProperty("microversion");
    const plain = await executeScenario(target, scenario(), NONE);
    expect(plain.scenario).not.toHaveProperty("version");
    expect(plain.scenario).toEqual({
      id: SCENARIO_ID,
      title: "EVS detach of an unknown volume (test)",
      operation: "detachVolume",
      category: "not-found",
      documented: "EVS error codes: 404 EVS.5404, the disk cannot be found.",
    });
  });

  it("reports a case whose version cannot be resolved as an error, with its version", async () => {
    const target = fakeTarget({ [ACTION]: notFound("EVS.5404") });
    const outcome = await executeScenario(target, scenario({ version: "newest" }), NONE);
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toMatch(/^the fake target has no answer for GET /);
    expect(outcome.scenario.version).toBe("newest");
    expect(outcome.scenario).not.toHaveProperty("microversion");
  });

  it("looks a case's failures up under its scenario's own id", async () => {
    const deviations: DeviationFile = {
      family: "fake",
      description: "",
      deviations: [
        {
          id: "code-integer",
          operations: ["detachVolume"],
          checks: ["body_schema"],
          scenarios: [SCENARIO_ID],
          reason: "upstream sends integers",
        },
      ],
    };
    const target = fakeTarget({ [ACTION]: notFound(404) });
    const plain = await executeScenario(target, scenario(), deviations);
    expect(plain.verdict).toBe("deviation");
    const versioned = await executeScenario(
      target,
      scenario({ id: `${SCENARIO_ID}@3.0`, baseId: SCENARIO_ID, version: "3.0" }),
      deviations,
    );
    expect(versioned.verdict).toBe("deviation");
  });

  it("looks a set-up call's failures up under the scenario's own id too", async () => {
    const deviations: DeviationFile = {
      family: "fake",
      description: "",
      deviations: [
        {
          id: "show-content-type",
          operations: ["showVolume"],
          checks: ["content_type", "body_schema"],
          scenarios: [SCENARIO_ID],
          reason: "test",
        },
      ],
    };
    const target = fakeTarget({
      [SHOW]: { status: 200, body: { volume: { id: VOLUME } }, headers: { "content-type": "x" } },
      [ACTION]: notFound("EVS.5404"),
    });
    const arrange = async (ctx: ScenarioContext) => ctx.member.evs.showVolumeExchange(VOLUME);
    for (const s of [
      scenario({ arrange }),
      scenario({ arrange, id: `${SCENARIO_ID}@3.0`, baseId: SCENARIO_ID, version: "3.0" }),
    ]) {
      const outcome = await executeScenario(target, s, deviations);
      expect(outcome.verdict).toBe("conforms");
      const failing = outcome.findings.filter((f) => f.support && !f.ok);
      expect(failing.length).toBeGreaterThan(0);
      expect(failing.every((f) => f.deviation === "show-content-type")).toBe(true);
    }
  });

  it("never marks a passing finding with a deviation entry", async () => {
    const deviations: DeviationFile = {
      family: "fake",
      description: "",
      deviations: [
        {
          id: "any-status",
          operations: ["detachVolume"],
          checks: ["status_expected"],
          reason: "r",
        },
      ],
    };
    const target = fakeTarget({ [ACTION]: notFound("EVS.5404") });
    const outcome = await executeScenario(target, scenario(), deviations);
    expect(outcome.verdict).toBe("conforms");
    expect(outcome.findings.filter((f) => f.deviation)).toEqual([]);
  });

  it("does not check a set-up call's status against a case expectation", async () => {
    const target = fakeTarget({
      [SHOW]: { status: 200, body: { volume: { id: VOLUME } } },
      [ACTION]: notFound("EVS.5404"),
    });
    const outcome = await executeScenario(
      target,
      scenario({
        arrange: async (ctx) => {
          await ctx.member.api.call("showVolume", { path: { volume_id: VOLUME } });
          return {};
        },
      }),
      NONE,
    );
    expect(outcome.findings.filter((f) => f.support).map((f) => f.check)).not.toContain(
      "status_expected",
    );
  });

  it("passes on a set-up call's refusal as it is when the service itself answered", async () => {
    const target = fakeTarget({ [SHOW]: notFound("EVS.5404") });
    const outcome = await executeScenario(
      target,
      scenario({ arrange: (ctx) => ctx.member.evs.showVolume(VOLUME) }),
      NONE,
    );
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toMatch(
      new RegExp(
        `^showVolume GET ${ORIGIN}/v2/p/volumes/${VOLUME} answered 404 \\(expected 200\\)`,
      ),
    );
  });

  it("names a call outside the contract as a call", async () => {
    const target = fakeTarget({});
    const outcome = await executeScenario(
      target,
      scenario({
        act: async () => ({
          request: { method: "POST", url: "http://gateway.test/x", headers: {} },
          response: { status: 502, headers: {}, bodyText: "" },
        }),
      }),
      NONE,
    );
    expect(outcome.reason).toMatch(
      /^the call under test \(call POST http:\/\/gateway\.test\/x\) was answered 502/,
    );
  });

  it("lets only a scenario that requires own-server boot a server", async () => {
    const target = fakeTarget({});
    const outcome = await executeScenario(
      target,
      scenario({ arrange: (ctx) => ctx.fixtures.ownServer() }),
      NONE,
    );
    expect(outcome.reason).toMatch(/^only a scenario that requires own-server may boot a server/);
  });
});
