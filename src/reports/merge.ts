import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { loadDeviations } from "../deviations/deviations.ts";
import type { ScenarioOutcome } from "../engine/outcome.ts";
import type { Exchange } from "../transport/exchange.ts";
import { renderHtmlReport } from "./html.ts";
import { renderJunit } from "./junit.ts";
import { renderMarkdown } from "./markdown.ts";
import { missingParts } from "./partition.ts";
import type { RunInfo } from "./report-data.ts";
import {
  RESULTS_SCHEMA_VERSION,
  type ResultsFile,
  renderResults,
  type ScenarioResult,
} from "./results.ts";

export class MergeError extends Error {}

/** One results.json to merge, and where it came from (for messages). */
export interface ShardResults {
  path: string;
  file: ResultsFile;
}

/** Reads results.json from each path: a file, or a reports folder that holds one. */
export async function readShardResults(paths: string[]): Promise<ShardResults[]> {
  return Promise.all(
    paths.map(async (given) => {
      let path = given;
      try {
        if ((await stat(given)).isDirectory()) path = join(given, "results.json");
        const file = JSON.parse(await readFile(path, "utf8")) as ResultsFile;
        if (file.schemaVersion !== RESULTS_SCHEMA_VERSION || !Array.isArray(file.scenarios)) {
          throw new MergeError(
            `${path} is not a results.json of schema version ${RESULTS_SCHEMA_VERSION}`,
          );
        }
        return { path, file };
      } catch (error) {
        if (error instanceof MergeError) throw error;
        throw new MergeError(`cannot read ${path}: ${(error as Error).message}`);
      }
    }),
  );
}

/**
 * The merged run: the outcomes of every shard and target, rebuilt from results.json, ordered by
 * target (as first given) and then by `order` (the catalog's ids). results.json does not keep
 * the exchanges of a green scenario, so its call under test is rebuilt from the summary
 * (method, path, status, content types) without bodies; a red scenario keeps all its redacted
 * exchanges. A scenario that two files hold for the same target is an error: shards overlap.
 * Shards missing or cut short are named in `run.incomplete`: they fail the merged run.
 */
export function mergeResults(
  shards: ShardResults[],
  order: readonly string[],
): { outcomes: ScenarioOutcome[]; run: RunInfo } {
  if (shards.length === 0) throw new MergeError("merge needs at least one results.json");
  const first = (shards[0] as ShardResults).file.run;
  for (const { path, file } of shards) {
    if (file.run.family !== first.family || file.run.mode !== first.mode) {
      throw new MergeError(
        `${path} is a ${file.run.mode} run of family ${file.run.family}, the first a ${first.mode} run of ${first.family}: merge joins runs of one family and mode`,
      );
    }
  }
  const targets = [...new Set(shards.map((shard) => shard.file.run.target))];
  const seen = new Map<string, string>();
  const outcomes: ScenarioOutcome[] = [];
  for (const { path, file } of shards) {
    for (const result of file.scenarios) {
      const key = `${file.run.target}\u0000${result.id}`;
      const earlier = seen.get(key);
      if (earlier) {
        throw new MergeError(
          `scenario ${result.id} on ${file.run.target} is in ${earlier} and in ${path}: do the shards overlap?`,
        );
      }
      seen.set(key, path);
      outcomes.push(outcomeOf(result, file.run));
    }
  }
  const rank = (o: ScenarioOutcome) => {
    const at = order.indexOf(o.scenario.id);
    return targets.indexOf(o.target.name) * (order.length + 1) + (at === -1 ? order.length : at);
  };
  outcomes.sort((a, b) => rank(a) - rank(b));
  const times = shards.flatMap(({ file }) => [
    Date.parse(file.run.startedAt),
    Date.parse(file.run.finishedAt),
  ]);
  const leftovers = shards.flatMap(({ file }) => file.run.leftovers ?? []);
  const incomplete = missingParts(
    shards.map(({ path, file }) => ({
      path,
      target: file.run.target,
      cases: file.scenarios.length,
      ...(file.run.selection && {
        partition: {
          selection: file.run.selection,
          ...(file.run.shard && { shard: file.run.shard }),
        },
      }),
    })),
  );
  const selections = new Set(shards.map(({ file }) => file.run.selection?.digest));
  const selection = (shards[0] as ShardResults).file.run.selection;
  return {
    outcomes,
    run: {
      target: targets.join(" + "),
      family: first.family,
      mode: first.mode,
      startedAt: new Date(Math.min(...times)),
      finishedAt: new Date(Math.max(...times)),
      ...(leftovers.length > 0 && { leftovers }),
      // Merged again, the joined file stands for the whole selection, not split.
      ...(incomplete.length === 0 &&
        selections.size === 1 &&
        selection && { partition: { selection } }),
      ...(incomplete.length > 0 && { incomplete }),
    },
  };
}

/**
 * The four report files of a merged run. With several targets each scenario appears once per
 * target: results.json names the target of each entry, the other reports add it to the title.
 */
export function renderMerged(
  outcomes: ScenarioOutcome[],
  run: RunInfo,
): { results: string; junit: string; markdown: string; html: string } {
  const targets = new Set(outcomes.map((o) => o.target.name));
  const labelled =
    targets.size > 1
      ? outcomes.map((o) => ({
          ...o,
          scenario: { ...o.scenario, title: `${o.scenario.title} [${o.target.name}]` },
        }))
      : outcomes;
  return {
    results: renderResults(outcomes, run),
    junit: renderJunit(labelled, run),
    markdown: renderMarkdown(labelled, run, run.staleDeviations ?? []),
    html: renderHtmlReport(labelled, run, loadDeviations(run.family)),
  };
}

function outcomeOf(result: ScenarioResult, run: ResultsFile["run"]): ScenarioOutcome {
  const exchanges = result.exchanges ?? (result.call ? [callOf(result.call)] : []);
  const callIndex = result.exchanges ? result.callIndex : result.call ? 0 : undefined;
  return {
    scenario: {
      id: result.id,
      title: result.title,
      operation: result.operation,
      category: result.category,
      documented: result.documented,
    },
    target: { name: run.target, family: run.family, mode: run.mode },
    verdict: result.verdict,
    ...(result.reason !== undefined && { reason: result.reason }),
    expected: result.expected,
    findings: result.findings,
    exchanges,
    ...(callIndex !== undefined && { callIndex }),
    leftovers: result.leftovers,
    durationMs: result.durationMs,
  };
}

/** The call under test as far as the summary knows it: no host, no bodies, no other headers. */
export function callOf(call: NonNullable<ScenarioResult["call"]>): Exchange {
  const type = (contentType?: string): Record<string, string> =>
    contentType === undefined ? {} : { "content-type": contentType };
  return {
    request: {
      method: call.request.method,
      url: call.request.path,
      headers: type(call.request.contentType),
    },
    response: {
      status: call.response.status,
      headers: type(call.response.contentType),
      bodyText: "",
    },
  };
}
