// The suite's command line: run the scenario catalog (replay by default), record cassettes,
// list scenarios, render the docs, clean up leftovers. Exit codes: see EXIT_CODES.

import { constants, existsSync, readFileSync } from "node:fs";
import { access, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { Command, CommanderError, Option } from "commander";
import { API_VERSIONS } from "../clients/versions.ts";
import { AuthError } from "../config/auth-error.ts";
import { type TargetDescription, TargetDescriptionError } from "../config/description.ts";
import { loadContract } from "../contract/load-spec.ts";
import { loadDeviations } from "../deviations/deviations.ts";
import { buildDocsModel } from "../docs/model.ts";
import { findDocsDrift, renderDocs, writeDocs } from "../docs/render.ts";
import type { Subscriber } from "../engine/events.ts";
import { runScenarios } from "../engine/run.ts";
import { OPERATIONS, type Scenario } from "../engine/scenario.ts";
import { matchesId, type Selection, select, selectsAll } from "../engine/selection.ts";
import type { Mode } from "../engine/target.ts";
import { ROOT } from "../paths.ts";
import { runPreflight } from "../preflight/preflight.ts";
import { consoleReporter, useColor } from "../reports/console.ts";
import { EXIT_CODES, exitCodeFor } from "../reports/exit-codes.ts";
import { makeDirectory } from "../reports/make-dir.ts";
import { MergeError } from "../reports/merge.ts";
import { type Partition, partitionOf } from "../reports/partition.ts";
import { renderRerun, rerunReportFiles } from "../reports/rerun-reports.ts";
import { renderResults } from "../reports/results.ts";
import { reportFiles, runInfo } from "../reports/write-reports.ts";
import { namePrefix } from "../resources/names.ts";
import { CassetteError } from "../targets/cassette.ts";
import { createTarget, liveDescription } from "../targets/create.ts";
import { newRunId } from "../targets/live.ts";
import { describeFound, sweepLeftovers } from "../targets/sweep.ts";
import { TransportError } from "../transport/transport-error.ts";
import { tolerateClosedOutput } from "./closed-output.ts";
import { COMMAND } from "./command.ts";
import { ConfigurationError } from "./configuration-error.ts";
import { addEvidenceCommands } from "./evidence-commands.ts";
import {
  checkReachable,
  type Interruption,
  interruptOnSignals,
  signalExitCode,
  sweepRun,
} from "./interruption.ts";
import { mergeCommand } from "./merge-command.ts";
import { withUnreachableHint } from "./reachability.ts";
import { type LastRun, lastRun, parseConcurrency } from "./rerun.ts";
import { parseShard, type Shard, shardOf } from "./shard.ts";
import { unknownCommand } from "./unknown-command.ts";

interface SelectionOptions {
  scenario?: string[];
  tag?: string[];
  operation?: string[];
  category?: string[];
  apiVersion?: string[];
}

interface RunOptions extends SelectionOptions {
  /** false with --no-preflight: a live run starts without checking the target first. */
  preflight?: boolean;
  target?: string;
  reports: string;
  cassettes?: string;
  json?: boolean;
  verbose?: boolean;
  bail?: boolean;
  failed?: boolean;
  concurrency?: number;
  shard?: Shard;
}

function selectionOf(catalog: readonly Scenario[], options: SelectionOptions): Selection {
  const selection: Selection = {
    ...(options.scenario && { ids: options.scenario }),
    ...(options.tag && { tags: options.tag }),
    ...(options.operation && { operations: options.operation }),
    ...(options.category && { categories: options.category }),
    ...(options.apiVersion && { versions: options.apiVersion }),
  };
  for (const id of selection.ids ?? []) {
    if (!catalog.some((scenario) => matchesId(scenario, id))) {
      throw new ConfigurationError(`no scenario has the id ${id}; \`${COMMAND} list\` shows them`);
    }
  }
  const tags = [...new Set(catalog.flatMap((scenario) => scenario.tags ?? []))].sort();
  for (const tag of selection.tags ?? []) {
    if (!tags.includes(tag)) {
      throw new ConfigurationError(
        `no scenario has the tag ${tag}; known tags: ${tags.join(", ")}`,
      );
    }
  }
  if (select(catalog, selection).length === 0) {
    throw new ConfigurationError(`the filters select no scenario; \`${COMMAND} list\` shows them`);
  }
  return selection;
}

/** Fails before anything runs when `dir` cannot be created or written. */
async function ensureWritable(dir: string, flag: string): Promise<void> {
  try {
    await makeDirectory(dir);
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigurationError(
      `cannot write into ${resolve(dir)} (${code}); give ${flag} a folder you can write, e.g. ${flag} /tmp/conformance`,
    );
  }
}

async function runCatalog(
  catalog: readonly Scenario[],
  mode: Mode,
  options: RunOptions,
): Promise<number> {
  const last = options.failed ? await lastRun(options.reports) : undefined;
  if (last?.red.length === 0) {
    process.stdout.write(`nothing to rerun: every case in ${last.path} was green\n`);
    return EXIT_CODES.green;
  }
  if (last) {
    const kept = last.file.scenarios.length - last.red.length;
    (options.json ? process.stderr : process.stdout).write(
      `rerunning ${last.red.length} red of ${last.file.scenarios.length} in ${last.path}; the other ${kept} keep their results there\n`,
    );
  }
  const selection = selectionOf(catalog, last ? { ...options, scenario: last.red } : options);
  const selected = select(catalog, selection);
  const scenarios = options.shard ? shardOf(selected, options.shard) : selected;
  await ensureWritable(options.reports, "--reports");
  if (mode === "replay" && options.target) {
    throw new ConfigurationError(
      `replay reads the cassettes and takes no --target; \`${COMMAND} run --target ${options.target}\` runs against that target`,
    );
  }
  if (mode === "replay" && options.cassettes && !existsSync(options.cassettes)) {
    throw new ConfigurationError(
      `no cassette folder ${resolve(options.cassettes)}; give --cassettes a folder that \`${COMMAND} record --cassettes <dir>\` wrote, or leave it out for tests/cassettes`,
    );
  }
  let runId: string | undefined;
  // Installed first: a signal during the checks below ends the run before anything exists.
  const interruption = interruptOnSignals(() =>
    runId ? `\`${COMMAND} cleanup --run ${runId}\` removes what is left` : "nothing was created",
  );
  try {
    let description: TargetDescription | undefined;
    if (mode !== "replay") {
      const checked = liveDescription(options.target, process.env);
      description = checked;
      // An unreachable endpoint or wrong credentials end the run here, in seconds, in one line.
      await withUnreachableHint(options.target, process.env, () => checkReachable(checked));
      // What the target serves and lacks, said once before anything is created: a set-up
      // failure every scenario would share shows here as its cause, with its fix.
      const ready =
        options.preflight === false ||
        (await runPreflight(checked, scenarios, process.stderr)) === EXIT_CODES.green;
      if (!ready) {
        throw new ConfigurationError(
          "the target is not ready for the catalog (preflight above); fix what it names and run again, or pass --no-preflight to run anyway",
        );
      }
      // Names the run's resources, so that what an interrupted run left can be found.
      runId = newRunId();
      process.stderr.write(`run ${runId}: its resources are named ${namePrefix(runId)}…\n`);
    }
    const early = interruption.received();
    if (early) return signalExitCode(early);
    return await runOn(scenarios, mode, options, {
      interruption,
      // Only a run of the whole catalog can tell that a ledger entry went unused.
      wholeCatalog: selectsAll(selection) && !options.shard && !options.failed,
      partition: partitionOf(
        selected.map((scenario) => scenario.id),
        options.shard,
      ),
      ...(description && { description }),
      ...(runId && { runId }),
      ...(last && { last }),
    });
  } finally {
    interruption.release();
  }
}

interface RunContext {
  interruption: Interruption;
  wholeCatalog: boolean;
  partition: Partition;
  description?: TargetDescription;
  runId?: string;
  /** With --failed: the run whose reports the rerun updates. */
  last?: LastRun;
}

async function runOn(
  scenarios: Scenario[],
  mode: Mode,
  options: RunOptions,
  { interruption, wholeCatalog, partition, description, runId, last }: RunContext,
): Promise<number> {
  // A results file of an earlier run must not stand in for this one; a rerun updates it.
  if (!last) await rm(join(options.reports, "results.json"), { force: true });
  const contract = await loadContract();
  const target = await createTarget(
    {
      mode,
      ...(options.cassettes && { cassetteDir: options.cassettes }),
      ...(runId && { runId }),
    },
    contract,
    description,
  );
  // With --json, stdout carries results.json only: the lines go to stderr.
  const lines = options.json ? process.stderr : process.stdout;
  const subscribers: Subscriber[] = [
    consoleReporter({
      out: lines,
      err: process.stderr,
      color: useColor(lines, process.env),
      verbose: options.verbose === true,
      knownSecrets: () => target.knownSecrets(),
    }),
    last ? rerunReportFiles(options.reports, last.file) : reportFiles(options.reports, partition),
  ];
  let run: Awaited<ReturnType<typeof runScenarios>>;
  try {
    run = await runScenarios({
      target,
      scenarios,
      deviations: loadDeviations(target.family),
      subscribers,
      signal: interruption.signal,
      bail: options.bail === true,
      ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
      wholeCatalog,
    });
  } finally {
    await target.close();
  }
  const signal = interruption.received();
  if (signal) {
    if (description && runId) await sweepRun(description, runId);
    return signalExitCode(signal);
  }
  if (run.leftovers.length > 0 && runId) {
    process.stderr.write(`\`${COMMAND} cleanup --run ${runId}\` removes what the run left\n`);
  }
  if (options.json) {
    process.stdout.write(
      last
        ? renderRerun(last.file, run).results
        : renderResults(run.outcomes, runInfo(run, partition), run.knownSecrets),
    );
  } else {
    process.stdout.write(
      `reports: results.json, junit.xml, summary.md, index.html in ${resolve(options.reports)}\n`,
    );
  }
  return exitCodeFor(run.outcomes, run.staleDeviations);
}

function selectionFlags(command: Command, catalog: readonly Scenario[]): Command {
  // Only the categories the catalog has: a choice that selects nothing is no choice.
  const categories = [...new Set(catalog.map((scenario) => scenario.category))];
  return command
    .addOption(
      new Option("-s, --scenario <id...>", "scenario ids; a unique prefix is enough").conflicts([
        "tag",
        "operation",
        "category",
      ]),
    )
    .option("-t, --tag <tag...>", "scenarios with any of these tags, e.g. multiattach")
    .addOption(
      new Option("-o, --operation <operation...>", "scenarios of these operations").choices(
        OPERATIONS,
      ),
    )
    .addOption(
      new Option("-c, --category <category...>", "scenarios of these categories").choices(
        categories,
      ),
    )
    .addOption(
      new Option(
        "--api-version <version...>",
        "cases at these API versions (unversioned: also every scenario that is not versioned)",
      ).choices(Object.keys(API_VERSIONS)),
    );
}

function runFlags(command: Command, catalog: readonly Scenario[]): Command {
  return selectionFlags(command, catalog)
    .option(
      "--target <file>",
      "target description (JSON, see docs/examples/otc-eu-de.target.json); default: OS_CLOUD / OS_* variables, then .state/openstack/target.json",
    )
    .option(
      "--reports <dir>",
      "where results.json, junit.xml and summary.md are written",
      "reports",
    )
    .option("--cassettes <dir>", "cassette folder (default tests/cassettes)")
    .option("--json", "print results.json to stdout; the scenario lines go to stderr")
    .option("-v, --verbose", "print every exchange as it happens (on stderr)")
    .option("--bail", "start no further scenario after the first that fails or errors")
    .option("--no-preflight", "live: skip the check of what the target serves before the run")
    .addOption(
      new Option(
        "--failed",
        "rerun the scenarios that were not green in the last results.json of --reports, and update its reports",
      ).conflicts(["scenario"]),
    )
    .option(
      "--concurrency <n>",
      "scenarios running at once (default: all of them)",
      parseConcurrency,
    )
    .option(
      "--shard <i/n>",
      "run every n-th selected scenario starting at the i-th, for n runners; `merge` joins their results",
      parseShard,
    );
}

const EXAMPLES = `
Examples:
  ${COMMAND}                                replay the committed cassettes (offline)
  ${COMMAND} run --target my-target.json    run live against your cloud
  ${COMMAND} run -o detachVolume --json     live, EVS only, results as JSON
  ${COMMAND} list -c not-found              the not-found scenarios
  ${COMMAND} docs                           regenerate docs/

Exit codes: 0 green, 1 a scenario fails or errors, a run of the whole catalog leaves a
ledger entry unused (or docs --check finds drift), 2 configuration error (bad flags, no
target, unwritable folder), 3 the run judged no case (all skipped), 130/143 interrupted.`;

/** Commander's `error: …` message, with its "(Did you mean …?)" line, as one line. */
function oneLine(message: string): string {
  return message
    .replace(/^error: /, "")
    .replace(/\s*\n\s*/g, " ")
    .trim()
    .replace(/\.$/, "");
}

function buildProgram(catalog: readonly Scenario[]): Command {
  const program = new Command("otc-detach-conformance")
    .description("Contract and conformance suite for the OTC EVS os-detach and BMS detach APIs")
    .version(packageVersion())
    // Bad flags end with one line on stderr and exit code 2, like every configuration error.
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => write(`conformance: ${oneLine(message)}; see --help\n`),
    })
    .addHelpText("after", EXAMPLES);

  const modes: [string, Mode, string][] = [
    ["replay", "replay", "run the catalog on the committed cassettes, offline (the default)"],
    ["run", "live", "run the catalog against a live target; its reports gate CI"],
    ["record", "record", "run live and write one redacted cassette per scenario"],
  ];
  for (const [name, mode, description] of modes) {
    runFlags(program.command(name, { isDefault: mode === "replay" }), catalog)
      .description(description)
      .action(async (options: RunOptions) => {
        process.exitCode = await runCatalog(catalog, mode, options);
      });
  }
  selectionFlags(program.command("list"), catalog)
    .description("list the scenarios: id, operation, category, title")
    .option("--json", "machine-readable output")
    .action((options: SelectionOptions & { json?: boolean }) => {
      const scenarios = select(catalog, selectionOf(catalog, options));
      if (options.json) {
        const rows = scenarios.map(
          ({ id, title, operation, category, tags, requires, version }) => ({
            id,
            title,
            operation,
            category,
            ...(version && { version }),
            tags: tags ?? [],
            requires: requires ?? [],
          }),
        );
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const s of scenarios) {
        process.stdout.write(
          `${s.id}  ${s.operation.padEnd(18)} ${s.category.padEnd(21)} ${s.title}\n`,
        );
      }
    });

  program
    .command("docs")
    .description(
      "render the executable documentation (Markdown and one HTML page) from spec/, the catalog and the cassettes",
    )
    .option("--out <dir>", "folder to write, or to compare with --check", "docs")
    .option("--check", "write nothing; exit 1 when a page is missing or out of date")
    .option("--cassettes <dir>", "cassette folder (default tests/cassettes)")
    .action(async (options: DocsOptions) => {
      process.exitCode = await docs(catalog, options);
    });

  program
    .command("cleanup")
    .description(
      "find volumes and servers that earlier runs left behind (by name prefix) and remove them",
    )
    .option("--target <file>", "target description (JSON); default as for `run`")
    .option("--run <id>", "only what the run with this id created (a live run prints its id first)")
    .option("-y, --yes", "remove without asking")
    .action(async (options: { target?: string; run?: string; yes?: boolean }) => {
      process.exitCode = await withUnreachableHint(options.target, process.env, () =>
        cleanup(options),
      );
    });

  program
    .command("preflight")
    .description(
      "check a live target before a run, reading only: API versions, pathPrefixes, roles, resources, skips",
    )
    .option("--target <file>", "target description (JSON); default as for `run`")
    .action(async (options: { target?: string }) => {
      process.exitCode = await withUnreachableHint(options.target, process.env, () =>
        runPreflight(liveDescription(options.target, process.env), catalog),
      );
    });

  mergeCommand(program, catalog);

  // mutate, coverage, drift: what the suite catches and what its evidence is.
  addEvidenceCommands(program, catalog);
  return program;
}

interface DocsOptions {
  out: string;
  check?: boolean;
  cassettes?: string;
}

async function docs(catalog: readonly Scenario[], options: DocsOptions): Promise<number> {
  const pages = await renderDocs(await buildDocsModel(catalog, options.cassettes));
  const dir = resolve(options.out);
  if (options.check) {
    const drift = await findDocsDrift(pages, dir);
    for (const line of drift) process.stderr.write(`conformance: ${line}\n`);
    if (drift.length === 0) process.stdout.write(`${options.out} is up to date\n`);
    return drift.length === 0 ? EXIT_CODES.green : EXIT_CODES.failed;
  }
  await ensureWritable(dir, "--out");
  for (const file of await writeDocs(pages, dir)) {
    process.stdout.write(`wrote ${join(options.out, file)}\n`);
  }
  return EXIT_CODES.green;
}

async function cleanup(options: { target?: string; run?: string; yes?: boolean }): Promise<number> {
  const description = liveDescription(options.target, process.env);
  const { found, removed, left } = await sweepLeftovers(description, {
    ...(options.run && { runId: options.run }),
    confirm: async (found) => {
      const lines = describeFound(found);
      process.stdout.write(`${lines.join("\n")}\n`);
      return (
        options.yes === true ||
        confirm(`remove these ${lines.length} resources from ${description.name}?`)
      );
    },
  });
  const count = describeFound(found).length;
  if (count === 0) {
    process.stdout.write(
      `no leftovers${options.run ? ` of run ${options.run}` : ""} on ${description.name}\n`,
    );
    return EXIT_CODES.green;
  }
  if (!removed) {
    process.stdout.write("nothing removed\n");
    return EXIT_CODES.green;
  }
  for (const leftover of left) {
    process.stderr.write(`could not remove ${leftover.label}: ${leftover.error}\n`);
  }
  process.stdout.write(`removed ${count - left.length} of ${count}\n`);
  return left.length === 0 ? EXIT_CODES.green : EXIT_CODES.failed;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new ConfigurationError(
      "cleanup asks before it removes anything; without a terminal, pass --yes",
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/** Errors whose message says what is wrong and what to do; anything else is a bug. */
const EXPLAINED = [
  ConfigurationError,
  MergeError,
  TargetDescriptionError,
  AuthError,
  TransportError,
  CassetteError,
];

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
    .version;
}

/** Runs the command line on `argv` with the given catalog; returns the exit code. */
export async function main(catalog: readonly Scenario[], argv = process.argv): Promise<number> {
  tolerateClosedOutput();
  try {
    const program = buildProgram(catalog);
    unknownCommand(program, argv);
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the help, the version or its one-line error.
      return error.exitCode === 0 ? 0 : EXIT_CODES.configuration;
    }
    if (EXPLAINED.some((kind) => error instanceof kind)) {
      process.stderr.write(`conformance: ${(error as Error).message}\n`);
      return EXIT_CODES.configuration;
    }
    throw error;
  }
}
