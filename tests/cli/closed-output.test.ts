import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../src/paths.ts";
import { BIN } from "../support/cli.ts";

// `npx otc-detach-conformance | head -3`: the reader closes the pipe after its first lines, and
// the run goes on to the same exit code and the same reports.
const dir = mkdtempSync(join(tmpdir(), "closed-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command line and closes its stdout after the first chunk, as `head` does. */
function runClosingEarly(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.once("data", () => child.stdout.destroy());
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe.concurrent("a closed stdout", { timeout: 120_000 }, () => {
  it("changes neither the exit code nor the reports of a green replay", async () => {
    const reports = join(dir, "lines");
    const { code, stderr } = await runClosingEarly(["--reports", reports]);
    expect(stderr).not.toContain("EPIPE");
    expect(code).toBe(0);
    expect(existsSync(join(reports, "junit.xml"))).toBe(true);
    const results = JSON.parse(readFileSync(join(reports, "results.json"), "utf8"));
    expect(results.summary.total).toBeGreaterThan(50);
  });

  it("nor those of --json, whose reader stops after the first line", async () => {
    const reports = join(dir, "json");
    const { code, stderr } = await runClosingEarly(["--json", "--reports", reports]);
    expect(stderr).not.toContain("EPIPE");
    expect(code).toBe(0);
    expect(existsSync(join(reports, "results.json"))).toBe(true);
  });
});
