/** What `npm run bench -- …` can change; the defaults are what the committed results used. */
export interface BenchOptions {
  /** Runs of the replay command and its floor, and rounds of in-process measurements. */
  repeats: number;
  /** Live catalog runs per configuration, and runs of each slowest candidate alone (verdict stability is judged over these). */
  liveRuns: number;
  /** Volumes whose way to `available` the state-latency measurement times. */
  latencySamples: number;
  /** Also time the catalog as vitest tests (`vitest run --project conformance`), a third replay row. */
  vitest: boolean;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  repeats: 5,
  liveRuns: 1,
  latencySamples: 8,
  vitest: true,
};

/** Progress lines go to stderr, so that stdout carries only the figures. */
export function progress(line: string): void {
  process.stderr.write(`  ${line}\n`);
}
