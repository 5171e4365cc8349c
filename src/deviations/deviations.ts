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
  /** What the response the finding is about must be, where a pattern on `actual` cannot say it. */
  response?: ResponseCondition;
  reason: string;
}

/** Conditions on the response itself; every one given must hold. */
export interface ResponseCondition {
  /** The HTTP status. */
  status?: number;
  /** The error envelope's fault `code` is a JSON integer equal to the HTTP status. */
  codeIsStatus?: boolean;
  /** Regular expression the error envelope's `message` must match. */
  message?: string;
}

const RESPONSE_FIELDS = ["status", "codeIsStatus", "message"];

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
    if (condition !== undefined) {
      const unknown =
        typeof condition === "object" && condition !== null && !Array.isArray(condition)
          ? Object.keys(condition).filter((key) => !RESPONSE_FIELDS.includes(key))
          : ["(not a mapping)"];
      if (unknown.length > 0) {
        throw new Error(
          `${path}: deviations[${index}].response may hold only ${RESPONSE_FIELDS.join(", ")}; found ${unknown.join(", ")}`,
        );
      }
    }
  }
  return { family, description: "", ...file, deviations };
}

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
      (!entry.response || holds(entry.response, context.exchange)),
  );
}

/** The response condition in words, for the documentation; `undefined` without one. */
export function describeCondition(condition: ResponseCondition | undefined): string | undefined {
  if (!condition) return undefined;
  const parts = [
    condition.status !== undefined && `status ${condition.status}`,
    condition.codeIsStatus && "fault code = the HTTP status",
    condition.message !== undefined && `fault message matches /${condition.message}/`,
  ].filter((part): part is string => typeof part === "string");
  return parts.join("; ");
}

function holds(condition: ResponseCondition, exchange: Exchange | undefined): boolean {
  if (!exchange) return false;
  const { status } = exchange.response;
  if (condition.status !== undefined && status !== condition.status) return false;
  if (condition.codeIsStatus === undefined && condition.message === undefined) return true;
  const body = jsonBody(exchange);
  const faults = typeof body === "object" && body !== null ? Object.values(body) : [];
  const fault = faults.length === 1 ? (faults[0] as { code?: unknown; message?: unknown }) : null;
  if (typeof fault !== "object" || fault === null) return false;
  if (condition.codeIsStatus && fault.code !== status) return false;
  if (
    condition.message !== undefined &&
    !(typeof fault.message === "string" && new RegExp(condition.message).test(fault.message))
  ) {
    return false;
  }
  return true;
}
