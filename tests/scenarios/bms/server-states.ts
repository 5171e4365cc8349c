import type { Server } from "../../../src/clients/bms.ts";
import { expectStatus } from "../../../src/clients/support-call.ts";
import type { ScenarioContext } from "../../../src/engine/context.ts";
import { defineScenario } from "../../../src/engine/scenario.ts";
import { waitServerStatus } from "../../../src/resources/states.ts";
import { leftServer, stayedOnServer } from "../final-state.ts";
import { serverWithVolume } from "./attached-server.ts";

function adminOf(ctx: ScenarioContext) {
  if (!ctx.admin) throw new Error("needs the admin user");
  return ctx.admin;
}

/**
 * A server with a disk, caught powering off: the compute service is paused before the stop,
 * so the stop stays queued and the server in task_state powering-off until it resumes.
 */
async function poweringOff(ctx: ScenarioContext) {
  const s = await serverWithVolume(ctx, { own: true });
  // Resume before the disk is detached and the server deleted, and let the stop finish;
  // registered first, so that no interruption finds compute paused without it.
  let resume: (() => Promise<void>) | undefined;
  let stopping = false;
  ctx.fixtures.onCleanup(`resume compute, server ${s.serverId} stopped`, async () => {
    await resume?.();
    if (stopping) await waitServerStatus(ctx.member.bms, s.serverId, "SHUTOFF", ctx.waiting);
  });
  resume = await ctx.pauseCompute();
  await ctx.member.bms.serverAction(s.serverId, { "os-stop": null });
  stopping = true;
  // The pause is no HTTP exchange: this GET records its effect for replay.
  const server = expectStatus<{ server: Server }>(
    await ctx.member.bms.showServerExchange(s.serverId),
    200,
  ).server;
  const taskState = server["OS-EXT-STS:task_state"];
  if (taskState !== "powering-off") {
    throw new Error(`server ${s.serverId} is in task_state ${taskState}, not powering-off`);
  }
  return s;
}

export const bmsServerStates = [
  defineScenario({
    id: "1261f4cc-bfab-4a0f-bcc3-e243d11391c1",
    title: "BMS detach from a server in error",
    operation: "detachServerVolume",
    category: "wrong-state",
    requires: ["own-server", "admin"],
    documented:
      "BMS error codes (docs/sources.md#otc-bms-error-codes): every BMS error is HTTP 400; the page gives no other answer for a server that cannot take the detach. The disk stays attached.",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const s = await serverWithVolume(ctx, { own: true });
      const admin = adminOf(ctx);
      await admin.bms.serverAction(s.serverId, { "os-resetState": { state: "error" } });
      // Back to active before the cleanup detaches the disk and deletes the server.
      ctx.fixtures.onCleanup(`reset server ${s.serverId} active`, () =>
        admin.bms.serverAction(s.serverId, { "os-resetState": { state: "active" } }),
      );
      return s;
    },
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId),
    settle: stayedOnServer,
  }),
  defineScenario({
    id: "1d643045-1da3-42c6-8bc1-39a494002184",
    title: "BMS detach from a stopped server",
    operation: "detachServerVolume",
    category: "happy-path",
    requires: ["own-server"],
    documented:
      "BMS page, Constraints: 'If a BMS is stopped, disks can be detached from it without any limitation on the OS'; normal status 200.",
    expect: { status: 200 },
    async arrange(ctx) {
      const s = await serverWithVolume(ctx, { own: true });
      await ctx.member.bms.serverAction(s.serverId, { "os-stop": null });
      await waitServerStatus(ctx.member.bms, s.serverId, "SHUTOFF", ctx.waiting);
      return s;
    },
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId),
    settle: leftServer,
  }),
  defineScenario({
    id: "0ee5c814-3414-4abc-b54f-6816c4994dae",
    title: "BMS detach from a shelved-offloaded server (microversion 2.20)",
    operation: "detachServerVolume",
    category: "happy-path",
    requires: ["own-server"],
    documented:
      "BMS page: normal status 200 and no constraint on a server that is not running; Tempest's test_detach_volume_shelved_or_offload_server expects the detach to succeed (docs/sources.md#tempest-detach-tests). Sent with microversion 2.20, from which Nova allows it; the disk leaves the server.",
    expect: { status: 200 },
    async arrange(ctx) {
      // Shelving a server booted from an image uploads a snapshot to Glance, which the
      // project's target serves read-only; a server booted from a volume shelves without one.
      const s = await serverWithVolume(ctx, { own: true, boot: "volume" });
      await ctx.member.bms.serverAction(s.serverId, { shelve: null });
      await waitServerStatus(ctx.member.bms, s.serverId, "SHELVED_OFFLOADED", ctx.waiting);
      return s;
    },
    act: (ctx, s) =>
      ctx.member.bms.detachServerVolume(s.serverId, s.volumeId, { microversion: "2.20" }),
    settle: leftServer,
  }),
  defineScenario({
    id: "a7c4e913-5b2d-4f8e-9c61-2d0b8e4f7a35",
    title: "BMS detach from a rescued server",
    operation: "detachServerVolume",
    category: "wrong-state",
    requires: ["own-server", "image"],
    documented:
      "BMS error codes (docs/sources.md#otc-bms-error-codes): 400 for a BMS not in a state to detach (BMS.0035 to BMS.0037); Tempest's test_rescued_vm_detach_volume expects the detach refused (docs/sources.md#tempest-detach-tests). The disk stays attached.",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      // Nova rescues a server booted from an image, the way Tempest's test boots it.
      const server = await ctx.fixtures.ownServer({ boot: "image" });
      const volume = await ctx.fixtures.volume("data");
      await ctx.fixtures.serverAttachment(server.id, volume.id);
      await ctx.member.bms.rescue(server.id);
      // Out of rescue before the cleanup detaches the disk and deletes the server; an
      // interrupted run lets the rescue end first (Nova refuses unrescue while rescuing).
      let rescued = false;
      ctx.fixtures.onCleanup(`unrescue server ${server.id}`, async () => {
        if (!rescued) {
          await waitServerStatus(ctx.member.bms, server.id, "RESCUE", ctx.waiting).catch(
            () => undefined,
          );
        }
        await ctx.member.bms.serverAction(server.id, { unrescue: null });
        await waitServerStatus(ctx.member.bms, server.id, "ACTIVE", ctx.waiting);
      });
      await waitServerStatus(ctx.member.bms, server.id, "RESCUE", ctx.waiting);
      rescued = true;
      return { serverId: server.id, volumeId: volume.id };
    },
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId),
    settle: stayedOnServer,
  }),
  defineScenario({
    id: "3e0633f4-9de0-42c9-9e28-d37d64ffbed2",
    title: "BMS detach from a locked server, as an admin",
    operation: "detachServerVolume",
    category: "wrong-state",
    requires: ["own-server", "admin"],
    documented:
      "BMS error codes (docs/sources.md#otc-bms-error-codes): 400 BMS.0297, the BMS is locked; the page makes no exception for administrators.",
    expect: { status: 400, fault: "badRequest" },
    async arrange(ctx) {
      const s = await serverWithVolume(ctx, { own: true });
      await ctx.fixtures.lockedServer(s.serverId);
      return s;
    },
    act: (ctx, s) => adminOf(ctx).bms.detachServerVolume(s.serverId, s.volumeId),
    settle: leftServer,
  }),
  defineScenario({
    id: "6f1b2d8e-4c3a-4e7f-a915-8d2c0b7e5a64",
    title: "BMS detach from a server powering off",
    operation: "detachServerVolume",
    category: "wrong-state",
    requires: ["own-server", "compute-pause"],
    documented:
      "BMS error codes (docs/sources.md#otc-bms-error-codes): 400 for a BMS powering on, powering off or rebooting (BMS.0035 to BMS.0037). The disk stays attached.",
    expect: { status: 400, fault: "badRequest" },
    arrange: poweringOff,
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId),
    settle: stayedOnServer,
  }),
];
