// The command-line commands that prove what the suite catches: `mutate` (the kill matrix),
// `coverage` (evidence coverage) and `drift` (cassettes vs spec vs a live run). Registered on
// the conformance CLI by `addEvidenceCommands`; everything heavy is imported when a command
// runs, so that `run` never loads nock.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { type Command, Option } from "commander";
import type { TargetDescription } from "../config/description.ts";
import { loadContract } from "../contract/load-spec.ts";
import { loadDeviations } from "../deviations/deviations.ts";
import type { Scenario } from "../engine/scenario.ts";
import { CASSETTE_DIR, ROOT } from "../paths.ts";
import { DEFAULT_BUDGET } from "../resources/waiters.ts";
import { liveDescription } from "../targets/create.ts";

/** Exit codes as the rest of the CLI: 0 green, 1 something moved or the gate failed, 2 bad use. */
const EXIT = { green: 0, failed: 1, configuration: 2 } as const;

function targetOf(target: string | undefined): TargetDescription {
  return liveDescription(target, process.env);
}

/**
 * An interrupted live command still removes what its scenarios created, newest first, as the
 * conformance run does; returns the function that takes the handler off again.
 */
function cleanUpOnSignal(): () => void {
  const onSignal = async (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: cleaning up what this run created…\n`);
    const { cleanUpEverything } = await import("../resources/cleanup.ts");
    for (const leftover of await cleanUpEverything()) {
      process.stderr.write(`left behind: ${leftover.label} (${leftover.error})\n`);
    }
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

async function writeOut(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

interface MutateOptions {
  live?: boolean;
  target?: string;
  mutant?: string[];
  cassettes?: string;
  reports: string;
  parallel: string;
  budget: string;
  list?: boolean;
}

async function mutate(catalog: readonly Scenario[], options: MutateOptions): Promise<number> {
  const { MUTANTS, mutantById } = await import("../mutation/mutants.ts");
  if (options.list) {
    const rows = MUTANTS.map(
      (m) =>
        `${m.id.padEnd(30)} ${m.operations.join(",").padEnd(30)} ${m.phases.join(",").padEnd(16)} ${m.description}${m.equivalent ? " (equivalent)" : ""}\n`,
    );
    process.stdout.write(rows.join(""));
    return EXIT.green;
  }
  const { runMatrix } = await import("../mutation/matrix.ts");
  const { gate, loadThreshold, renderMatrix, renderMatrixMarkdown } = await import(
    "../mutation/report.ts"
  );
  const mutants = options.mutant ? options.mutant.map(mutantById) : MUTANTS;
  const mode = options.live ? "live" : "replay";
  const description = options.live ? targetOf(options.target) : undefined;
  const parallel = Number(options.parallel);
  const budgetMs = Number(options.budget) * 1000;
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new Error(`--parallel ${options.parallel}: give a whole number of mutants, at least 1`);
  }
  if (!(budgetMs > 0)) throw new Error(`--budget ${options.budget}: give a number of seconds`);
  const release = options.live ? cleanUpOnSignal() : () => {};
  const result = await runMatrix({
    mode,
    contract: await loadContract(),
    mutants,
    scenarios: catalog,
    ...(options.cassettes && { cassetteDir: options.cassettes }),
    ...(description && { description }),
    ...(options.live && { budget: { ...DEFAULT_BUDGET, budgetMs } }),
    parallel,
    progress: (line) => process.stderr.write(`${line}\n`),
  }).finally(release);
  const verdict = gate(result, loadThreshold());
  const text = `${renderMatrix(result)}${verdict.lines.join("\n")}\n`;
  process.stdout.write(`\n${text}`);
  await writeOut(options.reports, {
    [`mutation-${mode}.json`]: `${JSON.stringify(result, null, 2)}\n`,
    [`mutation-${mode}.md`]: renderMatrixMarkdown(result),
    [`mutation-${mode}.txt`]: text,
  });
  process.stdout.write(`reports: mutation-${mode}.{txt,md,json} in ${resolve(options.reports)}\n`);
  return verdict.ok ? EXIT.green : EXIT.failed;
}

interface CoverageOptions {
  results?: string[];
  out: string;
  cassettes?: string;
}

/** A path as the committed page may show it: within the repository, or no machine's own. */
function inRepository(path: string): string {
  const within = relative(ROOT, resolve(path));
  return within.startsWith("..") || isAbsolute(within) ? "<a live run's results.json>" : within;
}

async function coverage(catalog: readonly Scenario[], options: CoverageOptions): Promise<number> {
  const {
    buildCoverage,
    renderCoverageMarkdown,
    renderCoverageSummary,
    sightingsOfOutcomes,
    sightingsOfResults,
  } = await import("../evidence/coverage.ts");
  const { replayCatalog } = await import("../evidence/run-catalog.ts");
  const contract = await loadContract();
  const replayed = await replayCatalog(contract, catalog, options.cassettes);
  const sightings = sightingsOfOutcomes(replayed.outcomes, {
    ...(options.cassettes && { cassetteDir: options.cassettes }),
  });
  for (const file of options.results ?? []) {
    sightings.push(...sightingsOfResults(JSON.parse(await readFile(file, "utf8"))));
  }
  const family = loadDeviations(replayed.target.family);
  const built = buildCoverage(contract, sightings, catalog, family.unreachable);
  const command = [
    "npm run conformance -- coverage",
    ...(options.results ?? []).map((f) => `--results ${inRepository(f)}`),
  ].join(" ");
  await mkdir(resolve(options.out, ".."), { recursive: true });
  await writeFile(options.out, renderCoverageMarkdown(built, command));
  process.stdout.write(renderCoverageSummary(built));
  process.stdout.write(`written: ${resolve(options.out)}\n`);
  // A documented status no case reaches is a gap in the evidence unless the family says why.
  const unexplained = built.unreached.filter((u) => u.reason === undefined);
  for (const u of unexplained) {
    process.stderr.write(
      `conformance: documented status ${u.status} of ${u.operation} is never reached and not explained: add a scenario that reaches it, or an \`unreachable\` entry with its reason to tests/deviations/${family.family}.yaml\n`,
    );
  }
  return unexplained.length === 0 ? EXIT.green : EXIT.failed;
}

interface DriftOptions {
  target?: string;
  reports: string;
  cassettes?: string;
}

async function drift(catalog: readonly Scenario[], options: DriftOptions): Promise<number> {
  const { compareRuns, renderDrift, specLastChanged } = await import("../evidence/drift.ts");
  const { liveCatalog, replayCatalog } = await import("../evidence/run-catalog.ts");
  const { readdir } = await import("node:fs/promises");
  const contract = await loadContract();
  const description = targetOf(options.target);
  // Live first: replaying loads nock, which patches the global fetch for the rest of the process.
  const release = cleanUpOnSignal();
  const live = await liveCatalog(contract, description, catalog).finally(release);
  const replayed = await replayCatalog(contract, catalog, options.cassettes);
  const recorded = new Set<string>();
  const dir = options.cassettes ?? CASSETTE_DIR;
  for (const folder of ["evs", "bms"]) {
    for (const name of await readdir(join(dir, folder)).catch(() => [] as string[])) {
      const cassette = JSON.parse(await readFile(join(dir, folder, name), "utf8")) as {
        recordedAt?: string;
      };
      if (cassette.recordedAt) recorded.add(cassette.recordedAt.slice(0, 10));
    }
  }
  const specChanged = specLastChanged();
  // Reasons and differences quote response bodies: the report loses every secret first.
  const { redactorFor } = await import("../redaction/redact.ts");
  const redactor = redactorFor([...live.outcomes, ...replayed.outcomes], []);
  redactor.learnValue(description);
  const compared = compareRuns(replayed.outcomes, live.outcomes, {
    target: live.target.name,
    liveAt: live.startedAt,
    cassettesRecorded: [...recorded].sort(),
    ...(specChanged && { specChanged }),
  });
  const report = redactor.value(compared);
  const text = redactor.text(renderDrift(report));
  process.stdout.write(text);
  await writeOut(options.reports, {
    "drift.txt": text,
    "drift.json": `${JSON.stringify(report, null, 2)}\n`,
  });
  process.stdout.write(`reports: drift.txt, drift.json in ${resolve(options.reports)}\n`);
  return report.moved === 0 ? EXIT.green : EXIT.failed;
}

/** Runs a command, turning an error into one line and exit code 2 (like the CLI's own). */
function action<T>(run: (options: T) => Promise<number>) {
  return async (options: T) => {
    try {
      process.exitCode = await run(options);
    } catch (error) {
      process.stderr.write(`conformance: ${(error as Error).message}\n`);
      process.exitCode = EXIT.configuration;
    }
  };
}

export function addEvidenceCommands(program: Command, catalog: readonly Scenario[]): void {
  program
    .command("mutate")
    .description(
      "kill matrix: run the catalog against every mutant of the server's answers and gate on the kill rate (replay; --live behind loopback proxies)",
    )
    .option("--live", "mutate a live target's answers through loopback proxies")
    .option("--target <file>", "live target description (JSON); default as for `run`")
    .option("-m, --mutant <id...>", "only these mutants (`--list` shows them)")
    .option("--list", "list the mutants and exit")
    .option("--cassettes <dir>", "replay: cassette folder (default tests/cassettes)")
    .option("--reports <dir>", "where mutation-<mode>.{txt,md,json} go", "reports/mutation")
    .addOption(new Option("--parallel <n>", "live: mutants at once").default("3"))
    .addOption(
      new Option("--budget <seconds>", "live: waiters' budget (a stuck state spends it)").default(
        "30",
      ),
    )
    .action(action((options: MutateOptions) => mutate(catalog, options)));
  program
    .command("coverage")
    .description(
      "evidence coverage: operation × status × scenario, from the cassettes (replayed) and live results; exits 1 on a documented status neither reached nor explained by the family's unreachable list",
    )
    .option("--results <file...>", "results.json of live runs, as further live evidence")
    .option("--out <file>", "where the Markdown goes", "reports/coverage.md")
    .option("--cassettes <dir>", "cassette folder (default tests/cassettes)")
    .action(action((options: CoverageOptions) => coverage(catalog, options)));
  program
    .command("drift")
    .description(
      "three-way drift: the cassettes, spec/ and a fresh live run; says which of them moved (needs a live target)",
    )
    .option("--target <file>", "live target description (JSON); default as for `run`")
    .option("--reports <dir>", "where drift.{txt,json} go", "reports/drift")
    .option("--cassettes <dir>", "cassette folder (default tests/cassettes)")
    .action(action((options: DriftOptions) => drift(catalog, options)));
}
