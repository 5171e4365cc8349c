import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { GREEN, type Verdict } from "../engine/outcome.ts";
import { ConfigurationError } from "./configuration-error.ts";

/**
 * The ids of the scenarios that were not green in the last run whose reports are in `dir`,
 * in the order results.json lists them, each once (a merged file lists a scenario per target).
 */
export async function failedIds(dir: string): Promise<string[]> {
  const path = join(resolve(dir), "results.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new ConfigurationError(
      `--failed reruns what the last run left red, but there is no ${path}; run without --failed first, or give --reports the folder of that run`,
    );
  }
  const scenarios = scenariosOf(text);
  if (!scenarios) {
    throw new ConfigurationError(`--failed: ${path} is not a results.json of this suite`);
  }
  const red = scenarios.filter((s) => !GREEN.includes(s.verdict)).map((s) => s.id);
  if (red.length === 0) {
    throw new ConfigurationError(
      `--failed: every scenario in ${path} was green; there is nothing to rerun`,
    );
  }
  return [...new Set(red)];
}

function scenariosOf(text: string): { id: string; verdict: Verdict }[] | undefined {
  try {
    const file = JSON.parse(text) as { scenarios?: unknown };
    if (!Array.isArray(file.scenarios)) return undefined;
    const valid = file.scenarios.every(
      (s) => typeof s?.id === "string" && typeof s?.verdict === "string",
    );
    return valid ? (file.scenarios as { id: string; verdict: Verdict }[]) : undefined;
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
