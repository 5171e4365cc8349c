import { describe, expect, it } from "vitest";
import { FINAL_STATE_CHECK } from "../../src/checks/registry.ts";
import type { Volume } from "../../src/clients/evs.ts";
import { SupportCallError } from "../../src/clients/support-call.ts";
import type { ScenarioContext } from "../../src/engine/context.ts";
import { TIME_TO_AGREE } from "../../src/engine/outcome.ts";
import { virtualClock } from "../../src/transport/clock.ts";
import { fakeStateClients, type StateScript } from "../support/fake-state-clients.ts";
import { leftServer, stayedOnServer, viewsAgree, volumeEnds } from "./final-state.ts";

/** A scenario context whose state reads follow `script`; `measured` collects its figures. */
function context(script: StateScript) {
  const clients = fakeStateClients(script);
  const measured: Record<string, number> = {};
  const ctx = {
    member: clients,
    waiting: { clock: virtualClock(), budget: { intervalMs: 250, budgetMs: 1_000 } },
    sinceCall: () => 1234,
    measure: (label: string, ms: number) => {
      measured[label] = ms;
      return ms;
    },
  } as unknown as ScenarioContext;
  return { ctx, measured, exchange: clients.exchange };
}

const attachment = (server_id: string, attachment_id?: string) =>
  ({ server_id, ...(attachment_id && { attachment_id }) }) as NonNullable<
    Volume["attachments"]
  >[number];

describe("volumeEnds", () => {
  it("passes when the volume reaches the status with the same attachments", async () => {
    const { ctx } = context({
      volumes: [
        { status: "detaching", attachments: [] },
        { status: "in-use", attachments: [attachment("s1", "a1")] },
      ],
    });
    expect(await volumeEnds(ctx, "v1", "in-use", [{ serverId: "s1", attachmentId: "a1" }])).toEqual(
      [
        { check: FINAL_STATE_CHECK, ok: true, message: "volume v1 in-use reached" },
        {
          check: FINAL_STATE_CHECK,
          ok: true,
          message: "volume v1 lists 1 attachment(s), as before",
        },
      ],
    );
  });

  it("expects no attachment unless told otherwise", async () => {
    const { ctx } = context({ volumes: [{ status: "available" }] });
    const findings = await volumeEnds(ctx, "v1", "available");
    expect(findings.map((f) => f.ok)).toEqual([true, true]);
    expect(findings[1]?.message).toBe("volume v1 lists 0 attachment(s), as before");
  });

  it("fails with what was last seen when the status is not reached", async () => {
    const { ctx } = context({ volumes: [{ status: "detaching" }] });
    expect(await volumeEnds(ctx, "v1", "available")).toEqual([
      {
        check: FINAL_STATE_CHECK,
        ok: false,
        message: "volume v1 did not reach status available within 1 s; last seen: status detaching",
        expected: "volume v1 available",
        actual: "status detaching",
      },
    ]);
  });

  it("fails with what was seen when the volume reaches a failed status", async () => {
    const { ctx } = context({ volumes: [{ status: "error_detaching" }] });
    expect(await volumeEnds(ctx, "v1", "available")).toEqual([
      {
        check: FINAL_STATE_CHECK,
        ok: false,
        message: "volume v1 reached status error_detaching while waiting for status available",
        expected: "volume v1 available",
        actual: "status error_detaching",
      },
    ]);
  });

  it("fails when the volume lists more or fewer attachments than remain", async () => {
    const { ctx } = context({
      volumes: [{ status: "in-use", attachments: [attachment("s1"), attachment("s2")] }],
    });
    const [reached, count] = await volumeEnds(ctx, "v1", "in-use", [{ serverId: "s1" }]);
    expect(reached?.ok).toBe(true);
    expect(count).toEqual({
      check: FINAL_STATE_CHECK,
      ok: false,
      message: "volume v1 lists 2 attachment(s) after the call",
      expected: "1",
      actual: "2",
    });
  });

  it("fails when the one attachment left is to another server", async () => {
    const { ctx } = context({
      volumes: [{ status: "in-use", attachments: [attachment("s2", "a2")] }],
    });
    const [, other] = await volumeEnds(ctx, "v1", "in-use", [{ serverId: "s1" }]);
    expect(other).toEqual({
      check: FINAL_STATE_CHECK,
      ok: false,
      message: "volume v1 lists other attachments after the call than it had",
      expected: "server s1",
      actual: "server s2 attachment a2",
    });
  });

  it("compares attachment ids when it knows them", async () => {
    const { ctx } = context({
      volumes: [{ status: "in-use", attachments: [attachment("s1", "a9"), attachment("s2")] }],
    });
    const [, other] = await volumeEnds(ctx, "v1", "in-use", [
      { serverId: "s1", attachmentId: "a1" },
      { serverId: "s2" },
    ]);
    expect(other).toMatchObject({
      ok: false,
      expected: "server s1 attachment a1",
      actual: "server s1 attachment a9; server s2",
    });
  });

  it("lists every attachment that went missing", async () => {
    const { ctx } = context({
      volumes: [{ status: "in-use", attachments: [attachment("s3"), attachment("s4")] }],
    });
    const [, other] = await volumeEnds(ctx, "v1", "in-use", [
      { serverId: "s1" },
      { serverId: "s2" },
    ]);
    expect(other).toMatchObject({
      expected: "server s1; server s2",
      actual: "server s3; server s4",
    });
  });

  it("names an attachment without a server", async () => {
    const { ctx } = context({
      volumes: [{ status: "in-use", attachments: [{ server_id: null } as never] }],
    });
    const [, other] = await volumeEnds(ctx, "v1", "in-use", [{ serverId: "s1" }]);
    expect(other?.actual).toBe("server (none)");
  });
});

describe("a state read the service refused", () => {
  const refused = (status: number, body: string, headers: Record<string, string> = {}) => {
    const { exchange } = context({});
    const answer = exchange(status);
    answer.response.bodyText = body;
    answer.response.headers = headers;
    return new SupportCallError(answer, [200]);
  };
  const fault = JSON.stringify({
    itemNotFound: { message: "Volume v1 could not be found.", code: 404 },
  });

  it.each([
    [404, fault],
    [500, JSON.stringify({ computeFault: { message: "boom", code: 500 } })],
    [502, JSON.stringify({ badGateway: { message: "down", code: 502 } })],
  ])("fails on %i from the service, quoting the answer", async (status, body) => {
    const error = refused(status, body);
    const { ctx } = context({ volumes: [{ status: "available" }], volumeError: error });
    expect(await volumeEnds(ctx, "v1", "available")).toEqual([
      {
        check: FINAL_STATE_CHECK,
        ok: false,
        message: `the state read after the call was refused: ${error.message}`,
        expected: "volume v1 available",
        actual: `${status} ${body.slice(0, 120)}`,
      },
    ]);
  });

  it("quotes at most 120 characters of the body", async () => {
    const body = JSON.stringify({ itemNotFound: { message: "x".repeat(300), code: 404 } });
    const { ctx } = context({
      volumes: [{ status: "available" }],
      volumeError: refused(404, body),
    });
    const [finding] = await volumeEnds(ctx, "v1", "available");
    expect(finding?.actual).toBe(`404 ${body.slice(0, 120)}`);
  });

  it.each([
    ["a gateway's 502", 502, "<html>Bad Gateway</html>"],
    ["a gateway's 504", 504, "upstream timed out"],
    ["rate limiting", 429, fault],
    [
      'the service\'s own 503, a "not now"',
      503,
      JSON.stringify({ serviceUnavailable: { message: "down", code: 503 } }),
    ],
  ])("leaves %s an error: it says nothing about the service", async (_, status, body) => {
    const error = refused(status as number, body as string);
    const { ctx } = context({ volumes: [{ status: "available" }], volumeError: error });
    await expect(volumeEnds(ctx, "v1", "available")).rejects.toBe(error);
  });

  it("leaves a fault that is not a refused read an error", async () => {
    const error = new Error("socket hang up");
    const { ctx } = context({ volumes: [{ status: "available" }], volumeError: error });
    await expect(volumeEnds(ctx, "v1", "available")).rejects.toBe(error);
  });
});

describe("viewsAgree", () => {
  it("passes once both APIs agree, and reports the time since the call", async () => {
    const { ctx, measured } = context({
      attachments: [["v1"], []],
      volumes: [
        { status: "detaching", attachments: [attachment("s1")] },
        { status: "available", attachments: [] },
      ],
    });
    expect(await viewsAgree(ctx, "s1", "v1", "detached")).toEqual({
      check: FINAL_STATE_CHECK,
      ok: true,
      message: "Nova, Cinder and the volume status agree volume v1 is detached on server s1",
    });
    // Under this name in results.json and in the cassettes, whose recorded figure replay gives.
    expect(TIME_TO_AGREE).toBe("time-to-agree");
    expect(measured).toEqual({ "time-to-agree": 1234 });
  });

  it("fails without a figure when they do not agree in time", async () => {
    const { ctx, measured } = context({
      attachments: [["v1"]],
      volumes: [{ status: "available", attachments: [] }],
    });
    const finding = await viewsAgree(ctx, "s1", "v1", "detached");
    expect(finding).toMatchObject({
      ok: false,
      expected: "Nova, Cinder and the volume status agree volume v1 is detached on server s1",
      actual: "Nova lists it, Cinder does not list it, volume available",
    });
    expect(measured).toEqual({});
  });
});

describe("leftServer and stayedOnServer", () => {
  const s = { serverId: "s1", volumeId: "v1" };

  it("leftServer wants the views to agree the volume is detached", async () => {
    const { ctx } = context({
      attachments: [[]],
      volumes: [{ status: "available", attachments: [] }],
    });
    expect((await leftServer(ctx, s)).map((f) => [f.ok, f.message])).toEqual([
      [true, "Nova, Cinder and the volume status agree volume v1 is detached on server s1"],
    ]);
  });

  it("stayedOnServer wants the volume in-use on that server only, and the views to agree", async () => {
    const { ctx } = context({
      attachments: [["v1"]],
      volumes: [{ status: "in-use", attachments: [attachment("s1")] }],
    });
    expect((await stayedOnServer(ctx, s)).map((f) => [f.ok, f.message])).toEqual([
      [true, "volume v1 in-use reached"],
      [true, "volume v1 lists 1 attachment(s), as before"],
      [true, "Nova, Cinder and the volume status agree volume v1 is attached on server s1"],
    ]);
    const moved = context({
      attachments: [[]],
      volumes: [{ status: "in-use", attachments: [attachment("s2")] }],
    });
    expect((await stayedOnServer(moved.ctx, s)).map((f) => f.ok)).toEqual([true, false, false]);
  });
});
