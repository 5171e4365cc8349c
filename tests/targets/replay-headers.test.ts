import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clients } from "../../src/clients/clients.ts";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import { type DeviationFile, loadDeviations } from "../../src/deviations/deviations.ts";
import type { ScenarioContext } from "../../src/engine/context.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import type { Scenario } from "../../src/engine/scenario.ts";
import type { Interposer, Target } from "../../src/engine/target.ts";
import { CASSETTE_DIR } from "../../src/paths.ts";
import {
  cassettePath,
  type SessionCassette,
  sessionCassettePath,
} from "../../src/targets/cassette.ts";
import { createReplayTarget } from "../../src/targets/replay.ts";
import { CATALOG } from "../scenarios/catalog.ts";

// The committed cassettes, replayed by scenarios whose request headers or credential differ from
// the recorded ones: same method, URL and body, so only the headers and the credential can tell.

const TEXT_PLAIN = "c9f2945e-8fe6-4052-8048-8737ee755fd6";
const BMS_SUCCESS = "0feb9397-1fa4-4309-8ecf-8d141c5133c8@unversioned";
/** Sends every header the harness sets: Accept, Content-Type, both compute microversions. */
const BMS_NEWEST = "0feb9397-1fa4-4309-8ecf-8d141c5133c8@newest";
const EVS_WITHOUT_TOKEN = "b1305343-35d3-462b-a9f0-a8c80111d587";
const EVS_INVALID_TOKEN = "c42ce105-321d-4dad-9fb3-39a83509e8d3";
const EVS_READER = "e3f53dc4-3f7c-4bbf-8e47-9a4d143152ec";

interface Attached {
  volumeId: string;
  attachmentId: string;
  serverId: string;
}

function catalogScenario(id: string): Scenario<Attached> {
  const scenario = CATALOG.find((s) => s.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  return scenario as Scenario<Attached>;
}

let contract: Contract;
let deviations: DeviationFile;

beforeAll(async () => {
  contract = await loadContract();
  deviations = loadDeviations("upstream-openstack");
});

/** The scenario's detach, sent with whatever credential `client` holds, or with `token`. */
function detachedBy(
  id: string,
  client: (ctx: ScenarioContext) => Clients | undefined,
  token?: string | null,
): Scenario {
  const original = catalogScenario(id);
  return {
    ...original,
    act: (ctx, s) => {
      const clients = client(ctx);
      if (!clients) throw new Error("the replay gives no such user");
      return clients.evs.detachVolumeRequest(s.volumeId, {
        json: { "os-detach": { attachment_id: s.attachmentId } },
        ...(token !== undefined && { token }),
      });
    },
  } as Scenario<Attached> as Scenario;
}

describe("replay matches the request headers", () => {
  let target: Target;
  beforeAll(async () => {
    target = await createReplayTarget(contract);
  });
  afterAll(() => target.close());

  it("replays the scenario as recorded", async () => {
    const outcome = await executeScenario(target, catalogScenario(TEXT_PLAIN), deviations);
    expect(outcome.reason).toBeUndefined();
    expect(outcome.verdict).toBe("deviation");
  });

  it("fails when the scenario sends application/json where text/plain was recorded", async () => {
    const original = catalogScenario(TEXT_PLAIN);
    const changed: Scenario<Attached> = {
      ...original,
      act: (ctx, s) =>
        ctx.member.evs.detachVolumeRaw(
          s.volumeId,
          JSON.stringify({ "os-detach": { attachment_id: s.attachmentId } }),
          "application/json",
        ),
    };
    const outcome = await executeScenario(target, changed as Scenario, deviations);
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toContain(`${cassettePath(original)}: POST http://127.0.0.1:8776/v3/`);
    expect(outcome.reason).toContain(
      "was recorded with header content-type: text/plain, this run sent application/json",
    );
    expect(outcome.reason).toMatch(/record it again/);
  });

  it("fails when the call under test asks for a microversion the recording did not", async () => {
    const original = catalogScenario(BMS_SUCCESS);
    const changed: Scenario<Attached> = {
      ...original,
      act: (ctx, s) =>
        ctx.member.bms.detachServerVolume(s.serverId, s.volumeId, { microversion: "2.79" }),
    };
    const outcome = await executeScenario(target, changed as Scenario, deviations);
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toContain(cassettePath(original));
    expect(outcome.reason).toContain(
      "was recorded with header openstack-api-version: (none), this run sent compute 2.79",
    );
    expect(outcome.reason).toMatch(/record it again/);
  });
});

describe("replay matches each header that changes an answer", () => {
  /** Changes `name` on every request that carries it, or adds it to every request. */
  const changing =
    (name: string, add: boolean): Interposer =>
    (fetchFn) =>
      ((url: string | URL, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        const value = headers.get(name);
        if (value !== null) headers.set(name, `${value}-changed`);
        else if (add) headers.set(name, "added");
        return fetchFn(url, { ...init, headers });
      }) as typeof fetch;

  it.each([
    ["openstack-api-version", false, "compute 2.60", "compute 2.60-changed"],
    ["x-openstack-nova-api-version", false, "2.60", "2.60-changed"],
    ["accept", false, "application/json", "application/json-changed"],
    ["content-type", false, "application/json", "application/json-changed"],
    // A header no request of the recording carries, as a scenario might set one.
    ["x-scenario-header", true, "(none)", "added"],
  ])("fails as stale when the run sends another %s", async (name, add, recorded, sent) => {
    const target = await createReplayTarget(contract, undefined, changing(name, add));
    try {
      const scenario = catalogScenario(BMS_NEWEST);
      const outcome = await executeScenario(target, scenario as Scenario, deviations);
      expect(outcome.verdict).toBe("error");
      expect(outcome.reason).toContain(cassettePath(scenario));
      expect(outcome.reason).toContain(
        `was recorded with header ${name}: ${recorded}, this run sent ${sent}`,
      );
      expect(outcome.reason).toMatch(/record it again/);
    } finally {
      await target.close();
    }
  });
});

describe("replay matches the credential a request carries", () => {
  let target: Target;
  beforeAll(async () => {
    target = await createReplayTarget(contract);
  });
  afterAll(() => target.close());

  it("replays each auth scenario as recorded", async () => {
    for (const id of [EVS_WITHOUT_TOKEN, EVS_INVALID_TOKEN, EVS_READER]) {
      const outcome = await executeScenario(target, catalogScenario(id) as Scenario, deviations);
      expect(outcome.reason).toBeUndefined();
      expect(outcome.verdict).toMatch(/^(conforms|deviation)$/);
    }
  });

  it.each([
    [
      "the member instead of the reader",
      EVS_READER,
      "reader",
      "member",
      (ctx: ScenarioContext) => ctx.member,
      undefined,
    ],
    [
      "the member's token instead of none",
      EVS_WITHOUT_TOKEN,
      "none",
      "member",
      (ctx: ScenarioContext) => ctx.member,
      undefined,
    ],
    [
      "no token instead of a made-up one",
      EVS_INVALID_TOKEN,
      "invalid",
      "none",
      (ctx: ScenarioContext) => ctx.member,
      null,
    ],
    [
      "the admin's token instead of a made-up one",
      EVS_INVALID_TOKEN,
      "invalid",
      "admin",
      (ctx: ScenarioContext) => ctx.admin,
      undefined,
    ],
    [
      "a made-up token instead of the reader's",
      EVS_READER,
      "reader",
      "invalid",
      (ctx: ScenarioContext) => ctx.reader,
      "made-up",
    ],
  ])(
    "fails as stale when the call under test is sent with %s",
    async (_, id, recorded, sent, client, token) => {
      const outcome = await executeScenario(target, detachedBy(id, client, token), deviations);
      expect(outcome.verdict).toBe("error");
      expect(outcome.reason).toContain(
        `${cassettePath(catalogScenario(id))}: POST http://127.0.0.1:8776/v3/`,
      );
      expect(outcome.reason).toContain(
        `was recorded with credential: ${recorded}, this run sent ${sent}`,
      );
      expect(outcome.reason).toMatch(/record it again/);
    },
  );
});

// No other replay open: its session recordings would answer the token requests.
describe("replay matches whose password a token request carries", () => {
  it("fails to open when no token request of a role was recorded with its password", async () => {
    const dir = mkdtempSync(join(tmpdir(), "conformance-session-"));
    try {
      cpSync(CASSETTE_DIR, dir, { recursive: true });
      const path = sessionCassettePath(dir);
      const session = JSON.parse(readFileSync(path, "utf8")) as SessionCassette;
      for (const exchange of session.exchanges) {
        if (exchange.request.credentialKind === "admin") exchange.request.credentialKind = "member";
      }
      writeFileSync(path, JSON.stringify(session));
      await expect(createReplayTarget(contract, dir)).rejects.toThrow(
        `${path}: POST http://127.0.0.1:5000/v3/auth/tokens was recorded with credential: member, this run sent admin`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
