// The command line as a user meets it: `npx otc-detach-conformance …` in a child process.
// A configuration error ends with exit code 2 and one line on stderr that says what to do.
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../scenarios/catalog.ts";
import { BIN } from "../support/cli.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const exec = promisify(execFile);

interface Ended {
  code: number;
  stdout: string;
  /** Our lines only: npm's own warnings (e.g. about the user's npmrc) are not the CLI's. */
  stderr: string[];
}

async function conformance(...args: string[]): Promise<Ended> {
  const ours = (stderr: string) =>
    stderr.split("\n").filter((line) => line !== "" && !line.startsWith("npm warn"));
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
    });
    return { code: 0, stdout, stderr: ours(stderr) };
  } catch (error) {
    const ended = error as { code: number; stdout: string; stderr: string };
    return { code: ended.code, stdout: ended.stdout, stderr: ours(ended.stderr) };
  }
}

describe("conformance command line", { timeout: 60_000 }, () => {
  it("refuses an unknown scenario id", async () => {
    expect(await conformance("run", "--scenario", "nope")).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        "conformance: no scenario has the id nope; `npx otc-detach-conformance list` shows them",
      ],
    });
  });

  it("refuses an unknown tag and names the known ones", async () => {
    expect(await conformance("list", "--tag", "nope")).toEqual({
      code: 2,
      stdout: "",
      stderr: ["conformance: no scenario has the tag nope; known tags: multiattach"],
    });
  });

  it("refuses a reports folder it cannot write, before anything runs", async () => {
    // A folder below a file cannot be created, whoever runs the test (root included).
    const file = join(tmpdir(), `conformance-cli-${process.pid}`);
    await writeFile(file, "");
    const ended = await conformance("replay", "--reports", join(file, "reports"));
    await rm(file);
    expect(ended.code).toBe(2);
    expect(ended.stderr).toEqual([
      `conformance: cannot write into ${join(file, "reports")} (ENOTDIR); give --reports a folder you can write, e.g. --reports /tmp/conformance`,
    ]);
  });

  it("refuses conflicting flags", async () => {
    expect(await conformance("run", "--scenario", "e12c3afc", "--category", "happy-path")).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        "conformance: option '-s, --scenario <id...>' cannot be used with option '-c, --category <category...>'; see --help",
      ],
    });
  });

  it("refuses an unknown flag in one line, with exit code 2", async () => {
    const ended = await conformance("list", "--tags", "multiattach");
    expect(ended.code).toBe(2);
    expect(ended.stderr).toEqual([
      "conformance: unknown option '--tags' (Did you mean --tag?); see --help",
    ]);
  });

  it("lists the catalog as JSON", async () => {
    const ended = await conformance("list", "--json");
    expect(ended.code).toBe(0);
    const rows = JSON.parse(ended.stdout) as { id: string; tags: string[]; requires: string[] }[];
    expect(rows.map((row) => row.id)).toEqual(CATALOG.map((scenario) => scenario.id));
    expect(rows[0]).toMatchObject({ operation: "detachVolume", tags: [], requires: [] });
  });

  it("selects the cases at one API version, each with its version", async () => {
    const ended = await conformance("list", "--json", "--api-version", "legacy-v2");
    expect(ended.code).toBe(0);
    const rows = JSON.parse(ended.stdout) as { id: string; version?: string }[];
    const expected = CATALOG.filter((s) => s.version === "legacy-v2").map((s) => s.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.id)).toEqual(expected);
    expect(rows.every((row) => row.version === "legacy-v2")).toBe(true);
  });
});
