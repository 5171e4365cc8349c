// The suite's command line: run the scenario catalog (replay by default), record cassettes,
// list scenarios, render the docs, clean up leftovers. Exit codes: 0 conforms, 1 failures,
// 2 configuration error (bad flags included).
import { constants } from "node:fs";
import { access, mkdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { Command, CommanderError, Option } from "commander";
import { AuthError } from "../src/auth/auth-error.ts";
import { loadContract } from "../src/contract/load-spec.ts";
import { findDocsDrift, renderDocs, writeDocs } from "../src/docs/render.ts";
import { liveDescription, type RunConfig, type Selection, select } from "../src/engine/config.ts";
import { addEvidenceCommands } from "../src/evidence/commands.ts";
import { runPreflight } from "../src/preflight/preflight.ts";
import { renderResultsTable, useColor } from "../src/reports/console.ts";
import { EXIT_CODES } from "../src/reports/exit-codes.ts";
import type { ResultsFile } from "../src/reports/results.ts";
import { realClock } from "../src/resources/clock.ts";
import { findLeftovers, removeLeftovers } from "../src/resources/leftovers.ts";
import { namePrefix } from "../src/resources/names.ts";
import { DEFAULT_BUDGET } from "../src/resources/waiters.ts";
import { CassetteError } from "../src/targets/cassette.ts";
import { type TargetDescription, TargetDescriptionError } from "../src/targets/description.ts";
import { newRunId } from "../src/targets/live.ts";
import { roleClients } from "../src/targets/wiring.ts";
import { createTransport } from "../src/transport/transport.ts";
import { TransportError } from "../src/transport/transport-error.ts";
import { CATALOG } from "../tests/scenarios/catalog.ts";
import { afterInterruption, checkReachable, runVitestInterruptibly } from "./interruption.ts";

class ConfigurationError extends Error {}

interface SelectionOptions {
  scenario?: string[];
  tag?: string[];
  operation?: string[];
  category?: string[];
}

interface RunOptions extends SelectionOptions {
  target?: string;
  reports: string;
  cassettes?: string;
  json?: boolean;
}

function selectionOf(options: SelectionOptions): Selection {
  const selection: Selection = {
    ...(options.scenario && { ids: options.scenario }),
    ...(options.tag && { tags: options.tag }),
    ...(options.operation && { operations: options.operation }),
    ...(options.category && { categories: options.category }),
  };
  for (const id of selection.ids ?? []) {
    if (!CATALOG.some((scenario) => scenario.id.startsWith(id))) {
      throw new ConfigurationError(
        `no scenario has the id ${id}; \`npm run conformance -- list\` shows them`,
      );
    }
  }
  const tags = [...new Set(CATALOG.flatMap((scenario) => scenario.tags ?? []))].sort();
  for (const tag of selection.tags ?? []) {
    if (!tags.includes(tag)) {
      throw new ConfigurationError(
        `no scenario has the tag ${tag}; known tags: ${tags.join(", ")}`,
      );
    }
  }
  if (select(CATALOG, selection).length === 0) {
    throw new ConfigurationError(
      "the filters select no scenario; `npm run conformance -- list` shows them",
    );
  }
  return selection;
}

/** Fails before anything runs when `dir` cannot be created or written. */
async function ensureWritable(dir: string, flag: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigurationError(
      `cannot write into ${resolve(dir)} (${code}); give ${flag} a folder you can write, e.g. ${flag} /tmp/conformance`,
    );
  }
}

async function runCatalog(mode: RunConfig["mode"], options: RunOptions): Promise<number> {
  const selection = selectionOf(options);
  await ensureWritable(options.reports, "--reports");
  if (options.target) process.env.CONFORMANCE_TARGET = options.target;
  let description: TargetDescription | undefined;
  let runId: string | undefined;
  if (mode !== "replay") {
    try {
      description = liveDescription(
        {
          mode,
          reportDir: options.reports,
          selection,
          ...(options.target && { targetFile: options.target }),
        },
        process.env,
      );
    } catch (error) {
      throw new ConfigurationError((error as Error).message);
    }
    // An unreachable endpoint or wrong credentials end the run here, in seconds, in one line.
    await checkReachable(description);
    // Names the run's resources, so that what an interrupted run left can be found.
    runId = newRunId();
    process.stderr.write(`run ${runId}: its resources are named ${namePrefix(runId)}…\n`);
  }
  // A results file of an earlier run must not stand in for this one.
  await rm(join(options.reports, "results.json"), { force: true });
  Object.assign(process.env, {
    CONFORMANCE_MODE: mode,
    CONFORMANCE_REPORTS: options.reports,
    CONFORMANCE_SELECT: JSON.stringify(selection),
    ...(options.cassettes && { CONFORMANCE_CASSETTES: options.cassettes }),
    ...(runId && { CONFORMANCE_RUN_ID: runId }),
  });
  // With --json, stdout carries results.json only: vitest reports on stderr instead.
  // SIGINT / SIGTERM stop the run after each running scenario has cleaned up (see interruption.ts).
  const run = await runVitestInterruptibly({
    filters: ["tests/conformance"],
    options: { project: ["conformance"], watch: false },
    vitestOptions: options.json ? { stdout: process.stderr } : {},
    graceMs: Number(process.env.CONFORMANCE_GRACE_MS ?? 60_000),
  });
  if (run.interrupted) return afterInterruption(run.interrupted, description, runId);
  const resultsFile = join(options.reports, "results.json");
  let text: string;
  let results: ResultsFile;
  try {
    text = await readFile(resultsFile, "utf8");
    results = JSON.parse(text) as ResultsFile;
  } catch {
    // The catalog never finished (e.g. the target went away): vitest has said why.
    return EXIT_CODES.failed;
  }
  if (options.json) {
    process.stdout.write(text);
  } else {
    process.stdout.write(`\n${renderResultsTable(results, useColor(process.stdout, process.env))}`);
    process.stdout.write(
      `reports: ${resultsFile}, junit.xml, summary.md, index.html in ${options.reports}\n`,
    );
  }
  const failed = results.summary.fails + results.summary.error;
  return failed > 0 || process.exitCode ? EXIT_CODES.failed : EXIT_CODES.green;
}

function selectionFlags(command: Command): Command {
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
      new Option("-o, --operation <operation...>", "scenarios of these operations").choices([
        "detachVolume",
        "detachServerVolume",
      ]),
    )
    .addOption(
      new Option("-c, --category <category...>", "scenarios of these categories").choices([
        "happy-path",
        "missing-attachment-id",
        "not-found",
        "wrong-state",
        "malformed-body",
        "auth",
      ]),
    );
}

function runFlags(command: Command): Command {
  return selectionFlags(command)
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
    .option(
      "--json",
      "print results.json to stdout instead of the table; vitest reports on stderr",
    );
}

const EXAMPLES = `
Examples:
  npm run conformance                                    replay the committed cassettes (offline)
  npm run conformance -- run --target my-target.json     run live against your cloud
  npm run conformance -- run -o detachVolume --json      live, EVS only, results as JSON
  npm run conformance -- list -c not-found               the not-found scenarios
  npm run conformance -- docs                            regenerate docs/

Exit codes: 0 green, 1 a scenario fails or errors (or docs --check finds drift),
2 configuration error (bad flags, no target, unwritable folder).`;

/** Commander's `error: …` message, with its "(Did you mean …?)" line, as one line. */
function oneLine(message: string): string {
  return message
    .replace(/^error: /, "")
    .replace(/\s*\n\s*/g, " ")
    .trim()
    .replace(/\.$/, "");
}

const program = new Command("conformance")
  .description("Contract and conformance suite for the OTC EVS os-detach and BMS detach APIs")
  // Bad flags end with one line on stderr and exit code 2, like every configuration error.
  .exitOverride()
  .configureOutput({
    outputError: (message, write) => write(`conformance: ${oneLine(message)}; see --help\n`),
  })
  .addHelpText("after", EXAMPLES);

runFlags(program.command("replay", { isDefault: true }))
  .description("run the catalog on the committed cassettes, offline (the default)")
  .action(async (options: RunOptions) => {
    process.exitCode = await runCatalog("replay", options);
  });
runFlags(program.command("run"))
  .description("run the catalog against a live target; its reports gate CI")
  .action(async (options: RunOptions) => {
    process.exitCode = await runCatalog("live", options);
  });
runFlags(program.command("record"))
  .description("run live and write one redacted cassette per scenario")
  .action(async (options: RunOptions) => {
    process.exitCode = await runCatalog("record", options);
  });
selectionFlags(program.command("list"))
  .description("list the scenarios: id, operation, category, title")
  .option("--json", "machine-readable output")
  .action((options: SelectionOptions & { json?: boolean }) => {
    const scenarios = select(CATALOG, selectionOf(options));
    if (options.json) {
      const rows = scenarios.map(({ id, title, operation, category, tags, requires }) => ({
        id,
        title,
        operation,
        category,
        tags: tags ?? [],
        requires: requires ?? [],
      }));
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
  .action(async (options: { out: string; check?: boolean }) => {
    process.exitCode = await docs(options);
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
    process.exitCode = await cleanup(options);
  });

program
  .command("preflight")
  .description(
    "check a live target before a run, reading only: API versions, pathPrefixes, roles, resources, skips",
  )
  .option("--target <file>", "target description (JSON); default as for `run`")
  .action(async (options: { target?: string }) => {
    const config = { mode: "live", reportDir: "", selection: {} } as const;
    let description: TargetDescription;
    try {
      description = liveDescription({ ...config, targetFile: options.target }, process.env);
    } catch (error) {
      throw new ConfigurationError((error as Error).message);
    }
    process.exitCode = await runPreflight(description, CATALOG);
  });

async function docs(options: { out: string; check?: boolean }): Promise<number> {
  const pages = await renderDocs();
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
  let description: TargetDescription;
  try {
    description = liveDescription(
      {
        mode: "live",
        reportDir: "",
        selection: {},
        ...(options.target && { targetFile: options.target }),
      },
      process.env,
    );
  } catch (error) {
    throw new ConfigurationError((error as Error).message);
  }
  const contract = await loadContract();
  const transport = createTransport(description);
  try {
    const clients = await roleClients(description, "member", transport, contract);
    const found = await findLeftovers(clients, options.run);
    const all = [
      ...found.servers.map((s) => `server ${s.id} ${s.name}`),
      ...found.volumes.map((v) => `volume ${v.id} ${v.name}`),
    ];
    if (all.length === 0) {
      process.stdout.write(
        `no leftovers${options.run ? ` of run ${options.run}` : ""} on ${description.name}\n`,
      );
      return 0;
    }
    process.stdout.write(`${all.join("\n")}\n`);
    if (
      !options.yes &&
      !(await confirm(`remove these ${all.length} resources from ${description.name}?`))
    ) {
      process.stdout.write("nothing removed\n");
      return 0;
    }
    // An admin, when the target gives one, can release a volume Nova left reserved.
    const admin = description.auth.admin
      ? await roleClients(description, "admin", transport, contract)
      : undefined;
    const leftovers = await removeLeftovers(
      clients,
      found,
      { clock: realClock, budget: DEFAULT_BUDGET },
      admin,
    );
    for (const leftover of leftovers)
      process.stderr.write(`could not remove ${leftover.label}: ${leftover.error}\n`);
    process.stdout.write(`removed ${all.length - leftovers.length} of ${all.length}\n`);
    return leftovers.length === 0 ? 0 : 1;
  } finally {
    await transport.close();
  }
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
  TargetDescriptionError,
  AuthError,
  TransportError,
  CassetteError,
];

// mutate, coverage, drift: what the suite catches and what its evidence is (tests/evidence).
addEvidenceCommands(program);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has already printed the help, the version or its one-line error.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_CODES.configuration;
  } else if (EXPLAINED.some((kind) => error instanceof kind)) {
    process.stderr.write(`conformance: ${(error as Error).message}\n`);
    process.exitCode = EXIT_CODES.configuration;
  } else {
    throw error;
  }
}
