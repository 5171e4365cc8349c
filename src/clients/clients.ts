import type { Api } from "./api.ts";
import { type BmsClient, bmsClient } from "./bms.ts";
import { type EvsClient, evsClient } from "./evs.ts";

/** The typed clients of one user. */
export interface Clients {
  api: Api;
  evs: EvsClient;
  bms: BmsClient;
}

export function clientsOf(api: Api): Clients {
  return { api, evs: evsClient(api), bms: bmsClient(api) };
}
