import { defineScenario } from "../../../src/engine/scenario.ts";
import { serverWithVolume } from "../bms/attached-server.ts";
import { viewsAgree, volumeEnds } from "../final-state.ts";

export const evsNovaAttachment = [
  defineScenario({
    id: "188805fa-dc14-487b-b4fd-b9ed88fb29bd",
    title: "EVS detach of an attachment that a server uses (attached through Nova)",
    operation: "detachVolume",
    category: "wrong-state",
    requires: ["server"],
    documented:
      "EVS page, Constraints: 'Do not call this API to detach a disk … call the ECS Detach Volume API'; error codes: 400 EVS.5400 for a wrong disk status. The server keeps its disk (docs/sources.md#upstream-ossa-2023-003).",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const s = await serverWithVolume(ctx);
      const volume = await ctx.member.evs.showVolume(s.volumeId);
      const attachmentId = volume.attachments?.find(
        (a) => a.server_id === s.serverId,
      )?.attachment_id;
      if (!attachmentId)
        throw new Error(`volume ${s.volumeId} lists no attachment of server ${s.serverId}`);
      return { ...s, attachmentId };
    },
    act: (ctx, s) =>
      ctx.member.evs.detachVolume(s.volumeId, { "os-detach": { attachment_id: s.attachmentId } }),
    settle: async (ctx, s) => [
      ...(await volumeEnds(ctx, s.volumeId, "in-use", [
        { serverId: s.serverId, attachmentId: s.attachmentId },
      ])),
      await viewsAgree(ctx, s.serverId, s.volumeId, "attached"),
    ],
  }),
];
