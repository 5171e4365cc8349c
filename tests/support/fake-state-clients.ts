import type { BmsClient, VolumeAttachment } from "../../src/clients/bms.ts";
import type { EvsClient, Volume } from "../../src/clients/evs.ts";
import type { Exchange } from "../../src/transport/exchange.ts";

/**
 * EVS and BMS clients whose state reads walk through scripted answers (then stay on the last
 * one), for the waiters and final-state helpers. `calls` lists the reads in the order made.
 */
export interface StateScript {
  volumes?: Partial<Volume>[];
  /** Volume ids listed as attached to the server, per read. */
  attachments?: string[][];
  /** Statuses of `GET /servers/{id}` and of `GET /volumes/{id}` (as exchanges). */
  serverAnswers?: { status: number; body?: unknown }[];
  volumeAnswers?: number[];
  /** Thrown by the volume read instead of answering. */
  volumeError?: Error;
}

export function fakeStateClients(script: StateScript) {
  const calls: string[] = [];
  const next = <T>(list: T[] | undefined, name: string): T => {
    const count = calls.filter((c) => c.startsWith(name)).length;
    const item = list?.[Math.min(count, (list?.length ?? 1) - 1)];
    if (item === undefined) throw new Error(`no scripted answer for ${name}`);
    return item;
  };
  const exchange = (status: number, body: unknown = {}): Exchange => ({
    operationId: "read",
    request: { method: "GET", url: "http://127.0.0.1/x", headers: {} },
    response: { status, headers: {}, bodyText: JSON.stringify(body) },
  });
  const evs = {
    async showVolume(volumeId: string) {
      const volume = next(script.volumes, "showVolume");
      calls.push(`showVolume ${volumeId}`);
      if (script.volumeError) throw script.volumeError;
      return { id: volumeId, ...volume } as Volume;
    },
    async showVolumeExchange(volumeId: string) {
      const status = next(script.volumeAnswers, "showVolumeExchange");
      calls.push(`showVolumeExchange ${volumeId}`);
      return exchange(status);
    },
  };
  const bms = {
    async listAttachments(serverId: string) {
      const ids = next(script.attachments, "listAttachments");
      calls.push(`listAttachments ${serverId}`);
      return ids.map((volumeId) => ({ volumeId, serverId }) as VolumeAttachment);
    },
    async showServerExchange(serverId: string) {
      const answer = next(script.serverAnswers, "showServerExchange");
      calls.push(`showServerExchange ${serverId}`);
      return exchange(answer.status, answer.body);
    },
  };
  return { evs: evs as unknown as EvsClient, bms: bms as unknown as BmsClient, calls, exchange };
}
