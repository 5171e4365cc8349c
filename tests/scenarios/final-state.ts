import { FINAL_STATE_CHECK } from "../../src/checks/registry.ts";
import { type Finding, fail, pass } from "../../src/checks/types.ts";
import type { Volume } from "../../src/clients/evs.ts";
import { SupportCallError } from "../../src/clients/support-call.ts";
import type { ScenarioContext } from "../../src/engine/context.ts";
import { TIME_TO_AGREE } from "../../src/engine/outcome.ts";
import { unjudgeable } from "../../src/engine/unjudgeable.ts";
import { waitViewsAgree, waitVolumeStatus } from "../../src/resources/states.ts";
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
  let volume: Volume | undefined;
  const reached = await judgeWait(wanted, async () => {
    volume = await waitVolumeStatus(ctx.member.evs, volumeId, [status], ctx.waiting);
  });
  // The read that found the status also lists the attachments.
  if (!reached.ok || !volume) return [reached];
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

/**
 * Both APIs agree on the server's volume: Nova's attachment list, Cinder's attachments and the
 * volume status all say `wanted`. The time from the call's answer until they do is reported
 * as `time-to-agree`.
 */
export async function viewsAgree(
  ctx: ScenarioContext,
  serverId: string,
  volumeId: string,
  wanted: "attached" | "detached",
): Promise<Finding> {
  const what = `Nova, Cinder and the volume status agree volume ${volumeId} is ${wanted} on server ${serverId}`;
  const finding = await judgeWait(what, () =>
    waitViewsAgree(ctx.member, serverId, volumeId, wanted, ctx.waiting),
  );
  if (!finding.ok) return finding;
  // The figure goes with the outcome, not into the message: messages compare across runs.
  ctx.measure(TIME_TO_AGREE, ctx.sinceCall());
  return pass(FINAL_STATE_CHECK, what);
}

/** A server and one of its volumes, as BMS scenarios arrange them. */
export interface ServerVolume {
  serverId: string;
  volumeId: string;
}

/** The detach went through: the disk left the server, in both APIs. */
export async function leftServer<S extends ServerVolume>(
  ctx: ScenarioContext,
  s: S,
): Promise<Finding[]> {
  return [await viewsAgree(ctx, s.serverId, s.volumeId, "detached")];
}

/** The detach was refused: the disk is still on the server, its only attachment, in both APIs. */
export async function stayedOnServer<S extends ServerVolume>(
  ctx: ScenarioContext,
  s: S,
): Promise<Finding[]> {
  return [
    ...(await volumeEnds(ctx, s.volumeId, "in-use", [{ serverId: s.serverId }])),
    await viewsAgree(ctx, s.serverId, s.volumeId, "attached"),
  ];
}
