import { randomBytes, randomUUID } from "node:crypto";
import { openSession, type Session } from "../auth/session.ts";
import type { Role, TargetDescription } from "../config/description.ts";
import type { Contract } from "../contract/load-spec.ts";
import type { Scenario } from "../engine/scenario.ts";
import {
  type Interposer,
  QUIET_HOOKS,
  type ScenarioSession,
  type SessionHooks,
  type Target,
} from "../engine/target.ts";
import { Redactor } from "../redaction/redact.ts";
import { pauseProcess } from "../resources/compute-pause.ts";
import { resourceName } from "../resources/names.ts";
import { RunServer } from "../resources/run-server.ts";
import { RunVolumes } from "../resources/run-volumes.ts";
import { DEFAULT_BUDGET, type WaitBudget } from "../resources/waiters.ts";
import { realClock } from "../transport/clock.ts";
import { type Exchange, headersToRecord } from "../transport/exchange.ts";
import { DEFAULT_RETRY, type RetryPolicy } from "../transport/retry.ts";
import { createTransport, type Transport } from "../transport/transport.ts";
import {
  type Cassette,
  cassettePath,
  type SessionCassette,
  type Shared,
  sessionCassettePath,
  toRecorded,
  writeJson,
} from "./cassette.ts";
import {
  clientsFor,
  recordInto,
  sanitizedDescription,
  unmetRequirement,
  valueStore,
} from "./wiring.ts";

export interface LiveOptions {
  description: TargetDescription;
  contract: Contract;
  /** Writes one redacted cassette per scenario, and the session's, into this folder. */
  recordTo?: string;
  budget?: WaitBudget;
  interpose?: Interposer;
  /** Scrubs what a recording writes; replaceable only to prove that the leak test notices. */
  redactor?: Redactor;
  /** How reads are retried; default DEFAULT_RETRY. */
  retry?: RetryPolicy;
  /**
   * Names every resource of the run (`conformance-<runId>-…`); the command line passes its own,
   * so that it can find what an interrupted run left behind. Default: random.
   */
  runId?: string;
}

/** A real endpoint: the user's staging cloud or the project's own OpenStack target. */
export async function createLiveTarget(options: LiveOptions): Promise<Target> {
  const { description, contract, recordTo } = options;
  const transport = createTransport(description);
  const redactor = options.redactor ?? new Redactor();
  redactor.learnValue(description);
  const sessionExchanges: Exchange[] = [];
  const session = (role: Role) =>
    openSession(
      description,
      role,
      recordTo ? observed(transport, sessionExchanges, role) : transport,
    );
  const member = await session("member");
  const admin = description.auth.admin ? await session("admin") : undefined;
  const reader = description.auth.reader ? await session("reader") : undefined;
  const runId = options.runId ?? newRunId();
  const startedAt = new Date().toISOString();
  const budget = options.budget ?? DEFAULT_BUDGET;
  const fetchFn = transport.fetch as typeof fetch;
  const retry = { ...(options.retry ?? DEFAULT_RETRY), clock: realClock };

  // Every scenario's exchanges, for what they teach the redactor: a secret one scenario was
  // handed (a new server's root password) may be echoed in another's error.
  const allExchanges: Exchange[][] = [];
  const resources = description.resources ?? {};
  // The boot's answers (the server's adminPass) are learned at once, not kept: a scenario's
  // cassette, written before the run ends, may echo them.
  const learn = (exchange: Exchange) => redactor.learn(exchange);
  const runLevel = {
    member: clientsFor(member, description, contract, fetchFn, learn, retry),
    resources,
    waiting: { clock: realClock, budget },
    name: (label: string) => resourceName(runId, "shared", label),
    uuid: () => randomUUID(),
  };
  const runServer = new RunServer(runLevel);
  const runVolumes = new RunVolumes(runLevel);
  const release = async () => {
    const [server, volumes] = await Promise.all([runServer.release(), runVolumes.release()]);
    return [...server, ...volumes];
  };

  const open = async (
    scenario: Scenario,
    hooks: SessionHooks = QUIET_HOOKS,
  ): Promise<ScenarioSession> => {
    const exchanges: Exchange[] = [];
    allExchanges.push(exchanges);
    const store = valueStore({ run: runId });
    const measurements: Record<string, number> = {};
    const shared: Shared = {};
    const scenarioFetch = options.interpose ? options.interpose(fetchFn, scenario) : fetchFn;
    const record = recordInto(exchanges, hooks);
    const clients = (session: Session) =>
      clientsFor(session, description, contract, scenarioFetch, record, retry);
    return {
      runId,
      member: clients(member),
      admin: admin && clients(admin),
      reader: reader && clients(reader),
      resources,
      waiting: {
        clock: realClock,
        budget,
        progress: hooks.onProgress,
      },
      exchanges,
      uuid: store.uuid,
      measure(label, ms) {
        measurements[label] = ms;
        return ms;
      },
      async sharedServer() {
        shared.server = await runServer.get();
        return shared.server;
      },
      async sharedVolume(label) {
        // The recording keeps borrowed volumes by label: a second under one would replay wrong.
        if (shared.volumes?.[label])
          throw new Error(`the scenario borrowed a volume ${label} twice`);
        const volume = await runVolumes.lend();
        shared.volumes = { ...shared.volumes, [label]: volume };
        return volume;
      },
      returnVolume: (volume) => runVolumes.giveBack(volume),
      async pauseCompute() {
        if (!resources.computePidFile) {
          throw new Error("the target names no resources.computePidFile to pause its compute");
        }
        return pauseProcess(resources.computePidFile);
      },
      async finish(outcome) {
        // A run that could not judge recorded nothing worth replaying; the old cassette stays.
        if (!recordTo || outcome.verdict === "error") return;
        const cassette: Cassette = {
          scenario: { id: scenario.id, title: scenario.title },
          target: { name: description.name, family: description.family },
          recordedAt: startedAt,
          values: store.values,
          ...(Object.keys(measurements).length > 0 && { measurements }),
          ...(Object.keys(shared).length > 0 && { shared }),
          exchanges: exchanges.map((exchange) => toRecorded(redactor.exchange(exchange))),
        };
        writeJson(
          cassettePath(scenario, recordTo),
          JSON.parse(redactor.text(JSON.stringify(cassette))),
        );
      },
    };
  };

  return {
    name: description.name,
    family: description.family,
    mode: recordTo ? "record" : "live",
    concurrent: true,
    operation: (id) => contract.operation(id),
    unmet: (requirement, scenario) => unmetRequirement(description, requirement, scenario),
    openScenario: open,
    knownSecrets: () => {
      for (const exchange of allExchanges.flat()) redactor.learn(exchange);
      return redactor.known();
    },
    release,
    async close() {
      await release();
      if (recordTo) {
        const cassette: SessionCassette = {
          target: sanitizedDescription(description),
          recordedAt: startedAt,
          exchanges: sessionExchanges.map((exchange) => toRecorded(redactor.exchange(exchange))),
        };
        writeJson(
          sessionCassettePath(recordTo),
          JSON.parse(redactor.text(JSON.stringify(cassette))),
        );
      }
      await transport.close();
    },
  };
}

/** Short, so that resource names stay readable; unique enough for concurrent runs. */
export function newRunId(): string {
  return randomBytes(3).toString("hex");
}

/**
 * The transport, with every exchange it carries appended to `sink`: the token requests, each
 * sent with the password of `role`.
 */
function observed(transport: Transport, sink: Exchange[], role: Role): Transport {
  return {
    async fetch(url, init = {}) {
      const response = await transport.fetch(url, init);
      sink.push({
        request: {
          method: (init.method ?? "GET").toUpperCase(),
          url: String(url),
          credentialKind: role,
          headers: headersToRecord(new Headers(init.headers)),
          ...(typeof init.body === "string" ? { body: init.body } : {}),
        },
        response: {
          status: response.status,
          headers: headersToRecord(response.headers),
          bodyText: await response.clone().text(),
        },
      });
      return response;
    },
    close: () => transport.close(),
  };
}
