// Prints "N passed, N failed, N skipped" over vitest's JSON report and the suite's results
// files, so CI sees how many tests really ran. A missing file counts as one failure.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  let data;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    process.stderr.write(`ci-summary: ${file} is missing or not JSON\n`);
    failed += 1;
    continue;
  }
  if ("numPassedTests" in data) {
    passed += data.numPassedTests;
    failed += data.numFailedTests;
    skipped += data.numPendingTests + data.numTodoTests;
  } else {
    const s = data.summary;
    passed += s.conforms + s.deviation;
    failed += s.fails + s.error;
    skipped += s.skipped;
  }
}
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
