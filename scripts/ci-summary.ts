// The closing lines of .ci/run: vitest tests and catalog verdicts apart, from the runners' own
// result files (vitest's JSON reports and the suite's results.json, in the order they ran).
// Exits 1 on a failed test, a red verdict, a missing file, a skip (of a test or of a case of the
// catalog) .ci/allowed-skips.yaml does not allow, a vitest report without a test, a catalog that
// judged no case, or a stale ledger entry.
//   tsx scripts/ci-summary.ts reports/ci/tests.json reports/ci/replay/results.json \
//     reports/ci/live-tests.json reports/ci/live/results.json
import { join } from "node:path";
import { ROOT } from "../src/paths.ts";
import { loadAllowedSkips, readInput, summarize } from "./ci/summary.ts";

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("ci-summary: give the result files to summarize\n");
  process.exit(2);
}
let allowed: ReturnType<typeof loadAllowedSkips>;
try {
  allowed = loadAllowedSkips(join(ROOT, ".ci/allowed-skips.yaml"));
} catch (error) {
  process.stderr.write(`ci-summary: ${(error as Error).message}\n`);
  process.exit(2);
}
const { lines, ok } = summarize(files.map(readInput), allowed, ROOT);
process.stdout.write(`${lines.join("\n")}\n`);
process.exit(ok ? 0 : 1);
