import { describe, expect, it } from "vitest";
import type { Volume } from "../../src/clients/evs.ts";
import { SupportCallError } from "../../src/clients/support-call.ts";
import {
  type Waiting,
  waitAttachmentGone,
  waitServerGone,
  waitServerStatus,
  waitViewsAgree,
  waitVolumeGone,
  waitVolumeStatus,
} from "../../src/resources/states.ts";
import { WaitFailedError, WaitTimeoutError } from "../../src/resources/waiters.ts";
import { virtualClock } from "../../src/transport/clock.ts";
import { fakeStateClients } from "../support/fake-state-clients.ts";

const waiting = (budgetMs = 1_000): Waiting => ({
  clock: virtualClock(),
  budget: { intervalMs: 250, budgetMs },
});

/** The waiter's error, or a failure of the test when it resolved. */
async function failure(wait: Promise<unknown>): Promise<Error> {
  const error = await wait.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error("the wait resolved");
  return error;
}

describe("waitVolumeStatus", () => {
  it("returns the volume once its status is one of those wanted", async () => {
    const { evs, calls } = fakeStateClients({
      volumes: [{ status: "detaching" }, { status: "in-use" }, { status: "available" }],
    });
    const volume = await waitVolumeStatus(evs, "v1", ["available", "in-use"], waiting());
    expect(volume.status).toBe("in-use");
    expect(calls).toEqual(["showVolume v1", "showVolume v1"]);
  });

  it.each(["error", "error_deleting", "error_detaching", "error_restoring"])(
    "fails at once on %s, naming what it waited for",
    async (status) => {
      const { evs, calls } = fakeStateClients({
        volumes: [{ status: status as Volume["status"] }, { status: "available" }],
      });
      const error = await failure(waitVolumeStatus(evs, "v1", ["available", "in-use"], waiting()));
      expect(error).toBeInstanceOf(WaitFailedError);
      expect(error.message).toBe(
        `volume v1 reached status ${status} while waiting for status available or in-use`,
      );
      expect(calls).toHaveLength(1);
    },
  );

  it("waits for an error status when that is what is wanted", async () => {
    const { evs } = fakeStateClients({ volumes: [{ status: "detaching" }, { status: "error" }] });
    await expect(waitVolumeStatus(evs, "v1", ["error"], waiting())).resolves.toMatchObject({
      status: "error",
    });
  });

  it("keeps waiting through other statuses and times out naming the last one", async () => {
    const { evs } = fakeStateClients({
      volumes: [{ status: "detaching" }, { status: "reserved" }],
    });
    const error = await failure(waitVolumeStatus(evs, "v1", ["available"], waiting()));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.message).toBe(
      "volume v1 did not reach status available within 1 s; last seen: status reserved",
    );
  });

  it("says what it waits for through progress on a long wait", async () => {
    const { evs } = fakeStateClients({ volumes: [{ status: "detaching" }] });
    const lines: string[] = [];
    await failure(
      waitVolumeStatus(evs, "v1", ["available"], {
        ...waiting(6_000),
        progress: (line) => lines.push(line),
      }),
    );
    expect(lines).toEqual([
      "waiting for volume v1 to reach status available: 5 s of 6 s, status detaching",
    ]);
  });
});

describe("waitVolumeGone and waitServerGone", () => {
  it("wait until the read answers 404", async () => {
    const { evs, bms, calls } = fakeStateClients({
      volumeAnswers: [200, 200, 404],
      serverAnswers: [{ status: 200 }, { status: 404 }],
    });
    await waitVolumeGone(evs, "v1", waiting());
    await waitServerGone(bms, "s1", waiting());
    expect(calls).toEqual([
      "showVolumeExchange v1",
      "showVolumeExchange v1",
      "showVolumeExchange v1",
      "showServerExchange s1",
      "showServerExchange s1",
    ]);
  });

  it("time out naming the last answer", async () => {
    const { evs, bms } = fakeStateClients({
      volumeAnswers: [200],
      serverAnswers: [{ status: 500 }],
    });
    expect((await failure(waitVolumeGone(evs, "v1", waiting()))).message).toBe(
      "volume v1 did not reach deletion within 1 s; last seen: HTTP 200",
    );
    expect((await failure(waitServerGone(bms, "s1", waiting()))).message).toBe(
      "server s1 did not reach deletion within 1 s; last seen: HTTP 500",
    );
  });
});

describe("waitServerStatus", () => {
  it("returns the server once it has the wanted status", async () => {
    const { bms } = fakeStateClients({
      serverAnswers: [
        { status: 200, body: { server: { id: "s1", status: "BUILD" } } },
        { status: 200, body: { server: { id: "s1", status: "ACTIVE" } } },
      ],
    });
    await expect(waitServerStatus(bms, "s1", "ACTIVE", waiting())).resolves.toMatchObject({
      status: "ACTIVE",
    });
  });

  it("fails at once on ERROR", async () => {
    const { bms } = fakeStateClients({
      serverAnswers: [{ status: 200, body: { server: { id: "s1", status: "ERROR" } } }],
    });
    const error = await failure(waitServerStatus(bms, "s1", "ACTIVE", waiting()));
    expect(error).toBeInstanceOf(WaitFailedError);
    expect(error.message).toBe("server s1 reached status ERROR while waiting for status ACTIVE");
  });

  it("times out naming the last status", async () => {
    const { bms } = fakeStateClients({
      serverAnswers: [{ status: 200, body: { server: { id: "s1", status: "BUILD" } } }],
    });
    expect((await failure(waitServerStatus(bms, "s1", "ACTIVE", waiting()))).message).toBe(
      "server s1 did not reach status ACTIVE within 1 s; last seen: status BUILD",
    );
  });

  it("passes on a read that does not answer 200", async () => {
    const { bms } = fakeStateClients({ serverAnswers: [{ status: 404, body: {} }] });
    await expect(waitServerStatus(bms, "s1", "ACTIVE", waiting())).rejects.toBeInstanceOf(
      SupportCallError,
    );
  });
});

describe("waitAttachmentGone", () => {
  it("waits until the server lists no attachment of that volume, whatever else it lists", async () => {
    const { bms, calls } = fakeStateClients({
      attachments: [
        ["v1", "v2"],
        ["v2", "v1"],
        ["v2", "v3"],
      ],
    });
    const left = await waitAttachmentGone(bms, "s1", "v1", waiting());
    expect(left.map((a) => a.volumeId)).toEqual(["v2", "v3"]);
    expect(calls).toHaveLength(3);
  });

  it("times out counting what is listed", async () => {
    const { bms } = fakeStateClients({ attachments: [["v1", "v2"]] });
    expect((await failure(waitAttachmentGone(bms, "s1", "v1", waiting()))).message).toBe(
      "attachment of volume v1 to server s1 did not reach removal within 1 s; last seen: 2 attachment(s) listed",
    );
  });
});

describe("waitViewsAgree", () => {
  const cinder = (...servers: string[]) =>
    servers.map((server_id) => ({ server_id, attachment_id: `a-${server_id}`, volume_id: "v1" }));

  it("reads Nova before Cinder, as a recording replays them", async () => {
    const { evs, bms, calls } = fakeStateClients({
      attachments: [[]],
      volumes: [{ status: "available", attachments: [] }],
    });
    await waitViewsAgree({ evs, bms }, "s1", "v1", "detached", waiting());
    expect(calls).toEqual(["listAttachments s1", "showVolume v1"]);
  });

  it("needs all three views to say attached", async () => {
    const { evs, bms, calls } = fakeStateClients({
      attachments: [[], ["v1"], ["v1"], ["v1"]],
      volumes: [
        { status: "in-use", attachments: cinder("s1") },
        { status: "in-use", attachments: cinder("s2") },
        { status: "attaching", attachments: cinder("s1") },
        { status: "in-use", attachments: cinder("s2", "s1") },
      ],
    });
    await expect(waitViewsAgree({ evs, bms }, "s1", "v1", "attached", waiting())).resolves.toEqual({
      novaLists: true,
      cinderLists: true,
      status: "in-use",
    });
    // Not before the fourth read: Cinder listing it for another server is not enough.
    expect(calls).toHaveLength(8);
  });

  it("needs all three views to say detached", async () => {
    const { evs, bms } = fakeStateClients({
      attachments: [["v1"], [], [], ["v2"]],
      volumes: [
        { status: "available", attachments: [] },
        { status: "available", attachments: cinder("s1") },
        { status: "detaching", attachments: [] },
        { status: "available" },
      ],
    });
    await expect(waitViewsAgree({ evs, bms }, "s1", "v1", "detached", waiting())).resolves.toEqual({
      novaLists: false,
      cinderLists: false,
      status: "available",
    });
  });

  it("does not take attached views for detached, nor the reverse", async () => {
    const attached = fakeStateClients({
      attachments: [["v1"]],
      volumes: [{ status: "in-use", attachments: cinder("s1") }],
    });
    const error = await failure(waitViewsAgree(attached, "s1", "v1", "detached", waiting()));
    expect(error.message).toBe(
      "volume v1 and server s1 did not reach Nova and Cinder agree it is detached within 1 s; last seen: Nova lists it, Cinder lists it, volume in-use",
    );
    const detached = fakeStateClients({
      attachments: [[]],
      volumes: [{ status: "available", attachments: [] }],
    });
    expect(
      (await failure(waitViewsAgree(detached, "s1", "v1", "attached", waiting()))).message,
    ).toMatch(/last seen: Nova does not list it, Cinder does not list it, volume available$/);
  });

  it("fails at once when the volume reaches a failed status", async () => {
    const { evs, bms } = fakeStateClients({
      attachments: [["v1"]],
      volumes: [{ status: "error_detaching", attachments: cinder("s1") }],
    });
    const error = await failure(waitViewsAgree({ evs, bms }, "s1", "v1", "detached", waiting()));
    expect(error).toBeInstanceOf(WaitFailedError);
    expect(error.message).toBe(
      "volume v1 and server s1 reached Nova lists it, Cinder lists it, volume error_detaching while waiting for Nova and Cinder agree it is detached",
    );
  });
});
