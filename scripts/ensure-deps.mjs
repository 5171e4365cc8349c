// Runs before `npm test` and `npm run conformance` so that a fresh clone needs no separate
// install step: installs the locked dependencies with `npm ci` when they are missing or older
// than package-lock.json. Plain Node on purpose: nothing is installed yet when it runs.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const lock = "package-lock.json";
const installed = "node_modules/.package-lock.json";
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  process.stderr.write("Installing the locked dependencies (npm ci)…\n");
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
}
