import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Scratch space of a bench run (git-ignored, like the OpenStack target's state). */
export const WORK_DIR = fileURLToPath(new URL("../../.state/bench/", import.meta.url));
/** Where each run writes its figures; both files are committed. */
export const RESULTS_JSON = fileURLToPath(new URL("../results.json", import.meta.url));
export const RESULTS_MD = fileURLToPath(new URL("../results.md", import.meta.url));
/** The page whose Speed section holds the latest table. */
export const SPEED_PAGE = fileURLToPath(new URL("../../docs/architecture.md", import.meta.url));
/** vitest's command-line entry, run with this Node: what `npx vitest` runs, without npm's start-up. */
export const VITEST_BIN = fileURLToPath(
  new URL("../../node_modules/vitest/vitest.mjs", import.meta.url),
);
/** The project's own OpenStack target; the bench never runs live against anything else. */
export const OWN_TARGET_FILE = fileURLToPath(
  new URL("../../.state/openstack/target.json", import.meta.url),
);
export const OPENSTACK_LOGS = fileURLToPath(
  new URL("../../.state/openstack/logs/", import.meta.url),
);
export const OWN_TARGET_PIDS = fileURLToPath(
  new URL("../../.state/openstack/pids/", import.meta.url),
);
