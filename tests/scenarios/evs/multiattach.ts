import type { ScenarioContext } from "../../../src/engine/context.ts";
import { defineScenario } from "../../../src/engine/scenario.ts";
import { waitVolumeStatus } from "../../../src/resources/states.ts";
import { volumeEnds } from "../final-state.ts";

/** A multiattach volume attached to two instances with the legacy actions. */
export async function twiceAttached(ctx: ScenarioContext) {
  const volume = await ctx.fixtures.ownVolume("shared", { multiattach: true });
  const first = await ctx.fixtures.legacyAttachment(volume.id, "first-instance");
  const second = await ctx.fixtures.legacyAttachment(volume.id, "second-instance");
  const entry = (a: typeof first) => ({ serverId: a.instanceUuid, attachmentId: a.attachmentId });
  return { volumeId: volume.id, first: entry(first), second: entry(second) };
}

export const evsMultiattach = [
  defineScenario({
    id: "758013ac-1375-41d2-a685-53e92ef65e1e",
    title: "EVS detach of one of two attachments by attachment_id (multiattach)",
    operation: "detachVolume",
    category: "happy-path",
    tags: ["multiattach"],
    requires: ["multiattach"],
    documented:
      "EVS page: attachment_id names the attachment to remove; 202. The other attachment remains, so the disk stays in-use (docs/sources.md#upstream-cinder-detach).",
    expect: { status: 202 },
    arrange: twiceAttached,
    act: (ctx, s) =>
      ctx.member.evs.detachVolume(s.volumeId, {
        "os-detach": { attachment_id: s.first.attachmentId },
      }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", [s.second]),
  }),
  defineScenario({
    id: "dc0424f2-8e5f-4221-a968-86f43b967b6a",
    title: "EVS detach without attachment_id of the last of two attachments (multiattach)",
    operation: "detachVolume",
    category: "missing-attachment-id",
    tags: ["multiattach"],
    requires: ["multiattach"],
    documented:
      "EVS page: attachment_id is optional when the disk has only one attachment; 202, and the disk becomes available.",
    expect: { status: 202 },
    async arrange(ctx) {
      const s = await twiceAttached(ctx);
      await ctx.member.evs.detachVolume(s.volumeId, {
        "os-detach": { attachment_id: s.first.attachmentId },
      });
      await waitVolumeStatus(ctx.member.evs, s.volumeId, ["in-use"], ctx.waiting);
      return s;
    },
    act: (ctx, s) => ctx.member.evs.detachVolume(s.volumeId, { "os-detach": {} }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "available"),
  }),
];
