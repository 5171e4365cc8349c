import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Volume } from "../../src/clients/evs.ts";
import type { TargetDescription } from "../../src/config/description.ts";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import type { ScenarioContext } from "../../src/engine/context.ts";
import type { FinishedRun } from "../../src/engine/events.ts";
import { defineScenario, type Scenario } from "../../src/engine/scenario.ts";
import { asNew } from "../../src/resources/run-volumes.ts";
import { type Cassette, cassettePath } from "../../src/targets/cassette.ts";
import { answeredAsKeystone } from "../support/fake-keystone.ts";
import { fakeDescription, replayFrom, runOnFake } from "../support/fake-target.ts";
import { type HttpFake, sendJson, startHttpFake } from "../support/http-fake.ts";

// A run lends its plain volumes: a scenario borrows one, gives it back when its clean-up is
// done, and the next scenario gets it if it reads as new. The run deletes them all at its end.

const PASSWORD = "canary-member-PASSWORD-5e0a";
const TOKEN = "gAAAAABcanary-TOKEN-volumes-83c1";
const PROJECT = "fedcba9876543210fedcba9876543210";

/**
 * Detaches an unknown attachment from the volume `arrange` borrows: a refusal, so only what
 * `arrange` does to the volume can change it.
 */
const unknownAttachment = (
  id: string,
  title: string,
  arrange: (ctx: ScenarioContext) => Promise<{ volumeId: string }>,
) =>
  defineScenario({
    id,
    title,
    operation: "detachVolume",
    category: "not-found",
    documented: "test",
    expect: { status: 404, fault: "itemNotFound" },
    arrange,
    act: (ctx, s) =>
      ctx.member.evs.detachVolume(s.volumeId, {
        "os-detach": { attachment_id: ctx.uuid("attachment") },
      }),
  });

/** Borrows a volume and leaves it as it was. */
const borrowing = (id: string) =>
  unknownAttachment(
    id,
    `EVS detach of an unknown attachment from a borrowed volume (${id.slice(0, 4)})`,
    async (ctx) => ({ volumeId: (await ctx.fixtures.volume("data")).id }),
  );

const FIRST = borrowing("3a1f7c52-0b9e-4d2a-8e61-5c4d2b7a9f01");
const SECOND = borrowing("7e2b9d14-6c3a-4f85-b0d7-1a9e8c3f5b22");

/** Leaves its borrowed volume bootable: no later scenario may get it. */
const CHANGING = unknownAttachment(
  "b84c0e3d-2f1a-4c97-9a5e-6d3b7f0c1e44",
  "EVS detach of an unknown attachment from a volume it made bootable",
  async (ctx) => {
    const volume = await ctx.fixtures.volume("data");
    await ctx.member.evs.setupAction(volume.id, { "os-set_bootable": { bootable: true } });
    return { volumeId: volume.id };
  },
);

/** Its clean-up fails before the volume goes back: the volume may not be as it reads. */
const FAILING_CLEANUP = unknownAttachment(
  "e2d94b71-8a3c-4f06-b5e9-3c1d7a0f2b66",
  "EVS detach of an unknown attachment, with a clean-up step that fails",
  async (ctx) => {
    const volume = await ctx.fixtures.volume("data");
    ctx.fixtures.onCleanup("unlock something", () => Promise.reject(new Error("409")));
    return { volumeId: volume.id };
  },
);

/** Borrows twice under one label, which a recording could not tell apart. */
const TWICE = unknownAttachment(
  "5f8a2c39-1d7e-4b40-9c63-8e0b4d2a7f11",
  "EVS detach after borrowing two volumes under one label",
  async (ctx) => {
    await ctx.fixtures.volume("data");
    return { volumeId: (await ctx.fixtures.volume("data")).id };
  },
);

/** Keystone, and as much of Cinder as creating, showing, flagging and deleting volumes takes. */
function fakeCloud() {
  let origin = "";
  const seen: string[] = [];
  const volumes = new Map<string, Volume>();
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = new URL(req.url ?? "/", origin).pathname;
    const method = req.method ?? "";
    seen.push(`${method} ${path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{id}")}`);
    if (
      answeredAsKeystone(req, res, body, {
        origin,
        project: PROJECT,
        token: TOKEN,
        password: PASSWORD,
      })
    ) {
      return;
    }
    const [, , , collection, id, sub] = path.split("/");
    if (collection !== "volumes") return sendJson(res, 500, { computeFault: { code: 500 } });
    if (method === "POST" && !id) {
      const volume: Volume = {
        id: randomUUID(),
        name: JSON.parse(body).volume.name,
        status: "available",
        attachments: [],
        bootable: "false",
        metadata: {},
      };
      volumes.set(volume.id, volume);
      return sendJson(res, 202, { volume });
    }
    const volume = id ? volumes.get(id) : undefined;
    const notFound = { itemNotFound: { code: 404, message: `Volume ${id} could not be found.` } };
    if (!volume) return sendJson(res, 404, notFound);
    if (method === "GET") return sendJson(res, 200, { volume });
    if (method === "DELETE") {
      volumes.delete(volume.id);
      return sendJson(res, 202);
    }
    if (sub === "action" && body.includes("os-set_bootable")) {
      volume.bootable = "true";
      return sendJson(res, 200);
    }
    return sendJson(res, 404, {
      itemNotFound: { code: 404, message: "VolumeAttachment could not be found." },
    });
  };
  let http: HttpFake | undefined;
  return {
    seen,
    volumes,
    creates: () => seen.filter((line) => line === `POST /v2/${PROJECT}/volumes`).length,
    async start(): Promise<TargetDescription> {
      http = await startHttpFake(handle);
      origin = http.origin;
      return fakeDescription(origin, PASSWORD, { endpoints: { volume: origin, compute: origin } });
    },
    stop: async (): Promise<void> => http?.stop(),
  };
}

/** One scenario at a time, so that each finds the volume the one before gave back. */
const runOn = (
  contract: Contract,
  description: TargetDescription,
  scenarios: Scenario[],
  recordTo?: string,
) => runOnFake(contract, description, scenarios, { concurrency: 1, ...(recordTo && { recordTo }) });

describe("the run's volumes", () => {
  const dir = mkdtempSync(join(tmpdir(), "run-volumes-"));
  const cloud = fakeCloud();
  let contract: Contract;
  let run: FinishedRun;

  beforeAll(async () => {
    contract = await loadContract();
    run = await runOn(contract, await cloud.start(), [FIRST, SECOND], dir);
  });

  afterAll(async () => {
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lends the volume one scenario gave back as new to the next, and deletes it at the end", () => {
    expect(run.outcomes.map((o) => o.reason)).toEqual([undefined, undefined]);
    expect(cloud.creates()).toBe(1);
    const [first, second] = [FIRST, SECOND].map(
      (scenario) => JSON.parse(readFileSync(cassettePath(scenario, dir), "utf8")) as Cassette,
    );
    expect(first?.shared?.volumes?.data?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.shared?.volumes?.data?.id).toBe(first?.shared?.volumes?.data?.id);
    expect(first?.shared?.volumes?.data?.name).toMatch(/^conformance-\w+-shared-volume-1$/);
    expect(cloud.volumes.size).toBe(0);
    expect(run.leftovers).toEqual([]);
  });

  it("keeps the creation out of the cassettes: it is the run's", () => {
    for (const scenario of [FIRST, SECOND]) {
      const text = readFileSync(cassettePath(scenario, dir), "utf8");
      expect(text).not.toContain('"createVolume"');
      expect(text).not.toContain('"deleteVolume"');
    }
  });

  it("lends a volume given back changed to no one, and still deletes it", async () => {
    const other = fakeCloud();
    try {
      const changed = await runOn(contract, await other.start(), [CHANGING, FIRST]);
      expect(changed.outcomes.map((o) => o.reason)).toEqual([undefined, undefined]);
      expect(other.creates()).toBe(2);
      expect(other.volumes.size).toBe(0);
      expect(changed.leftovers).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it("lends no more a volume whose clean-up had a failing step, and refuses a label twice", async () => {
    const other = fakeCloud();
    try {
      const run = await runOn(contract, await other.start(), [FAILING_CLEANUP, FIRST, TWICE]);
      expect(run.outcomes[0]?.leftovers.map((l) => l.label)).toEqual(["unlock something"]);
      expect(run.outcomes[1]?.reason).toBeUndefined();
      expect(run.outcomes[2]?.verdict).toBe("error");
      expect(run.outcomes[2]?.reason).toContain("the scenario borrowed a volume data twice");
      // FIRST got a new volume; TWICE got the one FIRST gave back, then no second.
      expect(other.creates()).toBe(2);
      expect(other.volumes.size).toBe(0);
      expect(run.leftovers).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it("replays each scenario on the recorded volume, and asks for a recording without it", async () => {
    const replay = () => replayFrom(contract, dir, [FIRST, SECOND]);
    const replayed = await replay();
    expect(replayed.outcomes.map((o) => [o.verdict, o.reason])).toEqual(
      run.outcomes.map((o) => [o.verdict, undefined]),
    );

    const path = cassettePath(SECOND, dir);
    const cassette = JSON.parse(readFileSync(path, "utf8")) as Cassette;
    delete cassette.shared;
    writeFileSync(path, JSON.stringify(cassette));
    const stale = (await replay()).outcomes[1];
    expect(stale?.verdict).toBe("error");
    expect(stale?.reason).toContain(`${path} records no volume data lent by the run`);
    expect(stale?.reason).toContain("record it again");
  });
});

describe("a volume reads as new", () => {
  const fresh: Volume = {
    id: "9b3c2d1e-0f4a-4b5c-8d6e-7f8091a2b3c4",
    name: "conformance-1a2b3c-shared-volume-1",
    status: "available",
    size: 1,
    volume_type: "__DEFAULT__",
    availability_zone: "nova",
    attachments: [],
    bootable: "false",
    multiattach: false,
    metadata: {},
  };

  it("when it reads as created, or with at most Cinder's attach-mode residue", () => {
    expect(asNew(fresh, fresh)).toBe(true);
    expect(asNew({ ...fresh, metadata: { readonly: "False" } }, fresh)).toBe(true);
  });

  it.each<[string, Partial<Volume>]>([
    ["in use", { status: "in-use" }],
    ["in error", { status: "error" }],
    [
      "still attached",
      { attachments: [{ server_id: fresh.id, attachment_id: fresh.id, volume_id: fresh.id }] },
    ],
    ["bootable", { bootable: "true" }],
    ["multiattach", { multiattach: true }],
    ["extended", { size: 2 }],
    ["retyped", { volume_type: "fast" }],
    ["renamed", { name: "something else" }],
    ["read-only", { metadata: { readonly: "True" } }],
    ["with metadata of its own", { metadata: { owner: "someone" } }],
  ])("not when %s", (_, change) => {
    expect(asNew({ ...fresh, ...change }, fresh)).toBe(false);
  });
});
