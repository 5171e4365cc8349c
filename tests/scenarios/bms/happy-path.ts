import { defineScenario } from "../../../src/engine/scenario.ts";
import { attachmentGone, volumeEnds } from "../final-state.ts";
import { serverWithVolume } from "./attached-server.ts";

export const bmsHappyPath = [
  defineScenario({
    id: "0feb9397-1fa4-4309-8ecf-8d141c5133c8",
    title: "BMS detach of an attached data volume",
    operation: "detachServerVolume",
    category: "happy-path",
    requires: ["server"],
    documented:
      "BMS page: normal status 200, no response body ('N/A'). The disk then leaves the server and becomes available (research otc-docs.md and upstream-openstack.md; the page does not state the sequence).",
    expect: { status: 200 },
    arrange: serverWithVolume,
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId),
    settle: async (ctx, s) => [
      ...(await volumeEnds(ctx, s.volumeId, "available")),
      await attachmentGone(ctx, s.serverId, s.volumeId),
    ],
  }),
];
