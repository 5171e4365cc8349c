import type { operations as Bms } from "../../generated/bms.ts";
import type { Exchange } from "../transport/exchange.ts";
import type { Api, ApiRequest } from "./api.ts";
import { expectStatus } from "./support-call.ts";
import type { JsonBody, JsonResponse } from "./typing.ts";
import type { VersionRequest } from "./versions.ts";

export type CreateServerBody = JsonBody<Bms, "createServer">;
export type ServerActionBody = JsonBody<Bms, "serverAction">;
export type AttachServerVolumeBody = JsonBody<Bms, "attachServerVolume">;
export type Server = JsonResponse<Bms, "showServer", 200>["server"];
export type VolumeAttachment = JsonResponse<
  Bms,
  "showServerVolumeAttachment",
  200
>["volumeAttachment"];
export type ServerSummary = JsonResponse<Bms, "listServers", 200>["servers"][number];

/**
 * Microversion for set-up calls: 2.60 lets Nova attach multiattach volumes, and
 * `networks: "none"` needs 2.37. The operation under test is called without one, as the
 * documentation shows it.
 */
export const SETUP_MICROVERSION = "2.60";

/** Typed calls of the BMS (Nova) operations. */
export function bmsClient(api: Api) {
  const mv = { microversion: SETUP_MICROVERSION };
  return {
    /** The operation under test; the exchange goes to the checks as it came. */
    detachServerVolume: (
      serverId: string,
      volumeId: string,
      version: VersionRequest = {},
    ): Promise<Exchange> =>
      api.call("detachServerVolume", {
        ...version,
        path: { server_id: serverId, volume_id: volumeId },
      }),

    /** The operation under test as `request` shapes it (token, microversion, path prefix). */
    detachServerVolumeRequest: (
      serverId: string,
      volumeId: string,
      request: Omit<ApiRequest, "path" | "json" | "raw">,
      projectId?: string,
    ): Promise<Exchange> =>
      api.call("detachServerVolume", {
        ...request,
        path: {
          server_id: serverId,
          volume_id: volumeId,
          ...(projectId ? { project_id: projectId } : {}),
        },
      }),

    /** The newest microversion the compute endpoint serves, from its version document. */
    async newestMicroversion(): Promise<string> {
      const exchange = await api.call("showComputeVersion");
      return expectStatus<JsonResponse<Bms, "showComputeVersion", 200>>(exchange, 200).version
        .version;
    },

    async createServer(body: CreateServerBody): Promise<{ id: string }> {
      const exchange = await api.call("createServer", { json: body, ...mv });
      return expectStatus<JsonResponse<Bms, "createServer", 202>>(exchange, 202).server;
    },

    showServerExchange: (serverId: string): Promise<Exchange> =>
      api.call("showServer", { path: { server_id: serverId }, ...mv }),

    async deleteServer(serverId: string): Promise<void> {
      const exchange = await api.call("deleteServer", { path: { server_id: serverId }, ...mv });
      expectStatus(exchange, 204, 404);
    },

    async listServers(query: Record<string, string> = {}): Promise<ServerSummary[]> {
      const exchange = await api.call("listServers", { query, ...mv });
      return expectStatus<JsonResponse<Bms, "listServers", 200>>(exchange, 200).servers;
    },

    async serverAction(serverId: string, body: ServerActionBody): Promise<void> {
      const exchange = await api.call("serverAction", {
        path: { server_id: serverId },
        json: body,
        ...mv,
      });
      expectStatus(exchange, 202);
    },

    /** Rescue is the one action Nova answers with 200 and a body (the rescue password). */
    async rescue(serverId: string): Promise<void> {
      const exchange = await api.call("serverAction", {
        path: { server_id: serverId },
        json: { rescue: null },
        ...mv,
      });
      expectStatus(exchange, 200);
    },

    async attachVolume(serverId: string, body: AttachServerVolumeBody): Promise<VolumeAttachment> {
      const exchange = await api.call("attachServerVolume", {
        path: { server_id: serverId },
        json: body,
        ...mv,
      });
      return expectStatus<JsonResponse<Bms, "attachServerVolume", 200>>(exchange, 200)
        .volumeAttachment;
    },

    async listAttachments(serverId: string): Promise<VolumeAttachment[]> {
      const exchange = await api.call("listServerVolumeAttachments", {
        path: { server_id: serverId },
        ...mv,
      });
      return expectStatus<JsonResponse<Bms, "listServerVolumeAttachments", 200>>(exchange, 200)
        .volumeAttachments;
    },
  };
}

export type BmsClient = ReturnType<typeof bmsClient>;
