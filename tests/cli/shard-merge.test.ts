// Two shards and a merge give what one run gives: the same verdicts, counts and JUnit test
// cases; and runs on two targets merge into one report with each scenario once per target.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ResultsFile } from "../../src/reports/results.ts";
import { CATALOG } from "../scenarios/catalog.ts";
import { runCli } from "../support/cli.ts";
import { PLANTED_ID, plantFailure } from "../support/planted.ts";

const cassettes = plantFailure();
const scratch = mkdtempSync(join(tmpdir(), "conformance-shards-"));
afterAll(() => {
  rmSync(cassettes, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});
const at = (...parts: string[]) => join(scratch, ...parts);
const results = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as ResultsFile;

/** Each test case of a JUnit file: its name, class and verdict element; not its time. */
function testcases(dir: string): string[] {
  const xml = readFileSync(join(dir, "junit.xml"), "utf8");
  return [
    ...xml.matchAll(/<testcase name="([^"]*)" classname="([^"]*)"[^>]*?(\/>|>\s*<(\w+))/g),
  ].map((m) => `${m[1]} | ${m[2]} | ${m[4] ?? "passed"}`);
}

describe("--shard and merge", { timeout: 120_000 }, async () => {
  const replay = (...args: string[]) => runCli(["replay", "--cassettes", cassettes, ...args]);
  const [single, first, second] = await Promise.all([
    replay("--reports", at("single")),
    replay("--reports", at("shard-1"), "--shard", "1/2"),
    replay("--reports", at("shard-2"), "--shard", "2/2"),
  ]);
  const merged = await runCli([
    "merge",
    at("shard-1"),
    at("shard-2", "results.json"),
    "--reports",
    at("merged"),
  ]);

  it("splits the catalog round-robin into shards that do not overlap", () => {
    // The planted failure is fourth in the catalog: in the second shard.
    expect([single.code, first.code, second.code]).toEqual([1, 0, 1]);
    const ids = CATALOG.map((scenario) => scenario.id);
    expect(results(at("shard-1")).scenarios.map((s) => s.id)).toEqual(
      ids.filter((_, i) => i % 2 === 0),
    );
    expect(results(at("shard-2")).scenarios.map((s) => s.id)).toEqual(
      ids.filter((_, i) => i % 2 === 1),
    );
  });

  it("merges into the verdicts, counts and JUnit test cases of a single run", () => {
    expect(merged.code).toBe(single.code);
    expect(merged.code).toBe(1);
    const one = results(at("single"));
    const joined = results(at("merged"));
    expect(joined.summary).toEqual(one.summary);
    expect(joined.scenarios.map((s) => [s.id, s.verdict])).toEqual(
      one.scenarios.map((s) => [s.id, s.verdict]),
    );
    expect(testcases(at("merged"))).toEqual(testcases(at("single")));
    expect(testcases(at("single"))).toHaveLength(CATALOG.length);
    // The red scenario keeps its exchanges through the merge.
    const planted = joined.scenarios.find((s) => s.id === PLANTED_ID);
    expect(planted?.exchanges).toEqual(one.scenarios.find((s) => s.id === PLANTED_ID)?.exchanges);
    expect(readFileSync(at("merged", "summary.md"), "utf8")).toContain(
      "| `610204e4@unversioned` EVS detach of an unknown volume | detachVolume | ❌ fails | 404 → 200 |",
    );
  });

  it("merges two targets with each scenario once per target", async () => {
    const other = results(at("single"));
    other.run.target = "eu-nl";
    writeFileSync(at("eu-nl.json"), JSON.stringify(other));
    const ended = await runCli([
      "merge",
      at("single"),
      at("eu-nl.json"),
      "--reports",
      at("targets"),
    ]);
    expect(ended.code).toBe(1);
    const joined = results(at("targets"));
    expect(joined.summary.total).toBe(2 * CATALOG.length);
    expect(joined.run.target).toBe("openstack-loopback + eu-nl");
    expect(joined.scenarios.filter((s) => s.id === PLANTED_ID).map((s) => s.target)).toEqual([
      "openstack-loopback",
      "eu-nl",
    ]);
    const cases = testcases(at("targets"));
    expect(new Set(cases.map((c) => c.split(" | ")[0])).size).toBe(2 * CATALOG.length);
  });

  it("records the shard and the selection it split", () => {
    const [one, two, whole] = [at("shard-1"), at("shard-2"), at("single")].map(
      (d) => results(d).run,
    );
    expect(one?.shard).toEqual({ index: 1, count: 2 });
    expect(two?.shard).toEqual({ index: 2, count: 2 });
    expect(whole?.shard).toBeUndefined();
    expect(one?.selection?.total).toBe(CATALOG.length);
    expect(one?.selection).toEqual(two?.selection);
    expect(one?.selection).toEqual(whole?.selection);
  });

  it("fails a merge that lacks a shard or holds one cut short, one line each", async () => {
    const alone = await runCli(["merge", at("shard-1"), "--reports", at("alone")]);
    expect(alone.code).toBe(1);
    const missing = `incomplete: shard 2/2 of openstack-loopback is missing (${Math.floor(CATALOG.length / 2)} of the selection's ${CATALOG.length} cases): its job failed or its results.json was not given to merge\n`;
    expect(alone.stdout).toContain(missing);
    expect(alone.stdout).toContain("(1 results file, openstack-loopback)");
    expect(results(at("alone")).run.verdict).toBe("failed");
    expect(results(at("alone")).run.incomplete).toHaveLength(1);
    expect(readFileSync(at("alone", "summary.md"), "utf8")).toContain("❌ Conformance failed");

    const cut = results(at("shard-2"));
    cut.scenarios = cut.scenarios.slice(1);
    writeFileSync(at("cut.json"), JSON.stringify(cut));
    const short = await runCli(["merge", at("shard-1"), at("cut.json"), "--reports", at("cut")]);
    expect(short.code).toBe(1);
    expect(short.stdout).toContain(
      `incomplete: ${at("cut.json")} holds ${cut.scenarios.length} of the ${cut.scenarios.length + 1} cases of shard 2/2 on openstack-loopback`,
    );

    const old = results(at("shard-2"));
    delete old.run.selection;
    writeFileSync(at("old.json"), JSON.stringify(old));
    const unknown = await runCli(["merge", at("shard-1"), at("old.json"), "--reports", at("old")]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain(
      `incomplete: ${at("old.json")} does not say which shard and selection it ran`,
    );
  });

  it("refuses overlapping shards and a bad --shard in one line", async () => {
    const overlap = await runCli(["merge", at("shard-1"), at("shard-1"), "--reports", at("bad")]);
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toMatch(
      /^conformance: scenario .* is in .* and in .*: do the shards overlap\?\n$/,
    );
    for (const bad of ["3/2", "1-2"]) {
      const ended = await runCli(["replay", "--shard", bad]);
      expect(ended.code).toBe(2);
      expect(ended.stderr).toBe(
        `conformance: --shard takes i/n with 1 ≤ i ≤ n, e.g. --shard 1/4 for the first of four runners, not ${bad}\n`,
      );
    }
  });
});
