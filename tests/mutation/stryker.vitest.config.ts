import { defineConfig } from "vitest/config";

// The unit tests Stryker runs against each mutant of the code it mutates (stryker.config.mjs):
// only the tests of those folders and the replay tests that go through them, so a mutant costs
// a second or so. No browser tests, nothing live, no whole-catalog replays. Code a test file
// runs in `beforeAll` counts for no test, so Stryker reloads everything and runs every test for
// each mutant in it ("static"): tests/targets/record-replay and replay-headers open their
// target there, which would make the whole session and replay code static, and stay out.
export default defineConfig({
  test: {
    include: [
      "tests/auth/**/*.test.ts",
      "tests/checks/**/*.test.ts",
      "tests/deviations/**/*.test.ts",
      "tests/engine/**/*.test.ts",
      "tests/redaction/**/*.test.ts",
      "tests/resources/**/*.test.ts",
      "tests/scenarios/**/*.test.ts",
      "tests/faults/replay-faults.test.ts",
      "tests/faults/interrupt.test.ts",
    ],
    exclude: ["**/*.browser.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
