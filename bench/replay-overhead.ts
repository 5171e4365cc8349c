// Replay: the real command, `otc-detach-conformance --reports <dir>` (the catalog replayed from
// tests/cassettes), as a whole process against its floor: a plain Node process that makes the
// same recorded exchanges as bare `fetch` calls to a keep-alive server on 127.0.0.1
// (bench/replay/floor.mjs). Beside them, in the same repeats, the parts of the command's cost:
// Node alone, Node + tsx with nothing to load, and the command's own steps timed from inside
// (bench/replay/phases.ts). Optionally the catalog as vitest tests, a third row.
import { join } from "node:path";
import { CATALOG } from "../tests/scenarios/catalog.ts";
import { type BenchOptions, progress } from "./lib/options.ts";
import { WORK_DIR } from "./lib/paths.ts";
import type { Measured } from "./lib/process-tree.ts";
import { type CliResult, isGreen, runCli, runNode, runVitestCatalog, tail } from "./lib/runs.ts";
import { median, round, type Spread, spread } from "./lib/stats.ts";

export interface ProcessFigures {
  wallMs: Spread;
  /** CPU seconds of the process (all its threads) and its children. */
  cpuS: Spread;
  peakRssMiB: Spread;
}

/** The command's steps, from bench/replay/phases.ts: ms each, medians over the repeats. */
export interface Phases {
  /** Process start to the first line of the script: Node, tsx's loader, the script's own load. */
  startup: Spread;
  /** Importing the command line's modules and the catalog (src/cli/main.ts and all it imports). */
  import: Spread;
  /** loadContract(): spec/ parsed, validated and dereferenced. */
  contract: Spread;
  /** createTarget(): nock and the session cassette's interceptors, the token requests. */
  target: Spread;
  /** runScenarios(): every scenario on its cassette, with the checks and the console lines. */
  run: Spread;
  /** results.json, junit.xml, summary.md and index.html written. */
  reports: Spread;
  /** The process's wall time after its last mark: closing, exit, and spawn overhead. */
  exit: Spread;
  /** CPU ms of the steps (all threads of the process, tsx's loader thread included). */
  cpuMs: Record<"startup" | "import" | "contract" | "target" | "run" | "reports", number>;
}

export interface ReplayOverheadResult {
  scenarios: number;
  /** Exchanges the catalog makes (its outcomes, without the session's), and the floor makes. */
  exchanges: number;
  floorExchanges: number;
  command: ProcessFigures & { green: boolean };
  floor: ProcessFigures;
  /** The catalog as vitest tests (tests/conformance/catalog.test.ts), when measured. */
  vitest?: ProcessFigures & { green: boolean; ratio: number };
  /** Median over the repeats of the command's wall over the floor's wall of the same repeat. */
  ratio: number;
  /** Node alone (`node -e ""`) and Node + tsx registered with an empty .ts file: wall ms. */
  nodeMs: Spread;
  tsxMs: Spread;
  phases: Phases;
  target: { ratio: number; peakMiB: number };
}

type Marks = { marks: Record<string, number>; cpu: Record<string, number>; exchanges: number };

export async function measure(options: BenchOptions): Promise<ReplayOverheadResult> {
  const reports = join(WORK_DIR, "reports", "replay-phases");
  const floor = () => runNode(["bench/replay/floor.mjs"]);
  const command = () => runCli({ label: "replay", mode: "replay" });
  const phases = () => runNode(["bench/replay/load-ts.mjs", "bench/replay/phases.ts", reports]);
  const node = () => runNode(["-e", ""]);
  const tsx = () => runNode(["bench/replay/load-ts.mjs", "bench/replay/empty.ts"]);

  // One unmeasured run of each warms the file cache and tsx's transform cache; then the runs
  // alternate, so that a burst of load from other users hits every row alike.
  const warmFloor = await floor();
  if (warmFloor.code !== 0) throw new Error(`the floor failed:\n${tail(warmFloor)}`);
  const warm = await command();
  if (!isGreen(warm)) throw new Error(`replay warm-up did not end green:\n${tail(warm)}`);
  await phases();
  if (options.vitest) await runVitestCatalog();

  const rows = { floor: [] as Measured[], command: [] as CliResult[], vitest: [] as Measured[] };
  const bare = { node: [] as number[], tsx: [] as number[] };
  const steps: { run: Measured; marks: Marks }[] = [];
  for (let r = 0; r < options.repeats; r++) {
    const f = await floor();
    if (f.code !== 0) throw new Error(`the floor failed:\n${tail(f)}`);
    rows.floor.push(f);
    const c = await command();
    rows.command.push(c);
    const p = await phases();
    if (p.code !== 0) throw new Error(`bench/replay/phases.ts failed:\n${tail(p)}`);
    steps.push({ run: p, marks: JSON.parse(p.stdout.trim().split("\n").at(-1) ?? "") as Marks });
    bare.node.push(round((await node()).wallMs));
    bare.tsx.push(round((await tsx()).wallMs));
    if (options.vitest) rows.vitest.push(await runVitestCatalog());
    progress(
      `replay ${r + 1}/${options.repeats}: command ${round(c.wallMs)} ms, floor ${round(f.wallMs)} ms${
        rows.vitest.at(-1) ? `, vitest ${round(rows.vitest.at(-1)?.wallMs ?? 0)} ms` : ""
      }`,
    );
  }
  const ratioTo = (list: Measured[]) =>
    round(median(list.map((run, r) => run.wallMs / (rows.floor[r] as Measured).wallMs)), 2);
  return {
    scenarios: CATALOG.length,
    exchanges: steps[0]?.marks.exchanges ?? 0,
    floorExchanges: Number.parseInt(rows.floor[0]?.stdout ?? "", 10),
    command: { ...figures(rows.command), green: rows.command.every(isGreen) },
    floor: figures(rows.floor),
    ...(rows.vitest.length > 0 && {
      vitest: {
        ...figures(rows.vitest),
        green: rows.vitest.every((run) => run.code === 0),
        ratio: ratioTo(rows.vitest),
      },
    }),
    ratio: ratioTo(rows.command),
    nodeMs: spread(bare.node),
    tsxMs: spread(bare.tsx),
    phases: phasesOf(steps),
    target: { ratio: 2, peakMiB: 150 },
  };
}

function figures(runs: Measured[]): ProcessFigures {
  return {
    wallMs: spread(runs.map((run) => round(run.wallMs))),
    cpuS: spread(runs.map((run) => run.cpuS)),
    peakRssMiB: spread(runs.map((run) => run.peakRssMiB ?? Number.NaN)),
  };
}

const STEPS = [
  ["startup", "start", "started"],
  ["import", "started", "imported"],
  ["contract", "imported", "contract"],
  ["target", "contract", "target"],
  ["run", "target", "ran"],
  ["reports", "ran", "reports"],
] as const;

function phasesOf(steps: { run: Measured; marks: Marks }[]): Phases {
  const at = (m: Record<string, number>, name: string) => (name === "start" ? 0 : (m[name] ?? 0));
  const of = (from: string, to: string, key: "marks" | "cpu") =>
    steps.map(({ marks }) => round(at(marks[key], to) - at(marks[key], from)));
  const result = Object.fromEntries(
    STEPS.map(([name, from, to]) => [name, spread(of(from, to, "marks"))]),
  ) as Omit<Phases, "exit" | "cpuMs">;
  return {
    ...result,
    exit: spread(steps.map(({ run, marks }) => round(run.wallMs - (marks.marks.closed ?? 0)))),
    cpuMs: Object.fromEntries(
      STEPS.map(([name, from, to]) => [name, round(median(of(from, to, "cpu")))]),
    ) as Phases["cpuMs"],
  };
}
