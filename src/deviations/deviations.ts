import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { Finding } from "../checks/types.ts";
import { DEVIATIONS_DIR } from "../paths.ts";

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
  reason: string;
}

export interface DeviationFile {
  family: string;
  description: string;
  deviations: Deviation[];
}

export interface FindingContext {
  scenarioId: string;
  operationId: string;
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
  for (const [index, entry] of deviations.entries()) {
    for (const field of ["id", "operations", "checks", "reason"] as const) {
      if (!entry?.[field]) {
        throw new Error(`${path}: deviations[${index}] has no ${field}; every entry needs one`);
      }
    }
    for (const field of ["operations", "checks", "scenarios"] as const) {
      if (entry[field] !== undefined && !Array.isArray(entry[field])) {
        throw new Error(
          `${path}: deviations[${index}].${field} must be a list, e.g. [${entry[field]}]`,
        );
      }
    }
  }
  return { family, description: "", ...file, deviations };
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
      (!entry.actual || new RegExp(entry.actual).test(finding.actual ?? "")),
  );
}
