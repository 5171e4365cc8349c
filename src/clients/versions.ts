import type { ApiRequest } from "./api.ts";
import type { Clients } from "./clients.ts";

/**
 * The API versions a call under test can name: the points of the catalog's version dimension.
 * Each says what the call sends; `newest` is read from the target's version document per run.
 */
export const API_VERSIONS = {
  unversioned: "no microversion header: the server's base version, as the pages show the call",
  "3.0": "OpenStack-API-Version: volume 3.0, Cinder v3's base microversion",
  newest: "the newest microversion the target's version document lists",
  "legacy-v2": "Nova's legacy /v2 path instead of /v2.1, no microversion header",
} as const;
export type ApiVersion = keyof typeof API_VERSIONS;

/** Which versions each operation under test can be called at. */
export const VERSIONS_OF: Record<"detachVolume" | "detachServerVolume", readonly ApiVersion[]> = {
  detachVolume: ["unversioned", "3.0", "newest"],
  detachServerVolume: ["unversioned", "newest", "legacy-v2"],
};

/** What a call sends to be at a version. */
export type VersionRequest = Pick<ApiRequest, "microversion" | "volumeMicroversion" | "pathPrefix">;

export interface ResolvedVersion {
  version: ApiVersion;
  /** The microversion sent, once `newest` is read; absent when none is sent. */
  microversion?: string;
  request: VersionRequest;
}

export const UNVERSIONED: ResolvedVersion = { version: "unversioned", request: {} };

/**
 * Turns a version into what the call sends; `newest` asks the target's version document.
 * That the operation has the version is checked once, when the catalog is built (atVersions).
 */
export async function resolveVersion(
  clients: Clients,
  operation: keyof typeof VERSIONS_OF,
  version: ApiVersion,
): Promise<ResolvedVersion> {
  const volume = operation === "detachVolume";
  switch (version) {
    case "unversioned":
      return UNVERSIONED;
    case "legacy-v2":
      return { version, request: { pathPrefix: { from: "/v2.1/", to: "/v2/" } } };
    case "3.0":
      return { version, microversion: "3.0", request: { volumeMicroversion: "3.0" } };
    case "newest": {
      const microversion = volume
        ? await clients.evs.newestMicroversion()
        : await clients.bms.newestMicroversion();
      return {
        version,
        microversion,
        request: volume ? { volumeMicroversion: microversion } : { microversion },
      };
    }
  }
}
