// Stop early and rerun what was red, through the real command line on a planted failure.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
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

  it("--failed reruns what the last results.json has red and updates that file, the rest kept", async () => {
    const before = results(reports);
    const ended = await runCli([
      "replay",
      "--cassettes",
      cassettes,
      "--reports",
      reports,
      "--failed",
    ]);
    expect(ended.code).toBe(1);
    expect(ended.stdout).toContain(
      `rerunning 1 red of ${before.summary.total} in ${join(reports, "results.json")}; the other ${before.summary.total - 1} keep their results there\n`,
    );
    const after = results(reports);
    // The whole earlier run is still there; only the rerun case changed, and says so.
    expect(after.summary).toEqual(before.summary);
    expect(after.scenarios.map((s) => s.id)).toEqual(before.scenarios.map((s) => s.id));
    expect(after.scenarios.filter((s) => s.rerun).map((s) => [s.id, s.verdict])).toEqual([
      [PLANTED_ID, "fails"],
    ]);
    expect(after.scenarios.filter((s) => s.id !== PLANTED_ID)).toEqual(
      before.scenarios.filter((s) => s.id !== PLANTED_ID),
    );
    expect(after.run.startedAt).toBe(before.run.startedAt);
    const schema = JSON.parse(
      readFileSync(new URL("../../src/reports/results.schema.json", import.meta.url), "utf8"),
    );
    const validate = addFormats.default(new Ajv2020({ allErrors: true })).compile(schema);
    expect(validate(after), JSON.stringify(validate.errors)).toBe(true);
    const title = before.scenarios.find((s) => s.id === PLANTED_ID)?.title;
    for (const report of ["junit.xml", "summary.md", "index.html"]) {
      expect(readFileSync(join(reports, report), "utf8"), report).toContain(`${title} (rerun)`);
    }
    const junit = readFileSync(join(reports, "junit.xml"), "utf8");
    expect(junit.match(/ \(rerun\)"/g)).toHaveLength(1);
    expect(junit).toContain(`tests="${before.summary.total}"`);
  });

  it("--failed once the red case is green again: green, then nothing to rerun, exit 0", async () => {
    const before = results(reports);
    const fixed = await runCli(["replay", "--reports", reports, "--failed"]);
    expect(fixed.code).toBe(0);
    const after = results(reports);
    expect(after.summary.total).toBe(before.summary.total);
    expect(after.summary.fails).toBe(0);
    const rerun = after.scenarios.find((s) => s.id === PLANTED_ID);
    expect(rerun).toMatchObject({ rerun: true, verdict: "deviation" });
    expect(rerun?.exchanges).toBeUndefined();
    const again = await runCli(["replay", "--reports", reports, "--failed"]);
    expect(again).toMatchObject({
      code: 0,
      stderr: "",
      stdout: `nothing to rerun: every case in ${join(reports, "results.json")} was green\n`,
    });
    expect(results(reports)).toEqual(after);
  });

  it("--failed refuses a folder without results.json", async () => {
    const none = await runCli(["replay", "--reports", join(scratch, "none"), "--failed"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^conformance: --failed .* there is no .*results\.json; run without --failed first.*\n$/,
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
