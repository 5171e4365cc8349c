// Endpoint lookup in a Keystone v3 service catalog (`token.catalog`).
import type { Service } from "../config/description.ts";

export interface CatalogEndpoint {
  interface: string;
  url: string;
  region?: string | null;
  region_id?: string | null;
}

export interface CatalogEntry {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/**
 * Catalog types that serve each service, in order of preference: clouds register Cinder under
 * different names (OTC's EVS as `evs` or `volumev2`).
 */
export const SERVICE_TYPES: Record<Service, readonly string[]> = {
  volume: ["volumev3", "block-storage", "volumev2", "volume", "evs"],
  compute: ["compute"],
};

/** The base URL of the first public endpoint for the service, or undefined. */
export function catalogEndpoint(
  catalog: readonly CatalogEntry[],
  service: Service,
  region?: string,
): string | undefined {
  for (const type of SERVICE_TYPES[service]) {
    const endpoint = catalog
      .find((entry) => entry.type === type)
      ?.endpoints.find(
        (e) =>
          e.interface === "public" &&
          (region === undefined || (e.region_id ?? e.region) === region),
      );
    if (endpoint) return serviceBaseUrl(endpoint.url);
  }
  return undefined;
}

/**
 * Drops the API version and what follows (`/v3/<project>`, `/v2.1`): the suite appends the
 * documented paths itself. A prefix before the version (devstack's `/volume`) is kept.
 */
export function serviceBaseUrl(url: string): string {
  const parsed = new URL(url);
  const segments = parsed.pathname.split("/").filter((s) => s !== "");
  const version = segments.findIndex((s) => /^v\d+(\.\d+)?$/.test(s));
  const kept = version === -1 ? segments : segments.slice(0, version);
  return parsed.origin + kept.map((s) => `/${s}`).join("");
}
