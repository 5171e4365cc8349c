import type { ScenarioContext } from "../../../src/engine/context.ts";

/** A server with a data volume attached through Nova: the precondition of most BMS cases. */
export async function serverWithVolume(ctx: ScenarioContext) {
  const server = await ctx.fixtures.server();
  const volume = await ctx.fixtures.volume("data");
  await ctx.fixtures.serverAttachment(server.id, volume.id);
  return { serverId: server.id, volumeId: volume.id, rootVolumeId: server.rootVolumeId };
}
