// What a run's exit code says beyond fails and errors, through the real command line on copies
// of the committed cassettes: a run that judged no case exits 3, and a run of the whole catalog
// fails on a ledger entry that matched nothing, where a partial selection only notes it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CASSETTE_DIR } from "../../src/paths.ts";
import type { ResultsFile } from "../../src/reports/results.ts";
import { runCli } from "../support/cli.ts";
import { plantFixedServer } from "../support/planted.ts";

const scratch = mkdtempSync(join(tmpdir(), "conformance-verdicts-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the committed cassettes, changed by `edit` (paths relative to the folder). */
function cassettesWith(
  name: string,
  edit: (read: (p: string) => unknown, write: (p: string, v: unknown) => void) => void,
): string {
  const dir = join(scratch, name);
  cpSync(CASSETTE_DIR, dir, { recursive: true });
  edit(
    (path) => JSON.parse(readFileSync(join(dir, path), "utf8")),
    (path, value) => writeFileSync(join(dir, path), JSON.stringify(value, null, 2)),
  );
  return dir;
}

const results = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as ResultsFile;

describe("verdicts of the run as a whole", { timeout: 90_000 }, () => {
  it("exits 3 and says so in one line when every selected case was skipped", async () => {
    // A target that names its shared server: the cases that need their own one are skipped.
    const cassettes = cassettesWith("shared-server", (read, write) => {
      const session = read("session.json") as { target: { resources: Record<string, string> } };
      session.target.resources.serverId = "a-shared-server";
      write("session.json", session);
    });
    const reports = join(scratch, "skipped");
    const ended = await runCli([
      "replay",
      "--cassettes",
      cassettes,
      "--reports",
      reports,
      "--scenario",
      "abd5c992",
      "03876b9c",
    ]);
    expect(ended.stdout).toContain(
      "\njudged nothing: all 2 selected cases were skipped (reasons above); the run proves nothing (exit 3)\n",
    );
    expect(ended.code).toBe(3);
    expect(results(reports).run.verdict).toBe("judged-nothing");
    expect(readFileSync(join(reports, "summary.md"), "utf8")).toMatch(
      /^## ⚠️ Conformance judged nothing/,
    );
  });

  // The server fixed: the one case its ledger entry explains answers otherwise.
  const staleEntry = "evs-os-detach-null-500";
  const fixed = plantFixedServer();
  afterAll(() => rmSync(fixed, { recursive: true, force: true }));

  it("fails a run of the whole catalog on a ledger entry that matched nothing, naming it", async () => {
    const reports = join(scratch, "stale");
    const ended = await runCli(["replay", "--cassettes", fixed, "--reports", reports]);
    expect(ended.stdout).toContain(
      `\nstale ledger entry ${staleEntry}: it matched nothing in a run of the whole catalog; remove it from tests/deviations/upstream-openstack.yaml, or fix the scenario that should show it\n`,
    );
    expect(ended.stdout).toContain(" 0 fail, 0 errors, 0 skipped");
    expect(ended.code).toBe(1);
    expect(results(reports).run).toMatchObject({
      verdict: "failed",
      staleDeviations: [staleEntry],
    });
  });

  it("fails a merge of shards that together ran the whole catalog on the same entry", async () => {
    const shard = (i: number) =>
      runCli([
        "replay",
        "--cassettes",
        fixed,
        "--reports",
        join(scratch, `shard-${i}`),
        "--shard",
        `${i}/2`,
      ]);
    const shards = await Promise.all([shard(1), shard(2)]);
    expect(shards.map((ended) => ended.code)).toEqual([0, 0]);
    const merged = join(scratch, "merged");
    const ended = await runCli([
      "merge",
      join(scratch, "shard-1"),
      join(scratch, "shard-2"),
      "--reports",
      merged,
    ]);
    expect(ended.stdout).toContain(`\nstale ledger entry ${staleEntry}: it matched nothing`);
    expect(ended.code).toBe(1);
    expect(results(merged).run).toMatchObject({ verdict: "failed", staleDeviations: [staleEntry] });
  });

  it("only notes unused entries after a partial selection, and stays green", async () => {
    const reports = join(scratch, "partial");
    const ended = await runCli([
      "replay",
      "--cassettes",
      fixed,
      "--reports",
      reports,
      "--category",
      "malformed-body",
    ]);
    expect(ended.stdout).not.toContain("stale ledger entry");
    expect(ended.stdout).toMatch(
      /\nnote: \d+ entries of tests\/deviations\/upstream-openstack.yaml matched nothing here/,
    );
    expect(ended.code).toBe(0);
    expect(results(reports).run.verdict).toBe("green");
  });
});
