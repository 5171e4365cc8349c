// The suite's command line: run the scenario catalog (replay by default), record cassettes,
// list scenarios, clean up leftovers. Exit codes: 0 conforms, 1 failures, 2 configuration error.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import { Command, Option } from "commander";
import { startVitest } from "vitest/node";
import { AuthError } from "../tests/auth/auth-error.ts";
import { openSession } from "../tests/auth/session.ts";
import { loadContract } from "../tests/contract/load-spec.ts";
import { realClock } from "../tests/fixtures/clock.ts";
import { findLeftovers, removeLeftovers } from "../tests/fixtures/leftovers.ts";
import { DEFAULT_BUDGET } from "../tests/fixtures/waiters.ts";
import {
  liveDescription,
  type RunConfig,
  type Selection,
  select,
} from "../tests/harness/config.ts";
import { renderResultsTable, useColor } from "../tests/reports/console.ts";
import { EXIT_CODES } from "../tests/reports/exit-codes.ts";
import type { ResultsFile } from "../tests/reports/results.ts";
import { CATALOG } from "../tests/scenarios/catalog.ts";
import { CassetteError } from "../tests/targets/cassette.ts";
import { type TargetDescription, TargetDescriptionError } from "../tests/targets/description.ts";
import { clientsFor } from "../tests/targets/wiring.ts";
import { createTransport } from "../tests/transport/transport.ts";
import { TransportError } from "../tests/transport/transport-error.ts";

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
  if (select(CATALOG, selection).length === 0) {
    throw new ConfigurationError(
      "the filters select no scenario; `npm run conformance -- list` shows them",
    );
  }
  return selection;
}

async function runCatalog(mode: RunConfig["mode"], options: RunOptions): Promise<number> {
  const selection = selectionOf(options);
  if (options.target) process.env.CONFORMANCE_TARGET = options.target;
  if (mode !== "replay") {
    try {
      liveDescription(
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
  }
  // A results file of an earlier run must not stand in for this one.
  await rm(join(options.reports, "results.json"), { force: true });
  Object.assign(process.env, {
    CONFORMANCE_MODE: mode,
    CONFORMANCE_REPORTS: options.reports,
    CONFORMANCE_SELECT: JSON.stringify(selection),
    ...(options.cassettes && { CONFORMANCE_CASSETTES: options.cassettes }),
  });
  const vitest = await startVitest("test", ["tests/conformance"], {
    project: ["conformance"],
    watch: false,
  });
  await vitest.close();
  const resultsFile = join(options.reports, "results.json");
  let results: ResultsFile;
  try {
    results = JSON.parse(await readFile(resultsFile, "utf8")) as ResultsFile;
  } catch {
    // The catalog never finished (e.g. the target went away): vitest has said why.
    return EXIT_CODES.failed;
  }
  process.stdout.write(`\n${renderResultsTable(results, useColor(process.stdout, process.env))}`);
  process.stdout.write(`reports: ${resultsFile}, junit.xml, summary.md in ${options.reports}\n`);
  const failed = results.summary.fails + results.summary.error;
  return failed > 0 || process.exitCode ? EXIT_CODES.failed : EXIT_CODES.green;
}

function selectionFlags(command: Command): Command {
  return command
    .option("-s, --scenario <id...>", "scenario ids (a unique prefix is enough)")
    .option("-t, --tag <tag...>", "scenario tags")
    .addOption(
      new Option("-o, --operation <operation...>", "operations").choices([
        "detachVolume",
        "detachServerVolume",
      ]),
    )
    .addOption(
      new Option("-c, --category <category...>", "categories").choices([
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
      "target description (JSON); default: OS_CLOUD / OS_* variables, then .state/openstack/target.json",
    )
    .option("--reports <dir>", "where reports are written", "reports")
    .option("--cassettes <dir>", "cassette folder (default tests/cassettes)");
}

const program = new Command("conformance")
  .description("Contract and conformance suite for the OTC EVS os-detach and BMS detach APIs")
  .showHelpAfterError();

runFlags(program.command("replay", { isDefault: true }))
  .description("run the catalog on the committed cassettes, offline (the default)")
  .action(async (options: RunOptions) => {
    process.exitCode = await runCatalog("replay", options);
  });
runFlags(program.command("run"))
  .description("run the catalog against a live target")
  .action(async (options: RunOptions) => {
    process.exitCode = await runCatalog("live", options);
  });
runFlags(program.command("record"))
  .description("run live and write one redacted cassette per scenario")
  .action(async (options: RunOptions) => {
    process.exitCode = await runCatalog("record", options);
  });
selectionFlags(program.command("list"))
  .description("list the scenarios")
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
  .command("cleanup")
  .description(
    "find volumes and servers that earlier runs left behind (by name prefix) and remove them",
  )
  .option("--target <file>", "target description (JSON); default as for `run`")
  .option("-y, --yes", "remove without asking")
  .action(async (options: { target?: string; yes?: boolean }) => {
    process.exitCode = await cleanup(options);
  });

async function cleanup(options: { target?: string; yes?: boolean }): Promise<number> {
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
    const session = await openSession(description, "member", transport);
    const clients = clientsFor(session, description, contract, transport.fetch as typeof fetch, []);
    const found = await findLeftovers(clients);
    const all = [
      ...found.servers.map((s) => `server ${s.id} ${s.name}`),
      ...found.volumes.map((v) => `volume ${v.id} ${v.name}`),
    ];
    if (all.length === 0) {
      process.stdout.write(`no leftovers on ${description.name}\n`);
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
    const leftovers = await removeLeftovers(clients, found, {
      clock: realClock,
      budget: DEFAULT_BUDGET,
    });
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

try {
  await program.parseAsync();
} catch (error) {
  if (!EXPLAINED.some((kind) => error instanceof kind)) throw error;
  process.stderr.write(`conformance: ${(error as Error).message}\n`);
  process.exitCode = EXIT_CODES.configuration;
}
