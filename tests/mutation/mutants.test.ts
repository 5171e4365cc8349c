import { beforeAll, describe, expect, it } from "vitest";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import { defineScenario } from "../../src/engine/scenario.ts";
import { type Classifier, classifier } from "../../src/mutation/classify.ts";
import {
  newMemory,
  respond,
  type WireRequest,
  type WireResponse,
} from "../../src/mutation/core.ts";
import { MUTANTS } from "../../src/mutation/mutants.ts";
import { type Phase, tracked, trackerOf } from "../../src/mutation/phases.ts";

let contract: Contract;
let classify: Classifier;
beforeAll(async () => {
  contract = await loadContract();
  classify = classifier(contract);
});

const P = "/v3/580fb4ab4d0a434886612bbfc827de00";
const C = "/v2.1/580fb4ab4d0a434886612bbfc827de00";
const VOLUME = "fd115a2e-69cd-4351-953b-c86f992c2bba";
const SERVER = "70a5a3ac-2ef8-4e98-ba54-235104c761b4";
const JSON_TYPE = { "content-type": "application/json", "x-openstack-request-id": `req-${VOLUME}` };
const attachment = { attachment_id: SERVER, server_id: SERVER, volume_id: VOLUME };
const OTHER = "0d7f4f5c-3a55-4c55-8f3e-2b8f6d7a1e90";
const secondAttachment = { attachment_id: OTHER, server_id: OTHER, volume_id: VOLUME };

const envelope = (status: number, fault: string): WireResponse => ({
  status,
  headers: JSON_TYPE,
  body: JSON.stringify({ [fault]: { message: "no", code: status } }),
});
const volume = (status: string, attachments: unknown[]): WireResponse => ({
  status: 200,
  headers: JSON_TYPE,
  body: JSON.stringify({ volume: { id: VOLUME, status, attachments } }),
});

/** Real answers of each operation a mutant may touch, as the loopback target gives them. */
const SAMPLES: {
  request: Omit<WireRequest, "phase" | "operationId">;
  responses: WireResponse[];
}[] = [
  {
    request: { method: "POST", path: `${P}/volumes/${VOLUME}/action`, body: '{"os-detach":{}}' },
    responses: [
      {
        status: 202,
        headers: { ...JSON_TYPE, "openstack-api-version": "volume 3.0" },
        body: "",
      },
      envelope(404, "itemNotFound"),
      envelope(409, "conflictingRequest"),
      envelope(400, "badRequest"),
      envelope(415, "badMediaType"),
      envelope(403, "forbidden"),
    ],
  },
  {
    request: {
      method: "DELETE",
      path: `${C}/servers/${SERVER}/os-volume_attachments/${VOLUME}`,
      body: "",
    },
    responses: [
      {
        status: 202,
        headers: { ...JSON_TYPE, "openstack-api-version": "compute 2.1" },
        body: "",
      },
      envelope(404, "itemNotFound"),
      envelope(409, "conflictingRequest"),
      envelope(403, "forbidden"),
    ],
  },
  {
    request: { method: "GET", path: `${P}/volumes/${VOLUME}`, body: "" },
    responses: [volume("available", []), volume("in-use", [attachment])],
  },
  {
    request: { method: "GET", path: `${C}/servers/${SERVER}/os-volume_attachments`, body: "" },
    responses: [
      { status: 200, headers: JSON_TYPE, body: '{"volumeAttachments": []}' },
      { status: 200, headers: JSON_TYPE, body: JSON.stringify(serverAttachments(VOLUME, OTHER)) },
    ],
  },
  {
    request: { method: "POST", path: `${P}/volumes/${VOLUME}/action`, body: '{"os-reserve":null}' },
    responses: [{ status: 202, headers: JSON_TYPE, body: "" }],
  },
  {
    request: { method: "POST", path: `${C}/servers/${SERVER}/os-volume_attachments`, body: "{}" },
    responses: [
      {
        status: 200,
        headers: JSON_TYPE,
        body: JSON.stringify({ volumeAttachment: { volumeId: VOLUME } }),
      },
    ],
  },
];

function serverAttachments(...volumeIds: string[]) {
  return { volumeAttachments: volumeIds.map((volumeId) => ({ volumeId, serverId: SERVER })) };
}

/** A memory as after a call under test of `operation` answered `status`, with the set-up seen. */
function memoryAfter(operation: string, status = 202) {
  const memory = newMemory(operation);
  memory.callStatus = status;
  memory.before.set(`GET ${P}/volumes/${VOLUME}`, volume("in-use", [attachment, secondAttachment]));
  memory.before.set(`POST ${C}/servers/${SERVER}/os-volume_attachments`, {
    status: 200,
    headers: JSON_TYPE,
    body: JSON.stringify({ volumeAttachment: { id: VOLUME, volumeId: VOLUME, serverId: SERVER } }),
  });
  return memory;
}

describe("the mutant catalog", () => {
  it("has at least 30 mutants with unique ids and one-line descriptions", () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
    for (const m of MUTANTS) {
      expect(m.id, m.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(m.description, m.id).not.toContain("\n");
      expect(m.phases.length, m.id).toBeGreaterThan(0);
      // The clean-up always sees the real server.
      expect(m.phases, m.id).not.toContain("cleanup");
    }
  });

  it("names only operations of the contract, and covers both operations and support calls", () => {
    const known = new Set(contract.operations.map((o) => o.operationId));
    const touched = new Set(MUTANTS.flatMap((m) => m.operations));
    for (const operation of touched) expect(known, operation).toContain(operation);
    const count = (op: string) => MUTANTS.filter((m) => m.operations.includes(op)).length;
    expect(count("detachVolume")).toBeGreaterThanOrEqual(10);
    expect(count("detachServerVolume")).toBeGreaterThanOrEqual(10);
    expect([...touched].filter((op) => !op.startsWith("detach")).length).toBeGreaterThanOrEqual(4);
  });

  it("has every mutant change some real answer of its operations", () => {
    for (const m of MUTANTS) {
      let changed = 0;
      for (const sample of SAMPLES) {
        const operationId = classify(
          sample.request.method,
          sample.request.path,
          sample.request.body,
        );
        if (!operationId || !m.operations.includes(operationId)) continue;
        for (const phase of m.phases) {
          for (const real of sample.responses) {
            // After either operation under test, accepted or refused: some mutants act only
            // after one of them.
            for (const underTest of ["detachVolume", "detachServerVolume"]) {
              for (const status of [202, 403, 404, 409]) {
                const request = { ...sample.request, operationId, phase };
                const answer = respond(m, request, real, memoryAfter(underTest, status));
                if (JSON.stringify(answer) !== JSON.stringify(real)) changed++;
              }
            }
          }
        }
      }
      expect(changed, `${m.id} changes none of the sample answers`).toBeGreaterThan(0);
    }
  });
});

describe("a refused detach that detaches all the same", () => {
  const m = MUTANTS.find((x) => x.id === "forbidden-detached-anyway");
  const show: WireRequest = {
    method: "GET",
    path: `${P}/volumes/${VOLUME}`,
    body: "",
    operationId: "showVolume",
    phase: "settle",
  };
  const list: WireRequest = {
    method: "GET",
    path: `${C}/servers/${SERVER}/os-volume_attachments`,
    body: "",
    operationId: "listServerVolumeAttachments",
    phase: "settle",
  };
  const listed = {
    status: 200,
    headers: JSON_TYPE,
    body: JSON.stringify(serverAttachments(VOLUME, OTHER)),
  };

  it("shows the volume available and drops it from the server's list, after a 403 only", () => {
    const refused = (status: number) => memoryAfter("detachServerVolume", status);
    const shown = respond(m, show, volume("in-use", [attachment]), refused(403));
    expect(JSON.parse(shown.body).volume).toMatchObject({ status: "available", attachments: [] });
    expect(JSON.parse(respond(m, list, listed, refused(403)).body)).toEqual(
      serverAttachments(OTHER),
    );
    expect(respond(m, list, listed, refused(404))).toEqual(listed);
  });
});

describe("respond", () => {
  const request: WireRequest = {
    method: "POST",
    path: `${P}/volumes/${VOLUME}/action`,
    body: "{}",
    operationId: "detachVolume",
    phase: "act",
  };
  const m = MUTANTS.find((x) => x.id === "evs-202-as-200");

  it("changes an answer only in the mutant's phases and operations", () => {
    const real = { status: 202, headers: {}, body: "" };
    expect(respond(m, request, real, newMemory("detachVolume")).status).toBe(200);
    expect(respond(m, { ...request, phase: "cleanup" }, real, newMemory("x")).status).toBe(202);
    const other = { ...request, operationId: "volumeSetupAction" };
    expect(respond(m, other, real, newMemory("x")).status).toBe(202);
    expect(respond(undefined, request, real, newMemory("x"))).toBe(real);
  });

  it("remembers the answers before the call and the call's real status", () => {
    const memory = newMemory("detachVolume");
    const show = {
      ...request,
      method: "GET",
      path: `${P}/volumes/${VOLUME}`,
      phase: "arrange" as Phase,
    };
    respond(m, show, volume("in-use", []), memory);
    respond(m, request, { status: 202, headers: {}, body: "" }, memory);
    expect(memory.before.get(`GET ${P}/volumes/${VOLUME}`)?.status).toBe(200);
    expect(memory.callStatus).toBe(202);
  });
});

describe("classifier", () => {
  it.each([
    [
      "POST",
      `${P}/volumes/${VOLUME}/action`,
      '{"os-detach":{"attachment_id":"a"}}',
      "detachVolume",
    ],
    ["POST", `${P}/volumes/${VOLUME}/action`, "os-detach=please", "detachVolume"],
    ["POST", `${P}/volumes/${VOLUME}/action`, '{"os-detach":null}', "detachVolume"],
    ["POST", `${P}/volumes/${VOLUME}/action`, '{"os-attach":{}}', "volumeSetupAction"],
    ["GET", `${P}/volumes/${VOLUME}`, "", "showVolume"],
    ["DELETE", `${P}/volumes/${VOLUME}`, "", "deleteVolume"],
    ["POST", `${P}/volumes`, "{}", "createVolume"],
    ["GET", `${P}/volumes?name=x`, "", "listVolumes"],
    ["DELETE", `${C}/servers/${SERVER}/os-volume_attachments/${VOLUME}`, "", "detachServerVolume"],
    ["GET", `${C}/servers/${SERVER}/os-volume_attachments`, "", "listServerVolumeAttachments"],
    ["POST", `${C}/servers/${SERVER}/os-volume_attachments`, "{}", "attachServerVolume"],
    ["GET", `${C}/servers/${SERVER}`, "", "showServer"],
    ["POST", `${C}/servers/${SERVER}/action`, '{"lock":null}', "serverAction"],
    ["GET", "/v3/auth/tokens", "", undefined],
  ])("%s %s %s is %s", (method, path, body, operation) => {
    expect(classify(method, path, body)).toBe(operation);
  });
});

describe("tracked scenarios", () => {
  const scenario = (fail?: "arrange" | "act") =>
    defineScenario({
      id: "00000000-0000-4000-8000-00000000aaaa",
      title: "t",
      operation: "detachVolume",
      category: "happy-path",
      documented: "d",
      expect: { status: 202 },
      arrange: async () => {
        if (fail === "arrange") throw new Error("arrange");
        return {};
      },
      act: async () => {
        if (fail === "act") throw new Error("act");
        return {
          request: { method: "POST", url: "u", headers: {} },
          response: { status: 202, headers: {}, bodyText: "" },
        };
      },
      settle: async () => [],
    });

  it("reports arrange, act, settle and cleanup in order, keeping the scenario's id", async () => {
    const { scenario: wrapped, tracker } = tracked(scenario());
    const seen: string[] = [];
    tracker.onChange(async (left, entered) => {
      seen.push(`${left}→${entered}`);
    });
    expect(wrapped.id).toBe(scenario().id);
    expect(trackerOf(wrapped)).toBe(tracker);
    const ctx = {} as never;
    const state = await wrapped.arrange(ctx);
    await wrapped.act(ctx, state);
    await wrapped.settle?.(ctx, state);
    expect(seen).toEqual(["arrange→act", "act→settle", "settle→cleanup"]);
  });

  it("goes to cleanup when a step throws", async () => {
    for (const step of ["arrange", "act"] as const) {
      const { scenario: wrapped, tracker } = tracked(scenario(step));
      const ctx = {} as never;
      await expect((async () => wrapped.act(ctx, await wrapped.arrange(ctx)))()).rejects.toThrow(
        step,
      );
      expect(tracker.phase).toBe("cleanup");
    }
  });
});
