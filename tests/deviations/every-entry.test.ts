import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FAULT_NAMES } from "../../src/checks/error-envelope.ts";
import { runChecks } from "../../src/checks/registry.ts";
import type { Finding } from "../../src/checks/types.ts";
import { loadContract } from "../../src/contract/load-spec.ts";
import {
  type Deviation,
  type DeviationFile,
  explain,
  loadDeviations,
  requiredConditions,
} from "../../src/deviations/deviations.ts";
import { CASSETTE_DIR } from "../../src/paths.ts";
import { bodyText, type Cassette } from "../../src/targets/cassette.ts";
import type { Exchange } from "../../src/transport/exchange.ts";
import { CATALOG } from "../scenarios/catalog.ts";

// Every entry of the ledger, table-driven from the yaml so that a new entry is covered too: it
// explains some real answer of the committed cassettes, and refuses that answer once one thing
// its reason names is planted just outside it (the status, the fault name, the message, the
// code), with the failed finding left exactly as it was.

const file = loadDeviations("upstream-openstack");

interface Explained {
  scenarioId: string;
  exchange: Exchange;
  finding: Finding;
  path: string;
}

/** Each real answer of the cassettes with each failed finding the one entry explains. */
const explained = new Map<string, Explained[]>();

beforeAll(async () => {
  const contract = await loadContract();
  const cassettes = ["evs", "bms"].flatMap((dir) =>
    readdirSync(join(CASSETTE_DIR, dir)).map(
      (name) => JSON.parse(readFileSync(join(CASSETTE_DIR, dir, name), "utf8")) as Cassette,
    ),
  );
  for (const entry of file.deviations) {
    const only: DeviationFile = { ...file, deviations: [entry] };
    const found: Explained[] = [];
    for (const cassette of cassettes) {
      const scenarioId = cassette.scenario.id;
      const scenario = CATALOG.find((s) => (s.baseId ?? s.id) === scenarioId);
      for (const recorded of cassette.exchanges) {
        const { operationId } = recorded;
        if (!operationId || !entry.operations.includes(operationId)) continue;
        const exchange: Exchange = {
          operationId,
          request: { ...recorded.request, body: bodyText(recorded.request) },
          response: { ...recorded.response, bodyText: bodyText(recorded.response) },
        };
        const expected =
          scenario?.operation === operationId
            ? scenario.expect
            : { status: exchange.response.status };
        const operation = contract.operation(operationId);
        const { path } = operation;
        for (const finding of runChecks({ exchange, operation, expected })) {
          const context = { scenarioId, operationId, exchange, path };
          if (!finding.ok && explain(only, finding, context)) {
            found.push({ scenarioId, exchange, finding, path });
          }
        }
      }
    }
    explained.set(entry.id, found);
  }
}, 60_000);

type Planted = (exchange: Exchange) => Exchange;

/** A UUID, a project id or a made-up id such as `not-a-server-id`, as messages quote them. */
const IDS =
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}|not-a-[a-z]+-id/g;
const otherId = (id: string) =>
  id.length === 32 ? "f".repeat(32) : "0b5e3d1c-7c3e-4f4a-9d1e-6f0a2b9c8d7e";

const withStatus =
  (status: number): Planted =>
  (exchange) => ({
    ...exchange,
    response: { ...exchange.response, status },
  });

function onFault(change: (name: string, inner: Record<string, unknown>) => object): Planted {
  return (exchange) => {
    const body = JSON.parse(exchange.response.bodyText) as Record<string, object>;
    const [name, inner] = Object.entries(body)[0] ?? [];
    if (!name || !inner) throw new Error("no fault envelope to plant into");
    const bodyText = JSON.stringify(change(name, inner as Record<string, unknown>));
    return { ...exchange, response: { ...exchange.response, bodyText } };
  };
}

/** Answers just outside what the entry names, each with what it changed. */
function justOutside(entry: Deviation, status: number): [string, Planted][] {
  const condition = entry.response ?? {};
  const other = status === 404 ? 400 : status + 1;
  const planted: [string, Planted][] = [[`status ${other}`, withStatus(other)]];
  const fault = condition.fault;
  if (fault !== undefined) {
    const name = FAULT_NAMES.find((candidate) => candidate !== fault && candidate !== "error");
    planted.push([`fault ${name}`, onFault((_, inner) => ({ [name ?? "computeFault"]: inner }))]);
  }
  if (condition.message !== undefined) {
    for (const [label, change] of [
      ["a word before the message", (message: unknown) => `Also: ${String(message)}`],
      ["a word after the message", (message: unknown) => `${String(message)} (retry later)`],
      ["another message", () => "Invalid input for field/attribute volume. Value: x."],
    ] as const) {
      planted.push([
        label,
        onFault((name, inner) => ({ [name]: { ...inner, message: change(inner.message) } })),
      ]);
    }
  }
  if (/\{[a-z_]+\}/.test(condition.message ?? "")) {
    // The pattern names the request's own ids: the same message about other ones is refused.
    planted.push([
      "the ids of another request in the message",
      onFault((name, inner) => ({
        [name]: { ...inner, message: String(inner.message).replace(IDS, otherId) },
      })),
    ]);
  }
  if (condition.codeIsStatus) {
    planted.push([
      `code ${other}, an integer that is not the status`,
      onFault((name, inner) => ({ [name]: { ...inner, code: other } })),
    ]);
  }
  return planted;
}

describe.each(file.deviations.map((entry) => [entry.id, entry] as const))(
  "ledger entry %s",
  (id, entry) => {
    it("names what its kind requires", () => {
      const condition = entry.response;
      expect(condition, id).toBeDefined();
      for (const field of requiredConditions(condition ?? {})) {
        expect(condition?.[field], `${id}: response.${field}`).toBeDefined();
      }
      if (condition?.message !== undefined) {
        expect(condition.message, `${id}: anchored`).toMatch(/^\^.*\$$/);
      }
    });

    it("explains a real answer of the cassettes, and none just outside it", () => {
      const found = explained.get(id) ?? [];
      expect(found.length, `${id} explains no answer of tests/cassettes`).toBeGreaterThan(0);
      const only: DeviationFile = { ...file, deviations: [entry] };
      for (const { scenarioId, exchange, finding, path } of found) {
        const operationId = exchange.operationId ?? "";
        const outside = justOutside(entry, exchange.response.status);
        expect(outside.length).toBeGreaterThan(0);
        for (const [label, plant] of outside) {
          const context = { scenarioId, operationId, exchange: plant(exchange), path };
          expect(
            explain(only, finding, context)?.id,
            `${id} on ${scenarioId} (${finding.check} ${finding.actual}) with ${label}`,
          ).toBeUndefined();
        }
      }
    });
  },
);
