// Replay overhead: the whole catalog replayed from the cassettes, against the floor of the
// same number of trivial tests run the same way (one vitest process, conformance project).
import { CATALOG } from "../tests/scenarios/catalog.ts";
import { type BenchOptions, progress } from "./lib/options.ts";
import { median, round, type Spread, spread } from "./lib/stats.ts";
import {
  type ConformanceResult,
  type ProjectOverrides,
  runConformance,
  tail,
  writeFloorFile,
} from "./lib/vitest-run.ts";

/** Config changes of the conformance project tried as speed-ups of the replay run. */
export const REPLAY_VARIANTS: { name: string; overrides: ProjectOverrides }[] = [
  { name: "pool threads", overrides: { pool: "threads" } },
  { name: "isolate false", overrides: { isolate: false } },
];

export interface ReplayOverheadResult {
  tests: number;
  catalogWallMs: Spread;
  floorWallMs: Spread;
  /** CPU seconds of the vitest process tree per run. */
  catalogCpuS: Spread;
  floorCpuS: Spread;
  /** vitest's own account of a run (its "Duration" line), medians in ms. */
  catalogPhases: Phases;
  floorPhases: Phases;
  /** Median over the repeats of the catalog's wall over the floor's wall of the same repeat. */
  ratio: number;
  /** Every catalog run ended green (conforms or deviation for every scenario). */
  green: boolean;
  /** Each variant's wall, and the median of its wall over the current config's in the same repeat. */
  variants: {
    name: string;
    overrides: ProjectOverrides;
    wallMs: Spread;
    toCurrent: number;
    green: boolean;
  }[];
  target: { ratio: number; wallMs: number };
}

/** vitest's "Duration 2.26s (transform 322ms, setup 0ms, import 850ms, tests 1.30s, …)". */
export interface Phases {
  duration: number;
  transform: number;
  import: number;
  tests: number;
}

export async function measure(options: BenchOptions): Promise<ReplayOverheadResult> {
  const tests = CATALOG.length;
  const floorFile = writeFloorFile(tests);
  const floor = () => runConformance({ label: "floor", mode: "replay", include: [floorFile] });
  const catalog = () => runConformance({ label: "replay", mode: "replay" });
  const variants = options.variants ? REPLAY_VARIANTS : [];

  // One unmeasured run of each warms the file cache; then the runs alternate, so that a
  // burst of load from other users hits every variant alike.
  await floor();
  expectGreen(await catalog(), "replay warm-up");
  const walls = { floor: [] as number[], catalog: [] as number[] };
  const cpu = { floor: [] as number[], catalog: [] as number[] };
  const phases = { floor: [] as Phases[], catalog: [] as Phases[] };
  const variantWalls = variants.map(() => [] as number[]);
  const variantGreen = variants.map(() => true);
  let green = true;
  for (let r = 0; r < options.repeats; r++) {
    const f = await floor();
    if (f.code !== 0) throw new Error(`the floor run failed:\n${tail(f)}`);
    walls.floor.push(f.wallMs);
    cpu.floor.push(f.cpuS);
    phases.floor.push(phasesOf(f.stdout));
    const c = await catalog();
    green &&= isGreen(c);
    walls.catalog.push(c.wallMs);
    cpu.catalog.push(c.cpuS);
    phases.catalog.push(phasesOf(c.stdout));
    for (const [i, variant] of variants.entries()) {
      const v = await runConformance({
        label: `replay-${variant.name}`,
        mode: "replay",
        overrides: variant.overrides,
      });
      variantWalls[i]?.push(v.wallMs);
      variantGreen[i] &&= isGreen(v);
    }
    progress(
      `replay ${r + 1}/${options.repeats}: catalog ${round(c.wallMs)} ms, floor ${round(f.wallMs)} ms`,
    );
  }
  const catalogWallMs = spread(walls.catalog);
  const floorWallMs = spread(walls.floor);
  return {
    tests,
    catalogWallMs,
    floorWallMs,
    catalogCpuS: spread(cpu.catalog),
    floorCpuS: spread(cpu.floor),
    catalogPhases: medianPhases(phases.catalog),
    floorPhases: medianPhases(phases.floor),
    ratio: round(median(walls.catalog.map((c, r) => c / (walls.floor[r] as number))), 2),
    green,
    variants: variants.map((variant, i) => ({
      ...variant,
      wallMs: spread(variantWalls[i] ?? []),
      toCurrent: round(
        median((variantWalls[i] ?? []).map((v, r) => v / (walls.catalog[r] as number))),
        2,
      ),
      green: variantGreen[i] ?? false,
    })),
    target: { ratio: 1.5, wallMs: 3000 },
  };
}

function phasesOf(stdout: string): Phases {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the colours of vitest's output
  const text = stdout.replace(/\u001b\[[0-9;]*m/g, "");
  const line = /Duration\s+(.*)/.exec(text)?.[1] ?? "";
  const ms = (pattern: RegExp) => {
    const m = pattern.exec(line);
    if (!m) return Number.NaN;
    return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
  };
  return {
    duration: ms(/^([\d.]+)(m?s)/),
    transform: ms(/transform ([\d.]+)(m?s)/),
    import: ms(/import ([\d.]+)(m?s)/),
    tests: ms(/tests ([\d.]+)(m?s)/),
  };
}

function medianPhases(list: Phases[]): Phases {
  const of = (key: keyof Phases) => round(median(list.map((p) => p[key])));
  return {
    duration: of("duration"),
    transform: of("transform"),
    import: of("import"),
    tests: of("tests"),
  };
}

function isGreen(run: ConformanceResult): boolean {
  const summary = run.results?.summary;
  return run.code === 0 && summary !== undefined && summary.fails + summary.error === 0;
}

function expectGreen(run: ConformanceResult, what: string): void {
  if (!isGreen(run)) throw new Error(`${what}: the catalog did not end green:\n${tail(run)}`);
}
