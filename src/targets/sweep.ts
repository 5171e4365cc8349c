import type { Clients } from "../clients/clients.ts";
import type { TargetDescription } from "../config/description.ts";
import { loadContract } from "../contract/load-spec.ts";
import type { Leftover } from "../resources/cleanup.ts";
import { type FoundLeftovers, findLeftovers, removeLeftovers } from "../resources/leftovers.ts";
import { DEFAULT_BUDGET } from "../resources/waiters.ts";
import { realClock } from "../transport/clock.ts";
import { createTransport } from "../transport/transport.ts";
import { roleClients } from "./wiring.ts";

export interface SweepOptions {
  /** Only what the run with this id created; default every run's. */
  runId?: string;
  /** Each wait's budget. */
  budgetMs?: number;
  /** Asked with what was found; removing goes ahead only on `true`. */
  confirm?: (found: FoundLeftovers) => Promise<boolean>;
}

export interface SweepResult {
  found: FoundLeftovers;
  removed: boolean;
  /** What could not be removed. */
  left: Leftover[];
}

/**
 * Finds what runs left on a target by the suite's name prefix and removes it: servers first
 * (deleting one detaches its volumes), then volumes. An admin, when the target gives one, can
 * release a volume Nova left reserved.
 */
export async function sweepLeftovers(
  description: TargetDescription,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const transport = createTransport(description);
  try {
    const contract = await loadContract();
    const member = await roleClients(description, "member", transport, contract);
    const found = await findLeftovers(member, options.runId);
    if (found.servers.length + found.volumes.length === 0) {
      return { found, removed: false, left: [] };
    }
    if (options.confirm && !(await options.confirm(found))) {
      return { found, removed: false, left: [] };
    }
    const admin: Clients | undefined = description.auth.admin
      ? await roleClients(description, "admin", transport, contract)
      : undefined;
    const budget = { ...DEFAULT_BUDGET, ...(options.budgetMs && { budgetMs: options.budgetMs }) };
    const left = await removeLeftovers(member, found, { clock: realClock, budget }, admin);
    return { found, removed: true, left };
  } finally {
    await transport.close();
  }
}

/** One line per resource found, with its id. */
export function describeFound(found: FoundLeftovers): string[] {
  return [
    ...found.servers.map((s) => `server ${s.id} ${s.name}`),
    ...found.volumes.map((v) => `volume ${v.id} ${v.name}`),
  ];
}
