import type { Finding } from "../../../src/checks/types.ts";
import type { Volume } from "../../../src/clients/evs.ts";
import type { ScenarioContext } from "../../../src/engine/context.ts";
import { defineScenario } from "../../../src/engine/scenario.ts";
import { volumeEnds } from "../final-state.ts";
import { attachedVolume } from "./attached-volume.ts";

type Attached = Awaited<ReturnType<typeof attachedVolume>>;

/** An attached volume whose status an admin has set to `status`, as a failed operation leaves it. */
async function attachedIn(ctx: ScenarioContext, status: Volume["status"]) {
  const s = await attachedVolume(ctx, { own: true });
  const admin = ctx.admin;
  if (!admin) throw new Error("needs the admin user");
  await admin.evs.setupAction(s.volumeId, { "os-reset_status": { status } });
  // Back to in-use before the cleanup detaches it, unless the call under test detached it.
  ctx.fixtures.onCleanup(`reset status in-use`, async () => {
    const volume = await admin.evs.showVolume(s.volumeId);
    if ((volume.attachments ?? []).length > 0) {
      await admin.evs.setupAction(s.volumeId, { "os-reset_status": { status: "in-use" } });
    }
  });
  return { ...s, status, answer: 0 };
}

/**
 * A refused detach leaves the volume as it was; an accepted one detaches it. Either way the
 * answer and the state must agree.
 */
async function answerAndStateAgree(
  ctx: ScenarioContext,
  s: Attached & { status: string; answer: number },
): Promise<Finding[]> {
  return s.answer < 300
    ? volumeEnds(ctx, s.volumeId, "available")
    : volumeEnds(ctx, s.volumeId, s.status, s.attached);
}

function inStatus(id: string, status: Volume["status"]) {
  return defineScenario({
    id,
    title: `EVS detach of an attached volume in ${status}`,
    operation: "detachVolume",
    category: "wrong-state",
    requires: ["admin"],
    documented: `EVS page: the call only changes a disk from in-use to available; error codes: 400 EVS.5400 for a wrong disk status (${status}). A refused detach leaves the disk as it was, an accepted one detaches it.`,
    expect: { status: 400, fault: "badRequest" },
    arrange: (ctx) => attachedIn(ctx, status),
    async act(ctx, s) {
      const exchange = await ctx.member.evs.detachVolume(s.volumeId, {
        "os-detach": { attachment_id: s.attachmentId },
      });
      s.answer = exchange.response.status;
      return exchange;
    },
    settle: answerAndStateAgree,
  });
}

export const evsVolumeStates = [
  defineScenario({
    id: "bcd73408-9a37-4840-9ae4-8d4131951714",
    title: "EVS detach of an available volume without attachment_id",
    operation: "detachVolume",
    category: "wrong-state",
    documented:
      "EVS page: the call only changes a disk from in-use to available; error codes: 400 EVS.5400 for a wrong disk status. The disk stays available.",
    expect: { status: 400, fault: "badRequest" },
    arrange: async (ctx) => ({ volumeId: (await ctx.fixtures.volume("idle")).id }),
    act: (ctx, s) => ctx.member.evs.detachVolume(s.volumeId, { "os-detach": {} }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "available"),
  }),
  inStatus("a22ff1ab-37ef-456d-9408-37649b4558f9", "error"),
  inStatus("db61174d-5fbc-4390-9640-f9c9cd975579", "detaching"),
  inStatus("4de65698-c9fd-42cf-939a-3c620d10f658", "attaching"),
];
