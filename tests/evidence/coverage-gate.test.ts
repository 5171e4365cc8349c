// `coverage` as CI calls it: it fails on a documented status that no case reaches and the
// family's `unreachable` list does not explain, and names it.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { plantFixedServer } from "../support/planted.ts";

const scratch = mkdtempSync(join(tmpdir(), "conformance-coverage-"));
const fixed = plantFixedServer();
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(fixed, { recursive: true, force: true });
});

describe("coverage's exit code", { timeout: 60_000 }, () => {
  it("is 0 on the committed cassettes: every unreached status is explained", async () => {
    const ended = await runCli(["coverage", "--out", join(scratch, "committed.md")]);
    expect(ended.stdout).toContain(
      "documented statuses no scenario reaches: detachServerVolume 200, detachServerVolume 500",
    );
    expect(ended.code).toBe(0);
  });

  it("names no path of the machine that wrote the page, only the repository's", async () => {
    const out = join(scratch, "paths.md");
    const results = join(scratch, "results.json");
    await runCli(["replay", "--category", "auth", "--reports", scratch]);
    await runCli(["coverage", "--results", results, "--out", out]);
    const page = readFileSync(out, "utf8");
    expect(page).not.toContain(scratch);
    expect(page).toContain("--results <a live run's results.json>");
  });

  it("is 1 when no case reaches a documented status the family does not explain, naming it", async () => {
    const ended = await runCli([
      "coverage",
      "--cassettes",
      fixed,
      "--out",
      join(scratch, "fixed.md"),
    ]);
    expect(ended.stderr).toContain(
      "conformance: documented status 500 of detachVolume is never reached and not explained: add a scenario that reaches it, or an `unreachable` entry with its reason to tests/deviations/upstream-openstack.yaml\n",
    );
    expect(ended.code).toBe(1);
  });
});
