import { defineScenario } from "../../../src/engine/scenario.ts";
import { waitVolumeStatus } from "../../../src/resources/states.ts";
import { volumeEnds } from "../final-state.ts";
import { attachedVolume } from "./attached-volume.ts";

export const evsWrongState = [
  defineScenario({
    id: "cf34dd8a-6647-4677-8c02-f7095444053b",
    title: "EVS detach of a volume that is not attached",
    operation: "detachVolume",
    category: "wrong-state",
    documented:
      "EVS page: the call changes a disk from in-use to available; error codes: 400 EVS.5400 for a wrong disk status.",
    expect: { status: 400, fault: "badRequest" },
    arrange: async (ctx) => ({ volumeId: (await ctx.fixtures.volume("idle")).id }),
    act: (ctx, s) =>
      ctx.member.evs.detachVolume(s.volumeId, {
        "os-detach": { attachment_id: ctx.uuid("never-attached") },
      }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "available"),
  }),
  defineScenario({
    id: "c8588891-cedc-4ef7-90b2-264925595690",
    title: "EVS detach of the same attachment twice",
    operation: "detachVolume",
    category: "wrong-state",
    documented: "EVS error codes: 400 EVS.5400 for a wrong disk status (already available).",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const s = await attachedVolume(ctx);
      await ctx.member.evs.detachVolume(s.volumeId, {
        "os-detach": { attachment_id: s.attachmentId },
      });
      await waitVolumeStatus(ctx.member.evs, s.volumeId, ["available"], ctx.waiting);
      return s;
    },
    act: (ctx, s) =>
      ctx.member.evs.detachVolume(s.volumeId, { "os-detach": { attachment_id: s.attachmentId } }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "available"),
  }),
  defineScenario({
    id: "abecf055-bca8-4860-8937-e15227235cd2",
    title: "EVS detach of an attached volume in maintenance",
    operation: "detachVolume",
    category: "wrong-state",
    requires: ["admin"],
    documented: "EVS error codes: 400 EVS.5400 for a wrong disk status.",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const s = await attachedVolume(ctx, { own: true });
      const admin = ctx.admin;
      if (!admin) throw new Error("needs the admin user");
      await admin.evs.setupAction(s.volumeId, { "os-reset_status": { status: "maintenance" } });
      // Back to in-use before the cleanup detaches it.
      ctx.fixtures.onCleanup("reset status in-use", () =>
        admin.evs.setupAction(s.volumeId, { "os-reset_status": { status: "in-use" } }),
      );
      return s;
    },
    act: (ctx, s) =>
      ctx.member.evs.detachVolume(s.volumeId, { "os-detach": { attachment_id: s.attachmentId } }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "maintenance", s.attached),
  }),
];
