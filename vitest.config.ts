import { defineConfig } from "vitest/config";

// Two projects: the library's own tests, and the conformance catalog as vitest tests (through
// the same engine as the command line; replay by default). `npm test` runs both.
export default defineConfig({
  test: {
    // The default reporter names a skipped file but not why: the second lists each skip's reason.
    reporters: ["default", "./tests/support/skip-reasons.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/conformance/**"],
          // Several tests replay the whole catalog, a few seconds each on a busy 2-core runner.
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "conformance",
          include: ["tests/conformance/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
