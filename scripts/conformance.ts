// The command line: the library's CLI over this repository's scenario catalog.
import { main } from "../src/cli/main.ts";
import { CATALOG } from "../tests/scenarios/catalog.ts";

process.exitCode = await main(CATALOG);
