import { defineScenario } from "../../../src/engine/scenario.ts";
import { stayedOnServer, volumeEnds } from "../final-state.ts";
import { serverWithVolume } from "./attached-server.ts";

export const bmsMalformedIds = [
  defineScenario({
    id: "71bf5be0-67f0-450b-9db6-82f3be0901a5",
    title: "BMS detach from a server id that is not a UUID",
    operation: "detachServerVolume",
    category: "not-found",
    documented:
      "BMS error codes (docs/sources.md#otc-bms-error-codes): 400 BMS.0040, the BMS does not exist.",
    expect: { status: 400, fault: "badRequest" },
    arrange: async (ctx) => ({ volumeId: (await ctx.fixtures.volume("data")).id }),
    act: (ctx, s) => ctx.member.bms.detachServerVolume("not-a-server-id", s.volumeId),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "available"),
  }),
  defineScenario({
    id: "6dbd9301-3a41-4ca4-a841-4392451f0ed3",
    title: "BMS detach of a volume id that is not a UUID",
    operation: "detachServerVolume",
    category: "not-found",
    requires: ["server"],
    documented:
      "BMS error codes (docs/sources.md#otc-bms-error-codes): 400 BMS.0103, the disk does not exist.",
    expect: { status: 400, fault: "badRequest" },
    arrange: async (ctx) => ({ serverId: (await ctx.fixtures.server()).id }),
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, "not-a-volume-id"),
  }),
  defineScenario({
    id: "87696cf6-cb9d-4e08-8ec9-cdd81bea4833",
    title: "BMS detach with another project's id in the path",
    operation: "detachServerVolume",
    category: "auth",
    requires: ["server"],
    documented:
      "BMS page: project_id is the caller's project; status codes: 403 when the request is not allowed. The disk stays attached.",
    expect: { status: 403, fault: "forbidden" },
    arrange: serverWithVolume,
    act: (ctx, s) =>
      ctx.member.bms.detachServerVolumeRequest(
        s.serverId,
        s.volumeId,
        {},
        ctx.uuid("other-project").replaceAll("-", ""),
      ),
    settle: stayedOnServer,
  }),
];
