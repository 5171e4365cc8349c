import { defineScenario } from "../../../src/engine/scenario.ts";
import { volumeEnds } from "../final-state.ts";
import { attachedVolume } from "./attached-volume.ts";

export const evsHappyPath = [
  defineScenario({
    id: "e12c3afc-f045-43b9-9a09-3da8a3b569e3",
    title: "EVS detach with attachment_id of the only attachment",
    operation: "detachVolume",
    category: "happy-path",
    versions: ["unversioned", "3.0", "newest"],
    documented:
      "EVS page: normal status 202, no response body; the disk goes from in-use to available. The microversion header is optional (docs/sources.md#upstream-microversions: Cinder v3 answers every microversion alike and names it in OpenStack-API-Version).",
    expect: { status: 202 },
    arrange: attachedVolume,
    act: (ctx, s) =>
      ctx.member.evs.detachVolume(
        s.volumeId,
        { "os-detach": { attachment_id: s.attachmentId } },
        ctx.version.request,
      ),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "available"),
  }),
];
