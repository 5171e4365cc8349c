import { defineScenario } from "../../../src/engine/scenario.ts";
import { attachmentGone, volumeEnds } from "../final-state.ts";
import { serverWithVolume } from "./attached-server.ts";

const detached = async <S extends { serverId: string; volumeId: string }>(
  ctx: Parameters<typeof attachmentGone>[0],
  s: S,
) => [
  ...(await volumeEnds(ctx, s.volumeId, "available")),
  await attachmentGone(ctx, s.serverId, s.volumeId),
];

export const bmsMicroversions = [
  defineScenario({
    id: "01c5db88-30f7-4750-a277-8b6ed73991f4",
    title: "BMS detach with the newest microversion the target serves",
    operation: "detachServerVolume",
    category: "happy-path",
    tags: ["microversion"],
    requires: ["server"],
    documented:
      "BMS page: normal status 200; the microversion headers are optional request headers (research upstream-openstack.md: Nova answers 202 in every microversion). The newest one is read from the version document at run time.",
    expect: { status: 200 },
    async arrange(ctx) {
      const s = await serverWithVolume(ctx);
      return { ...s, microversion: await ctx.member.bms.newestMicroversion() };
    },
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId, s.microversion),
    settle: detached,
  }),
  defineScenario({
    id: "97f84565-b32c-449e-a071-c0b69038173b",
    title: "BMS detach on the legacy /v2 path",
    operation: "detachServerVolume",
    category: "happy-path",
    tags: ["microversion"],
    requires: ["server"],
    documented:
      "BMS page: normal status 200 on /v2.1; Nova also serves the same call on the legacy /v2 path (research upstream-openstack.md).",
    expect: { status: 200 },
    arrange: serverWithVolume,
    act: (ctx, s) =>
      ctx.member.bms.detachServerVolumeRequest(s.serverId, s.volumeId, {
        pathPrefix: { from: "/v2.1/", to: "/v2/" },
      }),
    settle: detached,
  }),
];
