import type { TargetDescription } from "../../src/config/description.ts";
import type { Contract } from "../../src/contract/load-spec.ts";
import type { DeviationFile } from "../../src/deviations/deviations.ts";
import type { FinishedRun } from "../../src/engine/events.ts";
import { runScenarios } from "../../src/engine/run.ts";
import type { Scenario } from "../../src/engine/scenario.ts";
import { createLiveTarget } from "../../src/targets/live.ts";
import { createReplayTarget } from "../../src/targets/replay.ts";

// What the tests of live targets on a fake cloud share: the description of that cloud, and a
// run on it with waits short enough for a fake that changes state at once.

export const NO_DEVIATIONS: DeviationFile = { family: "x", description: "", deviations: [] };

/** A fake cloud at `origin`: Keystone under /v3, the member `alice` with `password`. */
export function fakeDescription(
  origin: string,
  password: string,
  extra: Partial<TargetDescription> = {},
): TargetDescription {
  return {
    name: "fake-openstack",
    family: "x",
    auth: {
      url: `${origin}/v3`,
      projectName: "demo",
      userDomainName: "Default",
      member: { username: "alice", password },
    },
    timeouts: { connectMs: 2_000, readMs: 5_000 },
    ...extra,
  };
}

/** Runs `scenarios` live (recording into `recordTo` if given) and closes the target. */
export async function runOnFake(
  contract: Contract,
  description: TargetDescription,
  scenarios: Scenario[],
  options: { recordTo?: string; concurrency?: number } = {},
): Promise<FinishedRun> {
  const target = await createLiveTarget({
    description,
    contract,
    ...(options.recordTo && { recordTo: options.recordTo }),
    budget: { intervalMs: 5, budgetMs: 2_000 },
  });
  try {
    return await runScenarios({
      target,
      scenarios,
      deviations: NO_DEVIATIONS,
      ...(options.concurrency && { concurrency: options.concurrency }),
    });
  } finally {
    await target.close();
  }
}

/** Replays `scenarios` from the cassettes in `dir` and closes the target. */
export async function replayFrom(
  contract: Contract,
  dir: string,
  scenarios: Scenario[],
): Promise<FinishedRun> {
  const target = await createReplayTarget(contract, dir);
  try {
    return await runScenarios({ target, scenarios, deviations: NO_DEVIATIONS });
  } finally {
    await target.close();
  }
}
