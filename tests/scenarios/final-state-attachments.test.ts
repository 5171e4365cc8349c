import { describe, expect, it } from "vitest";
import type { Clients } from "../../src/clients/clients.ts";
import type { Volume } from "../../src/clients/evs.ts";
import type { ScenarioContext } from "../../src/engine/context.ts";
import { virtualClock } from "../../src/transport/clock.ts";
import { type Remaining, volumeEnds } from "./final-state.ts";

// volumeEnds on a context whose only client answers one volume read: the status and the
// attachments listed are what each test says they are.

type Attachment = NonNullable<Volume["attachments"]>[number];

const VOLUME = "vol-1";

function attachment(serverId: string, attachmentId: string): Attachment {
  return {
    server_id: serverId,
    attachment_id: attachmentId,
    id: VOLUME,
    volume_id: VOLUME,
  } as Attachment;
}

/** The scenario context volumeEnds reads: the member's showVolume and the waiting policy. */
function contextListing(attachments: Attachment[]): ScenarioContext {
  const volume = { id: VOLUME, status: "in-use", attachments } as Volume;
  const member = { evs: { showVolume: async () => volume } } as unknown as Clients;
  return {
    member,
    waiting: { clock: virtualClock(), budget: { intervalMs: 10, budgetMs: 100 } },
  } as unknown as ScenarioContext;
}

const KEPT: Remaining[] = [{ serverId: "srv-a", attachmentId: "att-a" }];

async function judge(attachments: Attachment[], remaining: Remaining[] = KEPT) {
  return volumeEnds(contextListing(attachments), VOLUME, "in-use", remaining);
}

describe("volumeEnds compares the attachments listed with those that must remain", () => {
  it("passes when the volume lists exactly the remaining attachments", async () => {
    const findings = await judge([attachment("srv-a", "att-a")]);
    expect(findings.map((f) => f.ok)).toEqual([true, true]);
  });

  it("passes when no attachment must remain and none is listed", async () => {
    const findings = await judge([], []);
    expect(findings.map((f) => f.ok)).toEqual([true, true]);
  });

  it.each([
    ["none listed where one must remain", [], KEPT, "0"],
    ["one listed where none must remain", [attachment("srv-a", "att-a")], [], "1"],
    [
      "one more than must remain",
      [attachment("srv-a", "att-a"), attachment("srv-b", "att-b")],
      KEPT,
      "2",
    ],
  ])("fails on the count: %s", async (_, listed, remaining, actual) => {
    const findings = await judge(listed, remaining);
    expect(findings[0]?.ok).toBe(true);
    expect(findings[1]).toMatchObject({
      ok: false,
      expected: String(remaining.length),
      actual,
    });
    expect(findings[1]?.message).toMatch(/lists \d attachment\(s\) after the call/);
  });

  it.each([
    ["to another server", attachment("srv-b", "att-a"), "server srv-b attachment att-a"],
    ["with another attachment id", attachment("srv-a", "att-z"), "server srv-a attachment att-z"],
  ])("fails on identity: as many, but one %s", async (_, listed, actual) => {
    const findings = await judge([listed]);
    expect(findings[1]).toMatchObject({
      ok: false,
      message: `volume ${VOLUME} lists other attachments after the call than it had`,
      expected: "server srv-a attachment att-a",
      actual,
    });
  });

  it("accepts any attachment id on the right server when none was known", async () => {
    const findings = await judge([attachment("srv-a", "att-z")], [{ serverId: "srv-a" }]);
    expect(findings.map((f) => f.ok)).toEqual([true, true]);
  });

  it("reports only the status when the volume never reaches it", async () => {
    const ctx = contextListing([]);
    const findings = await volumeEnds(ctx, VOLUME, "available");
    expect(findings).toHaveLength(1);
    expect(findings[0]?.ok).toBe(false);
  });
});
