import { FINAL_STATE_CHECK } from "../checks/registry.ts";
import { type Finding, fail, pass } from "../checks/types.ts";
import { waitAttachmentGone, waitVolumeStatus } from "../fixtures/states.ts";
import { WaitFailedError, WaitTimeoutError } from "../fixtures/waiters.ts";
import type { ScenarioContext } from "../harness/context.ts";

/** Turns a waiter's verdict into a `final_state` finding: not reaching a state is a failure. */
async function judgeWait(wanted: string, wait: () => Promise<unknown>): Promise<Finding> {
  try {
    await wait();
    return pass(FINAL_STATE_CHECK, `${wanted} reached`);
  } catch (error) {
    if (error instanceof WaitTimeoutError || error instanceof WaitFailedError) {
      const seen = error instanceof WaitTimeoutError ? error.lastSeen : error.seen;
      return fail(FINAL_STATE_CHECK, error.message, wanted, seen);
    }
    throw error;
  }
}

/** The volume ends in `status`, with `attachments` attachments left. */
export async function volumeEnds(
  ctx: ScenarioContext,
  volumeId: string,
  status: string,
  attachments = 0,
): Promise<Finding[]> {
  const wanted = `volume ${volumeId} ${status}`;
  const reached = await judgeWait(wanted, () =>
    waitVolumeStatus(ctx.member.evs, volumeId, [status], ctx.waiting),
  );
  if (!reached.ok) return [reached];
  const volume = await ctx.member.evs.showVolume(volumeId);
  const count = volume.attachments?.length ?? 0;
  return [
    reached,
    count === attachments
      ? pass(FINAL_STATE_CHECK, `volume ${volumeId} lists ${count} attachment(s)`)
      : fail(
          FINAL_STATE_CHECK,
          `volume ${volumeId} lists ${count} attachment(s) after the call`,
          String(attachments),
          String(count),
        ),
  ];
}

/** The server no longer lists the volume among its attachments. */
export function attachmentGone(
  ctx: ScenarioContext,
  serverId: string,
  volumeId: string,
): Promise<Finding> {
  return judgeWait(`server ${serverId} lists no attachment of volume ${volumeId}`, () =>
    waitAttachmentGone(ctx.member.bms, serverId, volumeId, ctx.waiting),
  );
}
