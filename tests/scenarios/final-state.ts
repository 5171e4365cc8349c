import { FINAL_STATE_CHECK } from "../../src/checks/registry.ts";
import { type Finding, fail, pass } from "../../src/checks/types.ts";
import { SupportCallError } from "../../src/clients/support-call.ts";
import type { ScenarioContext } from "../../src/engine/context.ts";
import { unjudgeable } from "../../src/engine/unjudgeable.ts";
import { waitAttachmentGone, waitVolumeStatus } from "../../src/resources/states.ts";
import { WaitFailedError, WaitTimeoutError } from "../../src/resources/waiters.ts";
import { retryableStatus } from "../../src/transport/retry.ts";

/**
 * Turns a waiter's verdict into a `final_state` finding: not reaching a state is a failure,
 * and so is a state read the service itself refused (a 500 fault, a 404): the server answered,
 * and its answer does not show the state. A gateway's answer or a "not now" (429, 503) says
 * nothing about the service and stays an error.
 */
async function judgeWait(wanted: string, wait: () => Promise<unknown>): Promise<Finding> {
  try {
    await wait();
    return pass(FINAL_STATE_CHECK, `${wanted} reached`);
  } catch (error) {
    if (error instanceof WaitTimeoutError || error instanceof WaitFailedError) {
      const seen = error instanceof WaitTimeoutError ? error.lastSeen : error.seen;
      return fail(FINAL_STATE_CHECK, error.message, wanted, seen);
    }
    if (error instanceof SupportCallError) {
      const { response } = error.exchange;
      if (!unjudgeable(error.exchange) && !retryableStatus(response.status, undefined)) {
        return fail(
          FINAL_STATE_CHECK,
          `the state read after the call was refused: ${error.message}`,
          wanted,
          `${response.status} ${response.bodyText.slice(0, 120)}`,
        );
      }
    }
    throw error;
  }
}

/** An attachment that must still be there after the call: its server, and its id when known. */
export interface Remaining {
  serverId: string;
  attachmentId?: string;
}

/**
 * The volume ends in `status` with exactly the `remaining` attachments: as many, and the same
 * ones (a refused detach leaves the attachment it found, not one to another server).
 */
export async function volumeEnds(
  ctx: ScenarioContext,
  volumeId: string,
  status: string,
  remaining: readonly Remaining[] = [],
): Promise<Finding[]> {
  const wanted = `volume ${volumeId} ${status}`;
  const reached = await judgeWait(wanted, () =>
    waitVolumeStatus(ctx.member.evs, volumeId, [status], ctx.waiting),
  );
  if (!reached.ok) return [reached];
  const volume = await ctx.member.evs.showVolume(volumeId);
  const listed = volume.attachments ?? [];
  const describe = (a: { server_id?: string | null; attachment_id?: string }) =>
    `server ${a.server_id ?? "(none)"}${a.attachment_id ? ` attachment ${a.attachment_id}` : ""}`;
  if (listed.length !== remaining.length) {
    return [
      reached,
      fail(
        FINAL_STATE_CHECK,
        `volume ${volumeId} lists ${listed.length} attachment(s) after the call`,
        String(remaining.length),
        String(listed.length),
      ),
    ];
  }
  const missing = remaining.filter(
    (r) =>
      !listed.some(
        (a) =>
          a.server_id === r.serverId && (!r.attachmentId || a.attachment_id === r.attachmentId),
      ),
  );
  return [
    reached,
    missing.length === 0
      ? pass(
          FINAL_STATE_CHECK,
          `volume ${volumeId} lists ${listed.length} attachment(s), as before`,
        )
      : fail(
          FINAL_STATE_CHECK,
          `volume ${volumeId} lists other attachments after the call than it had`,
          missing
            .map((r) =>
              describe({
                server_id: r.serverId,
                ...(r.attachmentId && { attachment_id: r.attachmentId }),
              }),
            )
            .join("; "),
          listed.map(describe).join("; "),
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

/** The server still lists the volume among its attachments (a refused detach kept it). */
export async function attachmentStays(
  ctx: ScenarioContext,
  serverId: string,
  volumeId: string,
): Promise<Finding> {
  const listed = await ctx.member.bms.listAttachments(serverId);
  const ids = listed.map((a) => a.volumeId);
  return ids.includes(volumeId)
    ? pass(FINAL_STATE_CHECK, `server ${serverId} still lists volume ${volumeId}`)
    : fail(
        FINAL_STATE_CHECK,
        `server ${serverId} no longer lists volume ${volumeId} after the call`,
        volumeId,
        ids.join(", ") || "(none)",
      );
}
