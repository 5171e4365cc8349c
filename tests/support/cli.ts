import { join } from "node:path";
import { ROOT } from "../../src/paths.ts";

/** The command line as `npx otc-detach-conformance` starts it: node and the package's bin. */
export const BIN = join(ROOT, "scripts", "otc-detach-conformance.mjs");
