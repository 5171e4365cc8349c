// Mutation testing of the suite's own code (`npm run mutation:code`, scripts/mutation-code.ts):
// StrykerJS mutates the code that decides verdicts and runs the unit tests in
// tests/mutation/stryker.vitest.config.ts against each mutant. The score per folder and the
// reviewed equivalents are applied by scripts/mutation-code.ts, not by Stryker's thresholds.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "tests/mutation/stryker.vitest.config.ts" },
  coverageAnalysis: "perTest",
  mutate: [
    "src/engine/**/*.ts",
    "src/auth/**/*.ts",
    "src/resources/waiters.ts",
    "src/resources/states.ts",
    "tests/scenarios/final-state.ts",
  ],
  // Concurrency is Stryker's default (every core up to 4); `--concurrency 1` on a shared machine.
  reporters: ["progress", "html", "json"],
  htmlReporter: { fileName: "reports/stryker/index.html" },
  jsonReporter: { fileName: "reports/stryker/mutation.json" },
  // Committed: an `--incremental` run re-tests only the mutants of changed code and tests.
  incrementalFile: "tests/mutation/stryker-incremental.json",
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: ".stryker-tmp",
};
