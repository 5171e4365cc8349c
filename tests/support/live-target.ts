import { existsSync } from "node:fs";
import { DEFAULT_TARGET_FILE } from "../../src/config/description.ts";

/** Set by `.ci/live-tests`, which runs once the project's own target is up. */
export const REQUIRE_TARGET_ENV = "CONFORMANCE_REQUIRE_TARGET";

/**
 * Whether the tests that need the project's OpenStack target run. Without its description
 * (a laptop, or `npm test` in CI before the target starts) they are skipped; with
 * CONFORMANCE_REQUIRE_TARGET=1 its absence is an error instead, so that CI cannot pass them
 * by skipping.
 */
export function liveTargetUp(
  env: NodeJS.ProcessEnv = process.env,
  file: string = DEFAULT_TARGET_FILE,
): boolean {
  if (existsSync(file)) return true;
  if (env[REQUIRE_TARGET_ENV] === "1") {
    throw new Error(
      `${REQUIRE_TARGET_ENV}=1, but ${file} is missing: start the target first (npm run target:start)`,
    );
  }
  return false;
}
