import { defineScenario } from "../../../src/engine/scenario.ts";
import { volumeEnds } from "../final-state.ts";

export const bmsNotFound = [
  defineScenario({
    id: "0826bd7a-7115-4573-85ef-ed6d9735cba2",
    title: "BMS detach from an unknown server",
    operation: "detachServerVolume",
    category: "not-found",
    versions: ["unversioned", "newest", "legacy-v2"],
    documented: "BMS error codes: 400 BMS.0040, the BMS does not exist.",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const volume = await ctx.fixtures.volume("data");
      return { serverId: ctx.uuid("unknown-server"), volumeId: volume.id };
    },
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId, ctx.version.request),
  }),
  defineScenario({
    id: "c988defc-c720-4573-b56b-7ad7dfff2ef0",
    title: "BMS detach of an unknown volume",
    operation: "detachServerVolume",
    category: "not-found",
    requires: ["server"],
    documented: "BMS error codes: 400 BMS.0103, the disk does not exist.",
    expect: { status: 400, fault: "badRequest" },
    arrange: async (ctx) => ({ serverId: (await ctx.fixtures.server()).id }),
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, ctx.uuid("unknown-volume")),
  }),
  defineScenario({
    id: "606633d5-6810-46ef-98b3-987bc03e73ed",
    title: "BMS detach of a volume not attached to that server",
    operation: "detachServerVolume",
    category: "not-found",
    requires: ["server"],
    documented: "BMS error codes: 400 BMS.0114, the disk is not attached to the BMS.",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const server = await ctx.fixtures.server();
      const volume = await ctx.fixtures.volume("loose");
      return { serverId: server.id, volumeId: volume.id };
    },
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "available"),
  }),
];
