// Mistakes an operator makes on the command line: each ends with one line and exit code 2.
import { describe, expect, it } from "vitest";
import { makeDirectory } from "../../src/reports/make-dir.ts";
import { runCli } from "../support/cli.ts";

describe("the command line refuses", { timeout: 60_000 }, () => {
  it("an unknown command, naming it and the commands", async () => {
    const ended = await runCli(["nope"]);
    expect(ended.code).toBe(2);
    expect(ended.stderr).toMatch(
      /^conformance: unknown command nope; the commands are replay, run, record, list, .*merge.*\n$/,
    );
  });

  it("--target on replay, which reads cassettes", async () => {
    const ended = await runCli(["replay", "--target", "mine.json"]);
    expect(ended).toMatchObject({
      code: 2,
      stderr:
        "conformance: replay reads the cassettes and takes no --target; `npx otc-detach-conformance run --target mine.json` runs against that target\n",
    });
  });

  it("a cassette folder that does not exist", async () => {
    const ended = await runCli(["replay", "--cassettes", "/nope"]);
    expect(ended.code).toBe(2);
    expect(ended.stderr).toMatch(/^conformance: no cassette folder \/nope; give --cassettes .*\n$/);
  });

  it("a reports folder that cannot be created, without hanging (below /proc)", async () => {
    const ended = await runCli(["replay", "--reports", "/proc/x"], 30_000);
    expect(ended.code).toBe(2);
    expect(ended.stderr).toBe(
      "conformance: cannot write into /proc/x (ENOENT); give --reports a folder you can write, e.g. --reports /tmp/conformance\n",
    );
  });
});

describe("makeDirectory", () => {
  it("fails within a second where Node's recursive mkdir loops forever", async () => {
    const started = performance.now();
    await expect(makeDirectory("/proc/x/y")).rejects.toMatchObject({ code: "ENOENT" });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
