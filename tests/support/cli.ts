import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../../src/paths.ts";

/** The command line as `npx otc-detach-conformance` starts it: node and the package's bin. */
export const BIN = join(ROOT, "scripts", "otc-detach-conformance.mjs");

export interface Ended {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the command line to its end, without colour; never throws for a non-zero exit. */
export async function runCli(args: string[], timeout = 60_000): Promise<Ended> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      timeout,
    });
    return { code: 0, stdout, stderr, ms: Date.now() - started };
  } catch (error) {
    const ended = error as { code: number; stdout: string; stderr: string };
    return {
      code: ended.code,
      stdout: ended.stdout,
      stderr: ended.stderr,
      ms: Date.now() - started,
    };
  }
}
