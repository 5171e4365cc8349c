import { defineScenario } from "../../../src/engine/scenario.ts";
import { volumeEnds } from "../final-state.ts";
import { attachedVolume } from "./attached-volume.ts";

export const evsNotFound = [
  defineScenario({
    id: "610204e4-4a39-4341-97f3-e513142b1fcb",
    title: "EVS detach of an unknown volume",
    operation: "detachVolume",
    category: "not-found",
    versions: ["unversioned", "newest"],
    documented: "EVS error codes: 404 EVS.5404, the disk cannot be found (fault itemNotFound).",
    expect: { status: 404, fault: "itemNotFound" },
    arrange: async (ctx) => ({ volumeId: ctx.uuid("unknown-volume") }),
    act: (ctx, s) =>
      ctx.member.evs.detachVolume(
        s.volumeId,
        { "os-detach": { attachment_id: ctx.uuid("unknown-attachment") } },
        ctx.version.request,
      ),
  }),
  defineScenario({
    id: "12311071-491d-421c-af82-9ea705fa693b",
    title: "EVS detach with an unknown attachment_id",
    operation: "detachVolume",
    category: "not-found",
    documented: "EVS error codes: 400 EVS.5400 for a bad parameter; the disk stays attached.",
    expect: { status: 400, fault: "badRequest" },
    arrange: attachedVolume,
    act: (ctx, s) =>
      ctx.member.evs.detachVolume(s.volumeId, {
        "os-detach": { attachment_id: ctx.uuid("unknown-attachment") },
      }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", s.attached),
  }),
  defineScenario({
    id: "1fa6e849-516b-4bf0-8d7e-eb7855d42947",
    title: "EVS detach with the attachment_id of another volume",
    operation: "detachVolume",
    category: "not-found",
    documented: "EVS error codes: 400 EVS.5400 for a bad parameter; neither disk changes.",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const target = await attachedVolume(ctx);
      const other = await ctx.fixtures.volume("other");
      const otherAttachment = await ctx.fixtures.legacyAttachment(other.id, "other-instance");
      return { ...target, otherAttachmentId: otherAttachment.attachmentId };
    },
    act: (ctx, s) =>
      ctx.member.evs.detachVolume(s.volumeId, {
        "os-detach": { attachment_id: s.otherAttachmentId },
      }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", s.attached),
  }),
];
