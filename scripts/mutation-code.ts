// The mutation score of the suite's own code per folder, after `stryker run` (see
// stryker.config.mjs): prints the table, the survivors nobody has reviewed and stale
// equivalents; exits 1 when a folder scores below 90 %.
//   tsx scripts/mutation-code.ts [reports/stryker/mutation.json …]
// Several reports (runs over parts of the mutate list) are scored as one.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../src/paths.ts";
import {
  judge,
  loadEquivalents,
  type MutationReport,
  scoreByFolder,
} from "./mutation/code-score.ts";

const paths = process.argv.slice(2);
const report: MutationReport = { files: {} };
for (const path of paths.length > 0 ? paths : [join(ROOT, "reports/stryker/mutation.json")]) {
  try {
    Object.assign(report.files, (JSON.parse(readFileSync(path, "utf8")) as MutationReport).files);
  } catch (error) {
    process.stderr.write(
      `mutation-code: cannot read Stryker's JSON report ${path} (${(error as Error).message}); run \`npx stryker run\` first\n`,
    );
    process.exit(2);
  }
}
let equivalents: ReturnType<typeof loadEquivalents>;
try {
  equivalents = loadEquivalents(join(ROOT, "tests/mutation/equivalent-mutants.yaml"));
} catch (error) {
  process.stderr.write(`mutation-code: ${(error as Error).message}\n`);
  process.exit(2);
}
const { lines, ok } = judge(scoreByFolder(report, equivalents));
process.stdout.write(`${lines.join("\n")}\n`);
process.exit(ok ? 0 : 1);
