import { createHash } from "node:crypto";

/**
 * Which part of which selection a run ran. A shard alone looks like a green run of fewer cases;
 * with this, `merge` can tell that a shard of the same selection is missing.
 */
export interface Partition {
  /** `--shard i/n`, both counted from 1; absent for a run that was not split. */
  shard?: { index: number; count: number };
  /** The cases selected before the split: how many, and a digest of their ids in order. */
  selection: { total: number; digest: string };
}

export function partitionOf(
  selectedIds: readonly string[],
  shard?: { index: number; count: number },
): Partition {
  const digest = createHash("sha256").update(selectedIds.join("\n")).digest("hex");
  return {
    ...(shard && { shard: { index: shard.index, count: shard.count } }),
    selection: { total: selectedIds.length, digest: `sha256:${digest}` },
  };
}

/** How many cases shard `index` of `count` holds of `total`: the round-robin of `shardOf`. */
export function shardSize(total: number, index: number, count: number): number {
  return index > total ? 0 : Math.floor((total - index) / count) + 1;
}

/** One results file as merge sees it: where it came from, its target, partition and size. */
export interface MergePart {
  path: string;
  target: string;
  partition?: Partition;
  cases: number;
}

/**
 * What keeps the given results from being whole runs: per target, every shard of one selection,
 * each with every case of its share. One line per problem; none when the parts are complete.
 */
export function missingParts(parts: readonly MergePart[]): string[] {
  const problems: string[] = [];
  const byTarget = new Map<string, MergePart[]>();
  for (const part of parts) {
    if (!part.partition) {
      problems.push(
        `${part.path} does not say which shard and selection it ran (written by an older version): run it again`,
      );
      continue;
    }
    byTarget.set(part.target, [...(byTarget.get(part.target) ?? []), part]);
  }
  for (const [target, group] of byTarget) {
    const first = group[0] as MergePart & { partition: Partition };
    const count = first.partition.shard?.count ?? 1;
    const { total, digest } = first.partition.selection;
    const present = new Set<number>();
    for (const part of group) {
      const { shard, selection } = part.partition as Partition;
      if (selection.digest !== digest || (shard?.count ?? 1) !== count) {
        problems.push(
          `${part.path} ran another selection or split than ${first.path} on ${target}: merge the shards of one command line`,
        );
        continue;
      }
      const index = shard?.index ?? 1;
      present.add(index);
      const size = shardSize(total, index, count);
      if (part.cases !== size) {
        problems.push(
          `${part.path} holds ${part.cases} of the ${size} cases of shard ${index}/${count} on ${target}: that run stopped early; run it again`,
        );
      }
    }
    for (let index = 1; index <= count; index += 1) {
      if (present.has(index)) continue;
      problems.push(
        `shard ${index}/${count} of ${target} is missing (${shardSize(total, index, count)} of the selection's ${total} cases): its job failed or its results.json was not given to merge`,
      );
    }
  }
  return problems;
}
