import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Volume } from "../clients/evs.ts";
import type { TargetDescription } from "../config/description.ts";
import type { Scenario } from "../engine/scenario.ts";
import { CASSETTE_DIR } from "../paths.ts";
import type { ServerFixture } from "../resources/fixtures.ts";
import type { CredentialKind, Exchange } from "../transport/exchange.ts";

/** Response headers that say nothing about the contract and only make diffs noisy. */
const DROPPED_HEADERS = ["content-length", "connection", "keep-alive", "date", "transfer-encoding"];

/** One recorded exchange. JSON bodies are stored parsed, so a review reads them as data. */
export interface RecordedExchange {
  operationId?: string;
  request: {
    method: string;
    url: string;
    /** Which credential sent it, never its value: a replay must send the same kind. */
    credentialKind?: CredentialKind;
    headers: Record<string, string>;
    body?: unknown;
    bodyText?: string;
  };
  response: {
    status: number;
    headers: Record<string, string>;
    body?: unknown;
    bodyText?: string;
  };
}

/** The exchanges of one scenario, recorded from a real server and redacted. */
export interface Cassette {
  scenario: { id: string; title: string };
  target: { name: string; family: string };
  recordedAt: string;
  /** Random values the scenario drew (run id, unknown ids), replayed as recorded. */
  values: Record<string, string>;
  /** Figures measured while recording (ms), e.g. the time until both APIs agree. */
  measurements?: Record<string, number>;
  /**
   * What the scenario used of what the run shared: the server it attached its volumes to, and
   * the volumes it borrowed, by label, as lent.
   */
  shared?: Shared;
  exchanges: RecordedExchange[];
}

export interface Shared {
  server?: ServerFixture;
  volumes?: Record<string, Volume>;
}

/** The target and its authentication, shared by every scenario of a recording. */
export interface SessionCassette {
  /** The description with every credential replaced. */
  target: TargetDescription;
  recordedAt: string;
  exchanges: RecordedExchange[];
}

export function cassettePath(scenario: Pick<Scenario, "id" | "operation">, dir = CASSETTE_DIR) {
  const folder = scenario.operation === "detachVolume" ? "evs" : "bms";
  return join(dir, folder, `${scenario.id}.json`);
}

export function sessionCassettePath(dir = CASSETTE_DIR): string {
  return join(dir, "session.json");
}

export function toRecorded(exchange: Exchange): RecordedExchange {
  return {
    ...(exchange.operationId ? { operationId: exchange.operationId } : {}),
    request: {
      method: exchange.request.method,
      url: exchange.request.url,
      ...(exchange.request.credentialKind && { credentialKind: exchange.request.credentialKind }),
      headers: sortKeys(exchange.request.headers),
      ...bodyOf(exchange.request.body),
    },
    response: {
      status: exchange.response.status,
      headers: sortKeys(
        Object.fromEntries(
          Object.entries(exchange.response.headers).filter(
            ([name]) => !DROPPED_HEADERS.includes(name),
          ),
        ),
      ),
      ...bodyOf(exchange.response.bodyText),
    },
  };
}

/** The text to send back for a recorded body: the same JSON, or the same text. */
export function bodyText(part: { body?: unknown; bodyText?: string }): string {
  if (part.body !== undefined) return JSON.stringify(part.body);
  return part.bodyText ?? "";
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function readJson<T>(path: string, what: string): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new CassetteError(
      `${what} ${path} does not exist; record it with \`npm run conformance -- record\``,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CassetteError(
      `${what} ${path} is not valid JSON (${(error as Error).message}); restore it from git or record it again`,
    );
  }
}

export class CassetteError extends Error {
  override readonly name = "CassetteError";
}

function bodyOf(text: string | undefined): { body?: unknown; bodyText?: string } {
  if (text === undefined || text === "") return {};
  try {
    const body: unknown = JSON.parse(text);
    // Only keep the parsed form when it serialises back to the same bytes' meaning.
    if (typeof body === "object" && body !== null) return { body };
  } catch {
    // Not JSON: kept verbatim below.
  }
  return { bodyText: text };
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
