import { beforeAll, describe, expect, it } from "vitest";
import type { Volume } from "../../src/clients/evs.ts";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import { type DeviationFile, loadDeviations } from "../../src/deviations/deviations.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import type { ScenarioOutcome } from "../../src/engine/outcome.ts";
import type { Target } from "../../src/engine/target.ts";
import { CassetteError } from "../../src/targets/cassette.ts";
import { createReplayTarget } from "../../src/targets/replay.ts";
import { CATALOG } from "../scenarios/catalog.ts";
import {
  type FaultLayer,
  type FaultRule,
  faultLayer,
  GATEWAY_502,
  GATEWAY_503,
  rateLimited,
  volumeHeldIn,
} from "../support/fault-layer.ts";

// Each fault of a flaky cloud, injected into the replay of a recorded scenario: the verdict is
// `error` with a message that names the fault (or `fails` where the service really answered
// against the contract), and the scenario's cleanup still runs.

const READ_MS = 300;
const EVS_HAPPY = "e12c3afc-f045-43b9-9a09-3da8a3b569e3@unversioned";
const EVS_NOT_FOUND = "610204e4-4a39-4341-97f3-e513142b1fcb@unversioned";
const BMS_HAPPY = "0feb9397-1fa4-4309-8ecf-8d141c5133c8@unversioned";
/** Creates a volume of its own (its status is forced), where the happy path borrows one. */
const EVS_OWN_VOLUME = "a22ff1ab-37ef-456d-9408-37649b4558f9";
/**
 * Creates a volume of its own too, and makes every request as the member: a cleanup that
 * leaves the recorded order still finds a recorded answer, sent with the same credential.
 */
const EVS_MEMBER_OWN_VOLUME = "758013ac-1375-41d2-a685-53e92ef65e1e";

const VOLUME = /\/volumes\/[0-9a-f-]{36}$/;
const VOLUMES = /\/volumes$/;
const VOLUME_ACTION = /\/volumes\/[0-9a-f-]{36}\/action$/;
const DETACH = { method: "POST", path: VOLUME_ACTION, body: /"os-detach"/ };
const SERVER_DETACH = { method: "DELETE", path: /\/os-volume_attachments\/[0-9a-f-]{36}$/ };

let contract: Contract;
let deviations: DeviationFile;
beforeAll(async () => {
  contract = await loadContract();
  deviations = loadDeviations("upstream-openstack");
});

interface Run {
  outcome: ScenarioOutcome;
  layer: FaultLayer;
  ms: number;
  /** The volumes the scenario gave back to the run, as it last saw them. */
  returned: Volume[];
}

async function replayWith(scenarioId: string, rules: FaultRule[]): Promise<Run> {
  const scenario = CATALOG.find((s) => s.id === scenarioId);
  if (!scenario) throw new Error(`no scenario ${scenarioId}`);
  const layer = faultLayer(rules, { readMs: READ_MS });
  const returned: Volume[] = [];
  const target = tolerateUnusedRecordings(
    await createReplayTarget(contract, undefined, layer.interpose),
    returned,
  );
  const started = performance.now();
  try {
    const outcome = await executeScenario(target, scenario, deviations);
    return { outcome, layer, ms: performance.now() - started, returned };
  } finally {
    await target.close();
  }
}

/**
 * A fault changes the conversation (a reset request is never answered, a stalled poll is asked
 * again), so recorded exchanges go unused; that is the fault's doing, not a stale cassette.
 * Volumes given back to the run land in `returned`.
 */
function tolerateUnusedRecordings(target: Target, returned: Volume[]): Target {
  const open = target.openScenario.bind(target);
  target.openScenario = async (scenario) => {
    const session = await open(scenario);
    const finish = session.finish.bind(session);
    return {
      ...session,
      returnVolume: (volume) => returned.push(volume),
      async finish(outcome) {
        try {
          await finish(outcome);
        } catch (error) {
          if (!(error instanceof CassetteError && /were not requested/.test(error.message))) {
            throw error;
          }
        }
      },
    };
  };
  return target;
}

const sent = (run: Run, method: string, path: RegExp) =>
  run.layer.requests.filter((request) => request.startsWith(`${method} `) && path.test(request))
    .length;

/** The clean-up ran to its end: the borrowed volume went back to the run detached. */
function expectCleanedUp(run: Run) {
  expect(run.outcome.leftovers).toEqual([]);
  expect(run.returned).toEqual([expect.objectContaining({ status: "available", attachments: [] })]);
}

describe("faults on the call under test: never retried, verdict error naming the fault", () => {
  it("a reset connection", async () => {
    const run = await replayWith(EVS_HAPPY, [{ ...DETACH, fault: { kind: "reset" } }]);
    expect(run.layer.injected).toEqual([expect.stringMatching(/^reset POST /)]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(
      /^POST http:\/\/\S+\/action: the connection was closed by the server or a proxy \(ECONNRESET/,
    );
    expect(sent(run, "POST", VOLUME_ACTION)).toBe(3); // os-reserve, os-attach, one os-detach
    expectCleanedUp(run);
  });

  it("a stall ends with the read timeout", async () => {
    const run = await replayWith(EVS_HAPPY, [{ ...DETACH, fault: { kind: "stall" } }]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(
      new RegExp(`/action: no response within ${READ_MS} ms: the server is stalled or slow`),
    );
    expect(run.ms).toBeLessThan(READ_MS + 2_000);
    expectCleanedUp(run);
  });

  it("a body cut off after the headers", async () => {
    const run = await replayWith(EVS_HAPPY, [{ ...DETACH, fault: { kind: "truncate" } }]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(/\/action: the response body was cut off/);
    expectCleanedUp(run);
  });

  it("a 503 from a gateway (not the OpenStack fault envelope)", async () => {
    const run = await replayWith(EVS_HAPPY, [{ ...DETACH, fault: GATEWAY_503 }]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(
      /^the call under test \(detachVolume POST \S+\/action\) was answered 503 by a gateway or proxy in front of the service, not by the service itself \(the body is not the OpenStack fault envelope: "<html>/,
    );
    // Not judged: no finding on the call, and the exchange is still there for the report.
    expect(run.outcome.findings.filter((f) => !f.support)).toEqual([]);
    expect(run.outcome.exchanges[run.outcome.callIndex ?? -1]?.response.status).toBe(503);
    expectCleanedUp(run);
  });

  it("a 504 from a gateway on the BMS detach", async () => {
    const run = await replayWith(BMS_HAPPY, [
      {
        ...SERVER_DETACH,
        fault: { kind: "respond", status: 504, body: "Gateway Time-out", headers: {} },
      },
    ]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(
      /^the call under test \(detachServerVolume DELETE \S+\) was answered 504 by a gateway/,
    );
    // The server is the run's: no scenario deletes it.
    expect(sent(run, "DELETE", /\/servers\/[0-9a-f-]{36}$/)).toBe(0);
    expectCleanedUp(run);
  });

  it("a 429 from a rate limiter", async () => {
    const run = await replayWith(EVS_NOT_FOUND, [{ ...DETACH, fault: rateLimited(3) }]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(/was rate-limited: answered 429 with Retry-After 3/);
    expect(sent(run, "POST", VOLUME_ACTION)).toBe(1);
  });

  it("but a 503 in the service's own fault envelope is an answer: judged, and it fails", async () => {
    const run = await replayWith(EVS_NOT_FOUND, [
      {
        ...DETACH,
        fault: {
          kind: "respond",
          status: 503,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            serviceUnavailable: { message: "Service Unavailable", code: 503 },
          }),
        },
      },
    ]);
    expect(run.outcome.verdict).toBe("fails");
    expect(run.outcome.findings.find((f) => f.check === "status_expected")).toMatchObject({
      ok: false,
      expected: "404",
      actual: "503",
    });
  });
});

describe("faults on reads: retried, the verdict stands", () => {
  it("a gateway 503 on a poll is asked again, kept in the record, and not judged", async () => {
    const run = await replayWith(EVS_HAPPY, [{ method: "GET", path: VOLUME, fault: GATEWAY_503 }]);
    expect(run.outcome.verdict).toBe("conforms");
    const retried = run.outcome.exchanges.filter((e) => e.retried);
    expect(retried).toHaveLength(1);
    expect(retried[0]?.retried).toBe("answered 503; asked again after 500 ms");
    expect(run.outcome.findings.filter((f) => !f.ok && !f.deviation)).toEqual([]);
  });

  it("a 429 waits as long as Retry-After says", async () => {
    const run = await replayWith(EVS_HAPPY, [
      { method: "GET", path: VOLUME, from: 2, fault: rateLimited(2) },
    ]);
    expect(run.outcome.verdict).toBe("conforms");
    expect(run.outcome.exchanges.find((e) => e.retried)?.retried).toBe(
      "answered 429 (Retry-After: 2); asked again after 2000 ms",
    );
  });

  it("a reset and a stall on polls are retried", async () => {
    const run = await replayWith(EVS_HAPPY, [
      { method: "GET", path: VOLUME, from: 1, fault: { kind: "reset" } },
      { method: "GET", path: VOLUME, from: 3, fault: { kind: "stall" } },
    ]);
    expect(run.layer.injected).toHaveLength(2);
    expect(run.outcome.verdict).toBe("conforms");
  });

  it("a read that stays unavailable ends, after four attempts, in error naming the gateway", async () => {
    const run = await replayWith(EVS_HAPPY, [
      { method: "GET", path: VOLUME, times: Infinity, fault: GATEWAY_503 },
    ]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(
      /^set-up call showVolume GET \S+ was answered 503 by a gateway or proxy in front of the service/,
    );
    expect(
      run.outcome.exchanges
        .filter((e) => e.retried)
        .slice(0, 3)
        .map((e) => e.retried),
    ).toEqual([
      "answered 503; asked again after 500 ms",
      "answered 503; asked again after 1000 ms",
      "answered 503; asked again after 2000 ms",
    ]);
    expect(run.outcome.findings.filter((f) => !f.ok && !f.deviation)).toEqual([]);
    // The cleanup cannot see the volume either: it says so, with the volume's id, and keeps
    // the volume from the run's next scenario (the run deletes it when it ends).
    expect(run.returned).toEqual([]);
    expect(run.outcome.leftovers).toEqual([
      {
        label: expect.stringMatching(/^detach instance [0-9a-f-]{36} from volume [0-9a-f-]{36}$/),
        error: expect.stringMatching(/^showVolume GET \S+ answered 503 \(expected 200\): <html>/),
      },
    ]);
  });

  it("a 502 is not a 'not now': a read answered 502 is not asked again", async () => {
    const run = await replayWith(EVS_HAPPY, [{ method: "GET", path: VOLUME, fault: GATEWAY_502 }]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(
      /^set-up call showVolume GET \S+ was answered 502 by a gateway/,
    );
    expect(run.outcome.exchanges.filter((e) => e.retried)).toEqual([]);
  });
});

describe("faults on set-up calls", () => {
  it("a reset on a POST is not retried: error, nothing created, nothing left", async () => {
    const run = await replayWith(EVS_OWN_VOLUME, [
      { method: "POST", path: VOLUMES, fault: { kind: "reset" } },
    ]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(/^POST \S+\/volumes: the connection was closed/);
    expect(sent(run, "POST", VOLUMES)).toBe(1);
    expect(run.outcome.leftovers).toEqual([]);
  });

  it("a gateway 502 on os-attach: error naming it, and the volume is unreserved and deleted", async () => {
    const run = await replayWith(EVS_MEMBER_OWN_VOLUME, [
      { method: "POST", path: VOLUME_ACTION, body: /"os-attach"/, fault: GATEWAY_502 },
    ]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(
      /^set-up call volumeSetupAction POST \S+\/action was answered 502 by a gateway/,
    );
    // The recording has no os-unreserve: replay lists it as left behind; live it goes through.
    expect(run.outcome.leftovers.map((l) => l.label)).toEqual([
      expect.stringMatching(/^unreserve volume /),
    ]);
    expect(sent(run, "DELETE", VOLUME)).toBe(1);
  });
});

describe("a state change slower than the waiter's budget", () => {
  it("after the call under test: fails on the final state, and the volume is not given back", async () => {
    const run = await replayWith(EVS_HAPPY, [
      {
        method: "GET",
        path: VOLUME,
        after: DETACH,
        times: Infinity,
        fault: volumeHeldIn("detaching"),
      },
    ]);
    expect(run.outcome.verdict).toBe("fails");
    expect(run.outcome.findings.find((f) => f.check === "final_state")).toMatchObject({
      ok: false,
      actual: "status detaching",
      message: expect.stringMatching(
        /did not reach status available within 120 s; last seen: status detaching$/,
      ),
    });
    // The volume never leaves `detaching`, so the cleanup does not give it back: no later
    // scenario gets it, and the run deletes it when it ends.
    expect(run.returned).toEqual([]);
    expect(run.outcome.leftovers.map((l) => l.label)).not.toContainEqual(
      expect.stringMatching(/^give volume/),
    );
  });

  it("during set-up: error naming the wait", async () => {
    const run = await replayWith(EVS_OWN_VOLUME, [
      {
        method: "GET",
        path: VOLUME,
        after: { method: "POST", path: VOLUME_ACTION, body: /"os-attach"/ },
        times: Infinity,
        fault: volumeHeldIn("attaching"),
      },
    ]);
    expect(run.outcome.verdict).toBe("error");
    expect(run.outcome.reason).toMatch(
      /^volume \S+ did not reach status in-use within 120 s; last seen: status attaching$/,
    );
  });
});
