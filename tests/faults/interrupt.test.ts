import { beforeAll, describe, expect, it } from "vitest";
import type { Volume } from "../../src/clients/evs.ts";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import { type DeviationFile, loadDeviations } from "../../src/deviations/deviations.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import type { Interposer } from "../../src/engine/target.ts";
import { CassetteError } from "../../src/targets/cassette.ts";
import { createReplayTarget } from "../../src/targets/replay.ts";
import { CATALOG } from "../scenarios/catalog.ts";

// An interrupted scenario stops before its next call, then its cleanup runs in full, newest
// first. The interruption is signalled right after a chosen request of a replayed scenario.

let contract: Contract;
let deviations: DeviationFile;
beforeAll(async () => {
  contract = await loadContract();
  deviations = loadDeviations("upstream-openstack");
});

const EVS_HAPPY = CATALOG.find((s) => s.id.startsWith("e12c3afc"));
/**
 * Boot servers of their own (the shared server of a run outlives any one scenario) and borrow
 * their data volume from the run: one boots from an image, one from a new volume.
 */
const BMS_OWN_SERVER = CATALOG.find((s) => s.id.startsWith("1d643045"));
const BMS_OWN_SERVER_FROM_VOLUME = CATALOG.find((s) => s.id.startsWith("0ee5c814"));

/** DELETE requests, ids and path prefixes left out. */
const deletesOf = (requests: string[]) =>
  requests
    .filter((r) => r.startsWith("DELETE"))
    .map((r) =>
      r
        .replace(/[0-9a-f-]{36}/g, "ID")
        .replace(/\/v[\d.]+\/\w+/, "")
        .trim(),
    );

async function interruptAfter(scenarioId: string, request: RegExp) {
  const scenario = CATALOG.find((s) => s.id === scenarioId);
  if (!scenario) throw new Error(scenarioId);
  const controller = new AbortController();
  const requests: string[] = [];
  const interpose: Interposer = (fetchFn) =>
    (async (url: string, init: RequestInit = {}) => {
      const line = `${init.method ?? "GET"} ${new URL(url).pathname} ${init.body ?? ""}`;
      requests.push(line);
      const response = await fetchFn(url, init);
      const body = (await response
        .clone()
        .json()
        .catch(() => undefined)) as { server?: { status?: string } } | undefined;
      if (body?.server?.status) requests.push(`  -> server ${body.server.status}`);
      if (request.test(line)) controller.abort(new Error("interrupted by SIGINT"));
      return response;
    }) as typeof fetch;
  const target = await createReplayTarget(contract, undefined, interpose);
  const open = target.openScenario.bind(target);
  const returned: Volume[] = [];
  // The rest of the recording goes unused: the interruption's doing, not a stale cassette.
  target.openScenario = async (s) => {
    const session = await open(s);
    const finish = session.finish.bind(session);
    return {
      ...session,
      returnVolume: (volume) => returned.push(volume),
      finish: (outcome) =>
        finish(outcome).catch((e) => {
          if (!(e instanceof CassetteError)) throw e;
        }),
    };
  };
  try {
    const outcome = await executeScenario(target, scenario, deviations, {
      signal: controller.signal,
    });
    return { outcome, requests, returned };
  } finally {
    await target.close();
  }
}

describe("an interrupted scenario", () => {
  it("stops after the call on the wire, then detaches the volume and gives it back", async () => {
    const { outcome, requests, returned } = await interruptAfter(
      EVS_HAPPY?.id ?? "",
      /"os-attach"/,
    );
    expect(outcome.verdict).toBe("error");
    expect(outcome.reason).toBe(
      "interrupted by SIGINT before the scenario finished; its cleanup ran",
    );
    expect(outcome.leftovers).toEqual([]);
    const after = requests.slice(requests.findIndex((r) => /"os-attach"/.test(r)) + 1);
    // No wait for in-use and no call under test: the cleanup at once, newest step first.
    expect(after[0]).toMatch(/^GET \/v3\/\w+\/volumes\/[0-9a-f-]{36} $/);
    expect(after[1]).toMatch(/^POST \/v3\/\w+\/volumes\/[0-9a-f-]{36}\/action \{"os-detach"/);
    expect(after.filter((r) => /"os-detach"/.test(r))).toHaveLength(1);
    // The volume is the run's: given back detached, not deleted.
    expect(after.filter((r) => r.startsWith("DELETE"))).toEqual([]);
    expect(returned).toEqual([expect.objectContaining({ status: "available", attachments: [] })]);
  });

  it("detaches the data volume, gives it back and removes the server, newest first", async () => {
    const { outcome, requests, returned } = await interruptAfter(
      BMS_OWN_SERVER?.id ?? "",
      /os-volume_attachments \{/,
    );
    expect(outcome.verdict).toBe("error");
    // The attachment, then the server: the reverse of their creation (the attach the interrupt
    // let finish is listed, so it is detached first). The data volume goes back in between.
    expect(deletesOf(requests)).toEqual([
      "DELETE /servers/ID/os-volume_attachments/ID",
      "DELETE /servers/ID",
    ]);
    expect(requests.filter((r) => /^POST \/v3\/\w+\/volumes \{/.test(r))).toEqual([]);
    const detached = requests.findIndex((r) => /^DELETE \S+\/os-volume_attachments\//.test(r));
    const serverGone = requests.findIndex((r) =>
      /^DELETE \/v2\.1\/\w+\/servers\/[0-9a-f-]{36} $/.test(r),
    );
    const readBack = requests
      .slice(detached, serverGone)
      .filter((r) => /^GET \/v3\/\w+\/volumes\/[0-9a-f-]{36} $/.test(r));
    expect(readBack.length).toBeGreaterThan(0);
    expect(returned).toEqual([expect.objectContaining({ status: "available", attachments: [] })]);
    expect(outcome.leftovers).toEqual([]);
  });

  it("lets a server it was building finish before deleting it (Nova would keep its boot volume reserved)", async () => {
    const { outcome, requests } = await interruptAfter(
      BMS_OWN_SERVER_FROM_VOLUME?.id ?? "",
      /^POST \/v2\.1\/\w+\/servers \{/,
    );
    expect(outcome.verdict).toBe("error");
    const deleteServer = requests.findIndex((r) =>
      /^DELETE \/v2\.1\/\w+\/servers\/[0-9a-f-]{36} $/.test(r),
    );
    expect(deleteServer).toBeGreaterThan(0);
    expect(requests.slice(0, deleteServer)).toContain("  -> server ACTIVE");
    // The server goes before the volume it booted from.
    expect(deletesOf(requests)).toEqual(["DELETE /servers/ID", "DELETE /volumes/ID"]);
    expect(outcome.leftovers).toEqual([]);
  });
});
