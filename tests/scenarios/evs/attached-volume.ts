import type { ScenarioContext } from "../../../src/engine/context.ts";

/**
 * A volume attached once with the legacy actions: the precondition of most EVS cases. `own`
 * creates one for the case alone, for a case that forces the volume's status.
 */
export async function attachedVolume(ctx: ScenarioContext, options: { own?: boolean } = {}) {
  const volume = options.own
    ? await ctx.fixtures.ownVolume("data")
    : await ctx.fixtures.volume("data");
  const attachment = await ctx.fixtures.legacyAttachment(volume.id);
  return {
    volumeId: volume.id,
    attachmentId: attachment.attachmentId,
    /** The attachment as the volume must still list it after a refused detach. */
    attached: [{ serverId: attachment.instanceUuid, attachmentId: attachment.attachmentId }],
  };
}
