import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/paths.ts";

// CONTRIBUTING.md's recipes work as written: each command of a `sh` block runs offline and
// ends with exit 0; each of a `sh live` block (it needs a live target) names an npm script of
// package.json, or a command and flags that the command line's own --help lists.

const exec = promisify(execFile);
const CLI = "npx otc-detach-conformance";

interface Block {
  live: boolean;
  commands: string[];
}

function blocksOf(markdown: string): Block[] {
  return [...markdown.matchAll(/^```sh( live)?\n([\s\S]*?)^```$/gm)].map((match) => ({
    live: match[1] !== undefined,
    commands: (match[2] ?? "").split("\n").filter((line) => line.trim() !== ""),
  }));
}

const blocks = blocksOf(readFileSync(join(ROOT, "CONTRIBUTING.md"), "utf8"));
const offline = blocks.filter((block) => !block.live).flatMap((block) => block.commands);
const live = blocks.filter((block) => block.live).flatMap((block) => block.commands);

async function shell(command: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec("bash", ["-c", command], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 180_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const ended = error as { code: number; stdout: string; stderr: string };
    return { code: ended.code, output: ended.stdout + ended.stderr };
  }
}

describe("CONTRIBUTING.md", () => {
  it("has recipes to run offline and to check against a live target", () => {
    expect(offline.length).toBeGreaterThanOrEqual(5);
    expect(live.length).toBeGreaterThanOrEqual(3);
  });

  describe.concurrent("runs offline", { timeout: 240_000 }, () => {
    it.each(offline)("%s", async (command) => {
      const { code, output } = await shell(command);
      expect(code, output.slice(-2000)).toBe(0);
    });
  });

  describe.concurrent("names live commands that exist", { timeout: 60_000 }, () => {
    const scripts = Object.keys(
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as object,
    );
    it.each(live)("%s", async (command) => {
      const script = /^npm run ([\w:-]+)/.exec(command)?.[1];
      if (script !== undefined) {
        expect(scripts).toContain(script);
        return;
      }
      expect(command.startsWith(`${CLI} `)).toBe(true);
      const [sub] = command.slice(CLI.length + 1).split(" ");
      const { code, output } = await shell(`${CLI} ${sub} --help`);
      expect(code, output).toBe(0);
      const listed = new Set(output.match(/(?<![\w-])--?[a-z][\w-]*/g));
      for (const flag of command.match(/(?<![\w-])--?[a-z][\w-]*/g) ?? []) {
        expect(listed.has(flag), `${sub} --help lists ${flag}`).toBe(true);
      }
    });
  });
});
