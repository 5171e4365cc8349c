import { describe, expect, it } from "vitest";
import type { TargetDescription } from "../../src/config/description.ts";
import type { Scenario } from "../../src/engine/scenario.ts";
import { unmetRequirement } from "../../src/targets/wiring.ts";

const described = (resources: TargetDescription["resources"]): TargetDescription => ({
  name: "t",
  family: "upstream-openstack",
  auth: { member: { password: "p" } },
  resources,
});
const scenario = {} as Scenario;

describe("unmetRequirement compute-pause", () => {
  it("is met only by a target naming its compute's pid file", () => {
    expect(
      unmetRequirement(described({ computePidFile: "x.pid" }), "compute-pause", scenario),
    ).toBeUndefined();
    expect(unmetRequirement(described({ flavorId: "f" }), "compute-pause", scenario)).toMatch(
      /names no compute service .*\(resources.computePidFile, only for a target on this machine\)/,
    );
  });
});
