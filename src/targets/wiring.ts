import { randomUUID } from "node:crypto";
import { openSession, type Session } from "../auth/session.ts";
import { Api } from "../clients/api.ts";
import { type Clients, clientsOf } from "../clients/clients.ts";
import { mapPath, type Role, type Service, type TargetDescription } from "../config/description.ts";
import type { Contract } from "../contract/load-spec.ts";
import type { Requirement, Scenario } from "../engine/scenario.ts";
import type { SessionHooks } from "../engine/target.ts";
import { MISSING } from "../resources/fixtures.ts";
import type { Exchange } from "../transport/exchange.ts";
import type { RetryPolicy } from "../transport/retry.ts";
import type { Transport } from "../transport/transport.ts";

/** The service that serves each document's operations. */
export const SERVICE_OF_DOCUMENT: Record<string, Service> = {
  "spec/evs.openapi.yaml": "volume",
  "spec/evs-setup-actions.openapi.yaml": "volume",
  "spec/bms.openapi.yaml": "compute",
};

/** Typed clients of one user whose exchanges all go to `record`. */
export function clientsFor(
  session: Session,
  description: TargetDescription,
  contract: Contract,
  fetchFn: typeof fetch,
  record: (exchange: Exchange) => void,
  retry?: RetryPolicy,
): Clients {
  return clientsOf(
    new Api({
      fetch: fetchFn,
      session,
      ...(retry && { retry }),
      route(operationId) {
        const operation = contract.operation(operationId);
        const service = SERVICE_OF_DOCUMENT[operation.document];
        if (!service) throw new Error(`${operationId} is not served by the volume or compute API`);
        return { method: operation.method, path: operation.path, service };
      },
      mapPath: (service, path) => mapPath(description, service, path),
      onExchange: record,
    }),
  );
}

/** Appends each exchange of a scenario to its log and tells the engine. */
export function recordInto(
  exchanges: Exchange[],
  hooks: SessionHooks,
): (exchange: Exchange) => void {
  return (exchange) => {
    exchanges.push(exchange);
    hooks.onExchange(exchange);
  };
}

/**
 * Typed clients of one role for work outside a scenario (cleanup, sweeps): a fresh session,
 * no exchange log, no retry policy.
 */
export async function roleClients(
  description: TargetDescription,
  role: Role,
  transport: Transport,
  contract: Contract,
): Promise<Clients> {
  const session = await openSession(description, role, transport);
  return clientsFor(session, description, contract, transport.fetch as typeof fetch, () => {});
}

/** Values a scenario draws, kept so that a recording can replay them. */
export function valueStore(initial: Record<string, string>) {
  const values = { ...initial };
  return {
    values,
    uuid(label: string): string {
      values[label] ??= randomUUID();
      return values[label];
    },
  };
}

/** Why a target described like this cannot meet a scenario's requirement. */
export function unmetRequirement(
  description: TargetDescription,
  requirement: Requirement,
  _scenario: Scenario,
): string | undefined {
  const resources = description.resources ?? {};
  switch (requirement) {
    case "admin":
      return description.auth.admin
        ? undefined
        : "the target gives no admin user (auth.admin in the target description)";
    case "reader":
      return description.auth.reader
        ? undefined
        : "the target names no reader-only user (auth.reader)";
    case "image":
      return resources.imageId ? undefined : MISSING.image;
    case "multiattach":
      return resources.multiattachVolumeType
        ? undefined
        : "the target names no multiattach volume type (resources.multiattachVolumeType)";
    case "server":
      return resources.serverId || resources.flavorId
        ? undefined
        : "the target gives neither a server (resources.serverId) nor a flavor to create one (resources.flavorId)";
    case "compute-pause":
      return resources.computePidFile
        ? undefined
        : "the target names no compute service it lets the suite pause (resources.computePidFile, only for a target on this machine)";
    case "own-server":
      if (resources.serverId) {
        return "the target names a shared server (resources.serverId); locking it or detaching its root volume would disturb it";
      }
      return resources.flavorId ? undefined : MISSING.flavor;
  }
}

/** A copy of the description fit to be committed: every credential replaced. */
export function sanitizedDescription(description: TargetDescription): TargetDescription {
  const { auth } = description;
  const user = (u: typeof auth.member) =>
    u && { ...(u.username ? { username: u.username } : {}), password: "REDACTED" };
  return {
    ...description,
    auth: {
      ...auth,
      ...(auth.member ? { member: user(auth.member) } : {}),
      ...(auth.admin ? { admin: user(auth.admin) } : {}),
      ...(auth.reader ? { reader: user(auth.reader) } : {}),
      ...(auth.token ? { token: "REDACTED" } : {}),
    },
    ...(description.tls ? { tls: {} } : {}),
  };
}
