// The suite's command line: run the scenario catalog (replay by default), record cassettes,
// list scenarios, clean up leftovers. Exit codes: 0 conforms, 1 failures, 2 configuration error.
import { Command, Option } from "commander";
import { startVitest } from "vitest/node";
import {
  liveDescription,
  type RunConfig,
  type Selection,
  select,
} from "../tests/harness/config.ts";
import { CATALOG } from "../tests/scenarios/catalog.ts";

const EXIT_CONFIG = 2;

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
  return process.exitCode === undefined || process.exitCode === 0 ? 0 : 1;
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

try {
  await program.parseAsync();
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  process.stderr.write(`conformance: ${error.message}\n`);
  process.exitCode = EXIT_CONFIG;
}
