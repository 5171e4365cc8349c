import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { Finding } from "../checks/types.ts";
import { DEVIATIONS_DIR } from "../paths.ts";
import { type Exchange, jsonBody } from "../transport/exchange.ts";

/** One reviewed, known difference between the documents and a family of servers. */
export interface Deviation {
  id: string;
  /** Operation ids it applies to. */
  operations: string[];
  /** Check names whose failure it explains. */
  checks: string[];
  /** Regular expression the finding's `actual` must match; any when absent. */
  actual?: string;
  /** Limits the entry to these scenario ids; any scenario when absent. */
  scenarios?: string[];
  /** The answer its reason explains; a ledger file's entry must name it (`requiredConditions`). */
  response?: ResponseCondition;
  reason: string;
}

/**
 * Conditions on the response itself; every one given must hold. Which are required depends on
 * what the entry is about (`requiredConditions`): an error answer names its status, fault and
 * message; a success status names the status; a fault code of every error says `codeIsStatus`.
 */
export interface ResponseCondition {
  /** The HTTP status. */
  status?: number;
  /** The error envelope's fault name, e.g. `conflictingRequest`. */
  fault?: string;
  /** Regular expression the error envelope's `message` must match. */
  message?: string;
  /** The error envelope's fault `code` is a JSON integer equal to the HTTP status. */
  codeIsStatus?: boolean;
  /**
   * The schema of spec/common.openapi.yaml the body must match under `status` where the
   * operation does not document that status; `ErrorEnvelope` (the fault envelope) when absent.
   */
  schema?: string;
}

const RESPONSE_FIELDS = ["status", "fault", "message", "codeIsStatus", "schema"];

/**
 * A response header the family must send on an operation's answers where the pages are
 * silent: the family's servers always send it, and operators depend on it.
 */
export interface RequiredHeader {
  header: string;
  operations: string[];
  reason: string;
}

/** A documented status no scenario can provoke on the family's servers, and why. */
export interface UnreachableStatus {
  operation: string;
  status: number;
  reason: string;
}

export interface DeviationFile {
  family: string;
  description: string;
  deviations: Deviation[];
  /** Absent: the family requires nothing beyond the documents. */
  requiredHeaders?: RequiredHeader[];
  unreachable?: UnreachableStatus[];
}

export interface FindingContext {
  scenarioId: string;
  operationId: string;
  /** The exchange the finding is about; an entry with a `response` condition needs it. */
  exchange?: Exchange;
  /** The operation's path template, whose `{name}` parameters a message pattern may name. */
  path?: string;
}

const folder = DEVIATIONS_DIR;

/** Loads `tests/deviations/<family>.yaml`; a family without a file has no known deviations. */
export function loadDeviations(family: string, dir = folder): DeviationFile {
  const path = `${dir}/${family}.yaml`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { family, description: "", deviations: [] };
  }
  // An empty file parses to null, and an empty `deviations:` list to null: both mean no entries.
  const file = (parse(text) ?? {}) as Partial<DeviationFile>;
  const deviations = file.deviations ?? [];
  requireFields(path, "unreachable", file.unreachable, ["operation", "status", "reason"]);
  requireFields(path, "requiredHeaders", file.requiredHeaders, ["header", "operations", "reason"]);
  requireFields(path, "deviations", deviations, ["id", "operations", "checks", "reason"]);
  for (const [index, entry] of deviations.entries()) {
    for (const field of ["operations", "checks", "scenarios"] as const) {
      if (entry[field] !== undefined && !Array.isArray(entry[field])) {
        throw new Error(
          `${path}: deviations[${index}].${field} must be a list, e.g. [${entry[field]}]`,
        );
      }
    }
    const condition: unknown = entry.response;
    if (condition === undefined) {
      throw new Error(
        `${path}: deviation ${entry.id} has no response; name the answer its reason explains (status, and for an error fault and message)`,
      );
    }
    const unknown =
      typeof condition === "object" && condition !== null && !Array.isArray(condition)
        ? Object.keys(condition).filter((key) => !RESPONSE_FIELDS.includes(key))
        : ["(not a mapping)"];
    if (unknown.length > 0) {
      throw new Error(
        `${path}: deviation ${entry.id}: response may hold only ${RESPONSE_FIELDS.join(", ")}; found ${unknown.join(", ")}`,
      );
    }
    const named = condition as ResponseCondition;
    const missing = requiredConditions(named).find((field) => named[field] === undefined);
    if (missing) {
      throw new Error(
        `${path}: deviation ${entry.id} has no response.${missing}; ${WHY_REQUIRED[missing]}`,
      );
    }
  }
  return { family, description: "", ...file, deviations };
}

/**
 * The conditions an entry must name to be as narrow as its reason: one about an error answer
 * names its status, fault and message; one about a success status (Nova's 202) its status;
 * one about the fault code of every error answer (no status) says the code is the status.
 */
export function requiredConditions(condition: ResponseCondition): (keyof ResponseCondition)[] {
  if (condition.status === undefined) {
    return condition.codeIsStatus ? [] : ["status"];
  }
  return condition.status >= 400 ? ["status", "fault", "message"] : ["status"];
}

const WHY_REQUIRED: Partial<Record<keyof ResponseCondition, string>> = {
  status:
    "name the HTTP status its reason explains (or codeIsStatus: true for an entry about the fault code of every error)",
  fault: "name the fault of the error answer its reason explains, e.g. conflictingRequest",
  message:
    'give an anchored pattern of the fault message its reason explains, e.g. "^Instance {server_id} is locked$"',
};

/** Every entry of a list in the file has each of `fields`, or the file is refused. */
function requireFields<T>(
  path: string,
  list: string,
  entries: readonly T[] | undefined,
  fields: readonly (keyof T)[],
): void {
  for (const [index, entry] of (entries ?? []).entries()) {
    for (const field of fields) {
      if (!entry?.[field]) {
        throw new Error(
          `${path}: ${list}[${index}] has no ${String(field)}; every entry needs one`,
        );
      }
    }
  }
}

/** The headers the family requires on an operation's answers, lower-cased. */
export function requiredHeadersOf(file: DeviationFile, operationId: string): string[] {
  return (file.requiredHeaders ?? [])
    .filter((entry) => entry.operations.includes(operationId))
    .map((entry) => entry.header.toLowerCase());
}

/** The entry that explains a failed finding, if any. */
export function explain(
  file: DeviationFile,
  finding: Finding,
  context: FindingContext,
): Deviation | undefined {
  return file.deviations.find(
    (entry) =>
      entry.checks.includes(finding.check) &&
      entry.operations.includes(context.operationId) &&
      (!entry.scenarios || entry.scenarios.includes(context.scenarioId)) &&
      (!entry.actual || new RegExp(entry.actual).test(finding.actual ?? "")) &&
      (!entry.response || holds(entry.response, context)),
  );
}

/**
 * By error status, the schema of spec/common.openapi.yaml the family's entries accept under it
 * for this operation and scenario, for the checks to judge an undocumented status's body by.
 */
export function acceptedBodiesOf(
  file: DeviationFile,
  operationId: string,
  scenarioId: string,
): Map<number, string> {
  const accepted = new Map<number, string>();
  for (const { operations, scenarios, response } of file.deviations) {
    if (!operations.includes(operationId) || (scenarios && !scenarios.includes(scenarioId))) {
      continue;
    }
    if (response?.status !== undefined && response.schema && !accepted.has(response.status)) {
      accepted.set(response.status, response.schema);
    }
  }
  return accepted;
}

/** The response condition in words, for the documentation; `undefined` without one. */
export function describeCondition(condition: ResponseCondition | undefined): string | undefined {
  if (!condition) return undefined;
  const parts = [
    condition.status !== undefined && `status ${condition.status}`,
    condition.fault !== undefined && `fault ${condition.fault}`,
    condition.message !== undefined && `fault message matches /${condition.message}/`,
    condition.codeIsStatus && "fault code = the HTTP status",
    condition.schema !== undefined && `body ${condition.schema}`,
  ].filter((part): part is string => typeof part === "string");
  return parts.join("; ");
}

function holds(condition: ResponseCondition, { exchange, path }: FindingContext): boolean {
  if (!exchange) return false;
  const { status } = exchange.response;
  if (condition.status !== undefined && status !== condition.status) return false;
  const { codeIsStatus, fault: name, message } = condition;
  if (codeIsStatus === undefined && name === undefined && message === undefined) return true;
  const body = jsonBody(exchange);
  const entries = typeof body === "object" && body !== null ? Object.entries(body) : [];
  const [only] = entries.length === 1 ? entries : [];
  if (!only || (name !== undefined && only[0] !== name)) return false;
  const fault = only[1] as { code?: unknown; message?: unknown } | null;
  if (typeof fault !== "object" || fault === null) return false;
  if (condition.codeIsStatus && fault.code !== status) return false;
  if (
    condition.message !== undefined &&
    !(
      typeof fault.message === "string" &&
      new RegExp(withParameters(condition.message, exchange, path)).test(fault.message)
    )
  ) {
    return false;
  }
  return true;
}

/**
 * The pattern with each `{name}` of the path template (`{server_id}`, `{volume_id}`, …) replaced
 * by the value the request sent, so that a message must name the request's own ids. The
 * template is aligned with the URL from the right: the version segment and a prefix of the
 * endpoint may differ. A name the path does not have stays as it is and matches nothing.
 */
function withParameters(pattern: string, exchange: Exchange, path: string | undefined): string {
  const names = (path ?? "").split("/").filter(Boolean);
  const values = new URL(exchange.request.url, "http://localhost").pathname
    .split("/")
    .filter(Boolean);
  const offset = values.length - names.length;
  const sent = new Map<string, string>();
  names.forEach((segment, index) => {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    const value = values[offset + index];
    if (name && value !== undefined && offset >= 0) sent.set(name, decodeURIComponent(value));
  });
  return pattern.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const value = sent.get(name);
    return value === undefined ? whole : value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
}
