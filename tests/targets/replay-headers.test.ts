import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import { type DeviationFile, loadDeviations } from "../../src/deviations/deviations.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import type { Scenario } from "../../src/engine/scenario.ts";
import type { Target } from "../../src/engine/target.ts";
import { cassettePath } from "../../src/targets/cassette.ts";
import { createReplayTarget } from "../../src/targets/replay.ts";
import { CATALOG } from "../scenarios/catalog.ts";

// The committed cassettes, replayed by scenarios whose request headers differ from the recorded
// ones: same method, URL and body, so only the headers can tell.

const TEXT_PLAIN = "c9f2945e-8fe6-4052-8048-8737ee755fd6";
const BMS_SUCCESS = "0feb9397-1fa4-4309-8ecf-8d141c5133c8@unversioned";

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
let target: Target;

beforeAll(async () => {
  contract = await loadContract();
  deviations = loadDeviations("upstream-openstack");
  target = await createReplayTarget(contract);
});
afterAll(() => target.close());

describe("replay matches the request headers", () => {
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
