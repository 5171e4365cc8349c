import { defineScenario } from "../../../src/engine/scenario.ts";
import { volumeEnds } from "../final-state.ts";
import { attachedVolume } from "./attached-volume.ts";

export const evsMalformedIds = [
  defineScenario({
    id: "f8112a12-cae0-45fe-94c5-3f6f9724a2f7",
    title: "EVS detach of a volume id that is not a UUID",
    operation: "detachVolume",
    category: "not-found",
    documented:
      "EVS error codes (docs/sources.md#otc-evs-error-codes): 400 EVS.1002, invalid volume id.",
    expect: { status: 400, fault: "badRequest" },
    arrange: async () => ({ volumeId: "not-a-volume-id" }),
    act: (ctx, s) => ctx.member.evs.detachVolume(s.volumeId, { "os-detach": {} }),
  }),
  defineScenario({
    id: "735a4611-13b6-478c-9343-d2f08f72f890",
    title: "EVS detach with another project's id in the path",
    operation: "detachVolume",
    category: "auth",
    documented:
      "EVS error codes (docs/sources.md#otc-evs-error-codes): 403 EVS.5403, no permission (the token is scoped to another project); the disk stays attached.",
    expect: { status: 403, fault: "forbidden" },
    arrange: attachedVolume,
    act: (ctx, s) =>
      ctx.member.evs.detachVolumeRequest(
        s.volumeId,
        { json: { "os-detach": { attachment_id: s.attachmentId } } },
        ctx.uuid("other-project").replaceAll("-", ""),
      ),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", s.attached),
  }),
];
