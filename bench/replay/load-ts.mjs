// Runs a TypeScript file the way the package's bin runs the CLI: tsx registered in-process.
// `node bench/replay/load-ts.mjs <file.ts> [args…]`

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

register();
await import(pathToFileURL(resolve(process.argv[2] ?? "")).href);
