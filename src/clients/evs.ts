import type { operations as Evs } from "../../generated/evs.ts";
import type { operations as EvsSetup } from "../../generated/evs-setup-actions.ts";
import type { Exchange } from "../transport/exchange.ts";
import type { Api, ApiRequest } from "./api.ts";
import { expectStatus } from "./support-call.ts";
import type { JsonBody, JsonResponse } from "./typing.ts";
import type { VersionRequest } from "./versions.ts";

export type DetachVolumeBody = JsonBody<Evs, "detachVolume">;
export type CreateVolumeBody = JsonBody<Evs, "createVolume">;
export type VolumeSetupAction = JsonBody<EvsSetup, "volumeSetupAction">;
export type Volume = JsonResponse<Evs, "showVolume", 200>["volume"];
export type VolumeSummary = JsonResponse<Evs, "listVolumes", 200>["volumes"][number];

/** Typed calls of the EVS (Cinder) operations. */
export function evsClient(api: Api) {
  return {
    /** The operation under test; the exchange goes to the checks as it came. */
    detachVolume: (
      volumeId: string,
      body: DetachVolumeBody,
      version: VersionRequest = {},
    ): Promise<Exchange> =>
      api.call("detachVolume", { ...version, path: { volume_id: volumeId }, json: body }),

    /** The operation under test with a body the contract forbids. */
    detachVolumeRaw: (volumeId: string, body: string, contentType?: string): Promise<Exchange> =>
      api.call("detachVolume", {
        path: { volume_id: volumeId },
        raw: { body, ...(contentType ? { contentType } : {}) },
      }),

    /**
     * The operation under test as `request` shapes it: another token or none, a microversion,
     * a raw body, or another `project_id` in the path.
     */
    detachVolumeRequest: (
      volumeId: string,
      request: Omit<ApiRequest, "path">,
      projectId?: string,
    ): Promise<Exchange> =>
      api.call("detachVolume", {
        ...request,
        path: { volume_id: volumeId, ...(projectId ? { project_id: projectId } : {}) },
      }),

    /** The newest v3 microversion the volume endpoint serves, from its version documents. */
    async newestMicroversion(): Promise<string> {
      const exchange = await api.call("listVolumeVersions");
      const { versions } = expectStatus<JsonResponse<Evs, "listVolumeVersions", 300>>(
        exchange,
        300,
      );
      const v3 = versions.find((v) => v.id.startsWith("v3"));
      if (!v3) throw new Error("the volume endpoint lists no v3 API");
      return v3.version;
    },

    async createVolume(body: CreateVolumeBody): Promise<Volume> {
      const exchange = await api.call("createVolume", { json: body });
      return expectStatus<JsonResponse<Evs, "createVolume", 202>>(exchange, 202).volume as Volume;
    },

    showVolumeExchange: (volumeId: string): Promise<Exchange> =>
      api.call("showVolume", { path: { volume_id: volumeId } }),

    async showVolume(volumeId: string): Promise<Volume> {
      const exchange = await api.call("showVolume", { path: { volume_id: volumeId } });
      return expectStatus<JsonResponse<Evs, "showVolume", 200>>(exchange, 200).volume;
    },

    async deleteVolume(volumeId: string): Promise<void> {
      const exchange = await api.call("deleteVolume", { path: { volume_id: volumeId } });
      expectStatus(exchange, 202, 404);
    },

    async listVolumes(query: Record<string, string> = {}): Promise<VolumeSummary[]> {
      const exchange = await api.call("listVolumes", { query });
      return expectStatus<JsonResponse<Evs, "listVolumes", 200>>(exchange, 200).volumes;
    },

    async setupAction(volumeId: string, body: VolumeSetupAction): Promise<void> {
      const exchange = await api.call("volumeSetupAction", {
        path: { volume_id: volumeId },
        json: body,
      });
      expectStatus(exchange, 200, 202);
    },
  };
}

export type EvsClient = ReturnType<typeof evsClient>;
