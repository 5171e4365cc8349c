import { defineScenario } from "../../../src/engine/scenario.ts";
import type { Resume } from "../../../src/resources/compute-pause.ts";
import { volumeEnds } from "../final-state.ts";
import { serverWithVolume } from "./attached-server.ts";

export const bmsWrongState = [
  defineScenario({
    id: "f265672f-c525-410c-8dad-53aefae4a921",
    title: "BMS second detach while the first is still detaching",
    operation: "detachServerVolume",
    category: "wrong-state",
    // Compute is paused across both calls: a fast compute service could finish the first
    // detach before the second arrives, and the case would be another one (not attached).
    requires: ["server", "compute-pause"],
    documented:
      "BMS error codes (docs/sources.md#otc-bms-error-codes): 400 BMS.0114 for a disk that is not attached; the detach is asynchronous (docs/sources.md#upstream-nova-detach: in-use, detaching, available).",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const s = await serverWithVolume(ctx);
      let resume: Resume | undefined;
      ctx.fixtures.onCleanup("resume compute", async () => resume?.());
      resume = await ctx.pauseCompute();
      // The first detach is set-up: Cinder holds the disk at detaching until compute resumes.
      await ctx.member.bms.detachServerVolume(s.serverId, s.volumeId);
      return { ...s, resume };
    },
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId),
    async settle(ctx, s) {
      await s.resume();
      return volumeEnds(ctx, s.volumeId, "available");
    },
  }),
  defineScenario({
    id: "03876b9c-1fc9-4371-b1a9-6150f6216aba",
    title: "BMS detach from a locked server, as a project member",
    operation: "detachServerVolume",
    category: "wrong-state",
    requires: ["own-server"],
    documented: "BMS error codes: 400 BMS.0297, the BMS is locked; the disk stays attached.",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const s = await serverWithVolume(ctx, { own: true });
      await ctx.fixtures.lockedServer(s.serverId);
      return s;
    },
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", [{ serverId: s.serverId }]),
  }),
  defineScenario({
    id: "abd5c992-d226-49c6-994d-f4924acb6170",
    title: "BMS detach of the server's root volume",
    operation: "detachServerVolume",
    category: "wrong-state",
    requires: ["own-server"],
    documented:
      "BMS error codes: every refusal is HTTP 400 (docs/sources.md#otc-bms-error-codes); the page itself says nothing of the system disk. Upstream Nova refuses it with 400 'Cannot detach a root device volume' (docs/sources.md#upstream-nova-detach).",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const server = await ctx.fixtures.ownServer({ boot: "volume" });
      if (!server.rootVolumeId) throw new Error("the server's root volume is not known");
      return { serverId: server.id, volumeId: server.rootVolumeId };
    },
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", [{ serverId: s.serverId }]),
  }),
];
