import type { ScenarioContext } from "../../../src/engine/context.ts";

/**
 * A server with a data volume attached through Nova: the precondition of most BMS cases. The
 * server is the run's shared one, or with `own` (a scenario that requires `own-server`) a new
 * one, booted as `boot` says (see Fixtures.ownServer).
 */
export async function serverWithVolume(
  ctx: ScenarioContext,
  options: { own?: boolean; boot?: "image" | "volume" } = {},
) {
  const server = options.own
    ? await ctx.fixtures.ownServer({ ...(options.boot && { boot: options.boot }) })
    : await ctx.fixtures.server();
  const volume = await ctx.fixtures.volume("data");
  await ctx.fixtures.serverAttachment(server.id, volume.id);
  return { serverId: server.id, volumeId: volume.id, rootVolumeId: server.rootVolumeId };
}
