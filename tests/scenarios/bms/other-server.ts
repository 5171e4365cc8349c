import { defineScenario } from "../../../src/engine/scenario.ts";
import { stayedOnServer } from "../final-state.ts";
import { serverWithVolume } from "./attached-server.ts";

export const bmsOtherServer = [
  defineScenario({
    id: "2b102d89-09fe-4143-9976-5e4a6b91cfbd",
    title: "BMS detach of a volume attached to another server",
    operation: "detachServerVolume",
    category: "not-found",
    requires: ["own-server"],
    documented:
      "BMS error codes (docs/sources.md#otc-bms-error-codes): 400 BMS.0114, the disk is not attached to this BMS; the other server keeps its disk.",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const owner = await serverWithVolume(ctx, { own: true });
      const stranger = await ctx.fixtures.server();
      return { ...owner, strangerId: stranger.id };
    },
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.strangerId, s.volumeId),
    settle: stayedOnServer,
  }),
];
