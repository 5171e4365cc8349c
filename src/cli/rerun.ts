import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { GREEN } from "../engine/outcome.ts";
import { RESULTS_SCHEMA_VERSION, type ResultsFile } from "../reports/results.ts";
import { ConfigurationError } from "./configuration-error.ts";

/** The last run whose reports are in a folder, and what it left red. */
export interface LastRun {
  path: string;
  file: ResultsFile;
  /** The ids that were not green, in the order results.json lists them, each once. */
  red: string[];
}

/**
 * Reads the results.json in `dir` for `--failed`. A merged file lists a scenario once per
 * target, hence each id once.
 */
export async function lastRun(dir: string): Promise<LastRun> {
  const path = join(resolve(dir), "results.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new ConfigurationError(
      `--failed reruns what the last run left red, but there is no ${path}; run without --failed first, or give --reports the folder of that run`,
    );
  }
  const file = resultsOf(text);
  if (!file) {
    throw new ConfigurationError(
      `--failed: ${path} is not a results.json of this suite (schema version ${RESULTS_SCHEMA_VERSION}); run without --failed to write one`,
    );
  }
  const red = file.scenarios.filter((s) => !GREEN.includes(s.verdict)).map((s) => s.id);
  return { path, file, red: [...new Set(red)] };
}

function resultsOf(text: string): ResultsFile | undefined {
  try {
    const file = JSON.parse(text) as Partial<ResultsFile>;
    if (file.schemaVersion !== RESULTS_SCHEMA_VERSION || !Array.isArray(file.scenarios)) {
      return undefined;
    }
    const valid = file.scenarios.every(
      (s) => typeof s?.id === "string" && typeof s?.verdict === "string",
    );
    return valid ? (file as ResultsFile) : undefined;
  } catch {
    return undefined;
  }
}

/** `--concurrency`: how many scenarios run at once. */
export function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) {
    throw new ConfigurationError(
      `--concurrency takes a whole number of scenarios to run at once, 1 or more, not ${value}`,
    );
  }
  return n;
}
