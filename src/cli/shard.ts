import { ConfigurationError } from "./configuration-error.ts";

/** Shard `index` of `count`, both counted from 1 as people say "shard 2 of 4". */
export interface Shard {
  index: number;
  count: number;
}

/** `--shard i/n`, with 1 ≤ i ≤ n. */
export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ConfigurationError(
      `--shard takes i/n with 1 ≤ i ≤ n, e.g. --shard 1/4 for the first of four runners, not ${value}`,
    );
  }
  return { index, count };
}

/**
 * The scenarios of one shard: every n-th of the selection in catalog order, starting at the
 * i-th. Deterministic, so that n runners with the same filters together run each selected
 * scenario exactly once, and round-robin, so that the slow categories spread over all of them.
 */
export function shardOf<T>(scenarios: readonly T[], shard: Shard): T[] {
  return scenarios.filter((_, position) => position % shard.count === shard.index - 1);
}
