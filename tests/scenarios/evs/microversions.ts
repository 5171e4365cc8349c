import { defineScenario } from "../../../src/engine/scenario.ts";
import { volumeEnds } from "../final-state.ts";
import { attachedVolume } from "./attached-volume.ts";

export const evsMicroversions = [
  defineScenario({
    id: "15a82dba-3860-41ed-9a3f-f412cf4af86f",
    title: "EVS detach with volume microversion 3.0",
    operation: "detachVolume",
    category: "happy-path",
    tags: ["microversion"],
    documented:
      "EVS page: normal status 202; the microversion header is optional (research upstream-openstack.md: Cinder v3 answers OpenStack-API-Version and Vary).",
    expect: { status: 202 },
    arrange: async (ctx) => ({ ...(await attachedVolume(ctx)), microversion: "3.0" }),
    act: (ctx, s) =>
      ctx.member.evs.detachVolumeRequest(s.volumeId, {
        json: { "os-detach": { attachment_id: s.attachmentId } },
        volumeMicroversion: s.microversion,
      }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "available"),
  }),
  defineScenario({
    id: "6bde7599-ed18-4498-8cfb-27db2e66cf58",
    title: "EVS detach with the newest volume microversion the target serves",
    operation: "detachVolume",
    category: "happy-path",
    tags: ["microversion"],
    documented:
      "EVS page: normal status 202; the newest microversion is read from the version documents at run time (research upstream-openstack.md).",
    expect: { status: 202 },
    async arrange(ctx) {
      const s = await attachedVolume(ctx);
      return { ...s, microversion: await ctx.member.evs.newestMicroversion() };
    },
    act: (ctx, s) =>
      ctx.member.evs.detachVolumeRequest(s.volumeId, {
        json: { "os-detach": { attachment_id: s.attachmentId } },
        volumeMicroversion: s.microversion,
      }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "available"),
  }),
];
