import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TargetDescription } from "../../src/config/description.ts";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import type { FinishedRun } from "../../src/engine/events.ts";
import { runScenarios } from "../../src/engine/run.ts";
import { defineScenario, type Scenario } from "../../src/engine/scenario.ts";
import { renderMarkdown } from "../../src/reports/markdown.ts";
import { runInfo } from "../../src/reports/write-reports.ts";
import { type Cassette, cassettePath } from "../../src/targets/cassette.ts";
import { createLiveTarget } from "../../src/targets/live.ts";
import { answeredAsKeystone } from "../support/fake-keystone.ts";
import { fakeDescription, NO_DEVIATIONS, replayFrom, runOnFake } from "../support/fake-target.ts";
import { type HttpFake, sendJson, startHttpFake } from "../support/http-fake.ts";

// Scenarios that leave a server's state alone share one server per run: booted once on first
// use, removed when the run ends, and named in each cassette so that a replay uses it too.

const PASSWORD = "canary-member-PASSWORD-71c2";
const TOKEN = "gAAAAABcanary-TOKEN-shared-0d9e";
const ROOT_PASSWORD = "canary-adminPass-4f7b21";
const PROJECT = "0123456789abcdef0123456789abcdef";

/** Detaches an unknown volume from the shared server: it needs a server, and changes nothing. */
const onShared = (id: string) =>
  defineScenario({
    id,
    title: `BMS detach of an unknown volume from the shared server (${id.slice(0, 4)})`,
    operation: "detachServerVolume",
    category: "not-found",
    requires: ["server"],
    documented: "test",
    expect: { status: 404, fault: "itemNotFound" },
    arrange: async (ctx) => ({ serverId: (await ctx.fixtures.server()).id }),
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, ctx.uuid("volume")),
  });

const FIRST = onShared("5b0e1a44-8c1d-4f55-9a37-0c6e2f1b7d10");
const SECOND = onShared("9d3c6f27-1e4b-4a08-b5d2-7f8a1c0e6b33");

/** Boots a server of its own without declaring `own-server`. */
const UNDECLARED = defineScenario({
  id: "c1f7e2a9-5d3b-4e86-8a14-2b9c7d0f4e55",
  title: "BMS detach from a server it boots without declaring own-server",
  operation: "detachServerVolume",
  category: "not-found",
  requires: ["server"],
  documented: "test",
  expect: { status: 404, fault: "itemNotFound" },
  arrange: async (ctx) => ({ serverId: (await ctx.fixtures.ownServer()).id }),
  act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, ctx.uuid("volume")),
});

/** Keystone, and as much of Cinder and Nova as booting a server from a volume takes. */
function fakeCloud() {
  let origin = "";
  const seen: string[] = [];
  const volumes = new Map<string, string>();
  const servers = new Set<string>();
  let failServerDelete = false;
  let failBoot = false;
  const notFound = (res: ServerResponse, what: string) =>
    sendJson(res, 404, { itemNotFound: { code: 404, message: `${what} could not be found.` } });
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = new URL(req.url ?? "/", origin).pathname;
    const method = req.method ?? "";
    const route = path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{id}").replace(PROJECT, "{p}");
    seen.push(`${method} ${route}`);
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
    if (collection === "volumes") {
      if (method === "POST" && !id) {
        const volume = { id: randomUUID(), status: "available", attachments: [], size: 1 };
        volumes.set(volume.id, volume.status);
        return sendJson(res, 202, { volume: { ...volume, name: JSON.parse(body).volume.name } });
      }
      if (!id || !volumes.has(id)) return notFound(res, `Volume ${id}`);
      if (method === "GET") {
        const status = volumes.get(id);
        return sendJson(res, 200, { volume: { id, status, attachments: [], size: 1 } });
      }
      if (method === "DELETE") {
        volumes.delete(id);
        return sendJson(res, 202);
      }
      if (sub === "action") return sendJson(res, 200);
    }
    if (collection === "servers") {
      if (method === "POST" && !id) {
        const server = { id: randomUUID(), adminPass: ROOT_PASSWORD, links: [] };
        servers.add(server.id);
        return sendJson(res, 202, { server });
      }
      if (!id || !servers.has(id)) return notFound(res, `Instance ${id}`);
      if (method === "GET" && !sub) {
        return sendJson(res, 200, { server: { id, status: failBoot ? "ERROR" : "ACTIVE" } });
      }
      if (method === "DELETE" && !sub) {
        if (failServerDelete) {
          return sendJson(res, 409, { conflictingRequest: { code: 409, message: "busy" } });
        }
        servers.delete(id);
        return sendJson(res, 204);
      }
      if (method === "DELETE" && sub === "os-volume_attachments") {
        return notFound(res, "Volume attachment");
      }
    }
    return sendJson(res, 500, { computeFault: { code: 500, message: `no route ${route}` } });
  };
  let http: HttpFake | undefined;
  return {
    seen,
    servers,
    failServerDeletes() {
      failServerDelete = true;
    },
    failBoots() {
      failBoot = true;
    },
    async start(): Promise<TargetDescription> {
      http = await startHttpFake(handle);
      origin = http.origin;
      return fakeDescription(origin, PASSWORD, {
        endpoints: { volume: origin, compute: origin },
        resources: { flavorId: "1" },
      });
    },
    stop: async (): Promise<void> => http?.stop(),
  };
}

const runOn = (
  contract: Contract,
  description: TargetDescription,
  scenarios: Scenario[],
  recordTo?: string,
) => runOnFake(contract, description, scenarios, recordTo ? { recordTo } : {});

describe("the run's shared server", () => {
  const dir = mkdtempSync(join(tmpdir(), "shared-server-"));
  const cloud = fakeCloud();
  let contract: Contract;
  let run: FinishedRun;

  beforeAll(async () => {
    contract = await loadContract();
    run = await runOn(contract, await cloud.start(), [FIRST, SECOND, UNDECLARED], dir);
  });

  afterAll(async () => {
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("boots one server for every scenario that needs one, and removes it after the last", () => {
    const [first, second] = run.outcomes;
    expect(first?.reason).toBeUndefined();
    expect(second?.reason).toBeUndefined();
    expect(cloud.seen.filter((line) => line === "POST /v2.1/{p}/servers")).toHaveLength(1);
    const deletes = cloud.seen.flatMap((line, i) =>
      line === "DELETE /v2.1/{p}/servers/{id}" ? [i] : [],
    );
    expect(deletes).toHaveLength(1);
    const lastCall = cloud.seen.lastIndexOf(
      "DELETE /v2.1/{p}/servers/{id}/os-volume_attachments/{id}",
    );
    expect(deletes[0]).toBeGreaterThan(lastCall);
    expect(cloud.servers.size).toBe(0);
    expect(run.leftovers).toEqual([]);
  });

  it("refuses to boot a server for a scenario that does not declare own-server", () => {
    const undeclared = run.outcomes[2];
    expect(undeclared?.verdict).toBe("error");
    expect(undeclared?.reason).toBe(
      'only a scenario that requires own-server may boot a server of its own: add "own-server" to its requires, or use fixtures.server()',
    );
  });

  it("names the shared server in each cassette, without its root password", () => {
    const cassettes = [FIRST, SECOND].map((scenario) =>
      readFileSync(cassettePath(scenario, dir), "utf8"),
    );
    const [first, second] = cassettes.map((text) => JSON.parse(text) as Cassette);
    expect(first?.shared?.server?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.shared).toEqual(first?.shared);
    // The boot is the run's, not a scenario's: no cassette holds its exchanges.
    for (const text of cassettes) {
      expect(text).not.toContain(ROOT_PASSWORD);
      expect(text).not.toContain('"/servers"');
    }
  });

  it("replays each scenario on the recorded server, and asks for a recording without it", async () => {
    const replay = () => replayFrom(contract, dir, [FIRST, SECOND]);
    const replayed = await replay();
    expect(replayed.outcomes.map((o) => o.verdict)).toEqual(
      run.outcomes.slice(0, 2).map((o) => o.verdict),
    );
    expect(replayed.outcomes.every((o) => o.reason === undefined)).toBe(true);

    const path = cassettePath(SECOND, dir);
    const cassette = JSON.parse(readFileSync(path, "utf8")) as Cassette;
    delete cassette.shared;
    writeFileSync(path, JSON.stringify(cassette));
    const stale = (await replay()).outcomes[1];
    expect(stale?.verdict).toBe("error");
    expect(stale?.reason).toContain(`${path} records no shared server`);
    expect(stale?.reason).toContain("record it again");
  });

  it("reports a shared server it could not remove as left behind by the run", async () => {
    const failing = fakeCloud();
    failing.failServerDeletes();
    try {
      const failed = await runOn(contract, await failing.start(), [FIRST]);
      expect(failed.outcomes[0]?.leftovers).toEqual([]);
      expect(failed.leftovers).toHaveLength(1);
      expect(failed.leftovers[0]?.label).toMatch(/^delete server [0-9a-f-]{36}$/);
      expect(failed.leftovers[0]?.error).toContain("409");
    } finally {
      await failing.stop();
    }
  });
  it("ends every scenario that needs it in error, naming the shared server, when its boot fails", async () => {
    const failing = fakeCloud();
    failing.failBoots();
    try {
      const failed = await runOn(contract, await failing.start(), [FIRST, SECOND]);
      expect(failing.seen.filter((line) => line === "POST /v2.1/{p}/servers")).toHaveLength(1);
      for (const outcome of failed.outcomes) {
        expect(outcome.verdict).toBe("error");
        expect(outcome.reason).toMatch(
          /^the run's shared server \(conformance-\w+-shared-server\) did not boot: server [0-9a-f-]{36} reached status ERROR while waiting for status ACTIVE; .*resources\.serverId$/,
        );
      }
      // Booted or not, it is deleted when the run ends.
      expect(failing.servers.size).toBe(0);
      expect(failed.leftovers).toEqual([]);
    } finally {
      await failing.stop();
    }
  });

  it("is not booted again once the run has released it", async () => {
    const again = fakeCloud();
    const target = await createLiveTarget({
      description: await again.start(),
      contract,
      budget: { intervalMs: 5, budgetMs: 2_000 },
    });
    try {
      await runScenarios({ target, scenarios: [FIRST], deviations: NO_DEVIATIONS });
      const late = await target.openScenario(SECOND);
      await expect(late.sharedServer()).rejects.toThrow(
        "the run has ended: its shared server is gone",
      );
      expect(again.seen.filter((line) => line === "POST /v2.1/{p}/servers")).toHaveLength(1);
    } finally {
      await target.close();
      await again.stop();
    }
  });

  it("lists what the run left in summary.md", async () => {
    const failing = fakeCloud();
    failing.failServerDeletes();
    try {
      const failed = await runOn(contract, await failing.start(), [FIRST]);
      const summary = renderMarkdown(failed.outcomes, runInfo(failed), []);
      expect(summary).toMatch(/### Left behind by the run\n\n- delete server [0-9a-f-]{36}: .*409/);
    } finally {
      await failing.stop();
    }
  });
});
