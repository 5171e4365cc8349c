// Stop early and rerun what was red, through the real command line on a planted failure.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { shortId } from "../../src/engine/scenario.ts";
import type { ResultsFile } from "../../src/reports/results.ts";
import { CATALOG } from "../scenarios/catalog.ts";
import { runCli } from "../support/cli.ts";
import { PLANTED_ID, plantFailure } from "../support/planted.ts";

const cassettes = plantFailure();
const scratch = mkdtempSync(join(tmpdir(), "conformance-rerun-"));
afterAll(() => {
  rmSync(cassettes, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const results = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as ResultsFile;

describe("--bail, --concurrency and --failed", { timeout: 90_000 }, () => {
  const reports = join(scratch, "bail");
  const planted = CATALOG.findIndex((scenario) => scenario.id === PLANTED_ID);

  it("--bail with one scenario at a time starts none after the first red one", async () => {
    // The planted scenario must have scenarios after it, or stopping would prove nothing.
    expect(planted).toBeGreaterThan(0);
    expect(planted).toBeLessThan(CATALOG.length - 1);
    const ended = await runCli([
      "replay",
      "--cassettes",
      cassettes,
      "--reports",
      reports,
      "--bail",
      "--concurrency",
      "1",
    ]);
    expect(ended.code).toBe(1);
    expect(ended.stdout).toContain(`stopped early: --bail: ${shortId(PLANTED_ID)} ended fails`);
    const ran = results(reports).scenarios;
    expect(ran.map((s) => s.id)).toEqual(CATALOG.slice(0, planted + 1).map((s) => s.id));
    expect(ran.at(-1)?.verdict).toBe("fails");
  });

  it("--failed reruns only the scenarios the last results.json has red", async () => {
    const ended = await runCli([
      "replay",
      "--cassettes",
      cassettes,
      "--reports",
      reports,
      "--failed",
    ]);
    expect(ended.code).toBe(1);
    expect(results(reports).scenarios.map((s) => [s.id, s.verdict])).toEqual([
      [PLANTED_ID, "fails"],
    ]);
  });

  it("--failed refuses a folder without results.json, and one where all was green", async () => {
    const none = await runCli(["replay", "--reports", join(scratch, "none"), "--failed"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^conformance: --failed .* there is no .*results\.json; run without --failed first.*\n$/,
    );
    const green = join(scratch, "green");
    expect((await runCli(["replay", "--reports", green, "-s", "e12c3afc"])).code).toBe(0);
    const again = await runCli(["replay", "--reports", green, "--failed"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /^conformance: --failed: every scenario in .* was green; there is nothing to rerun\n$/,
    );
  });

  it("refuses a concurrency that is not a positive whole number", async () => {
    const ended = await runCli(["replay", "--concurrency", "0"]);
    expect(ended).toMatchObject({
      code: 2,
      stderr:
        "conformance: --concurrency takes a whole number of scenarios to run at once, 1 or more, not 0\n",
    });
  });
});
