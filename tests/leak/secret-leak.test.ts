import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../src/paths.ts";
import { BIN } from "../support/cli.ts";
import { CANARIES, CANARY, type FakeCloud, startFakeCloud } from "../support/fake-cloud.ts";
import { describeLeaks, filesUnder, scanFiles, scanText } from "../support/scan.ts";

// The secret-leak proof: the real command line, one child process per command, against a fake
// cloud that hands out canary credentials and repeats them in headers and error bodies. Every
// command that touches traffic runs with its own temporary folders; their stdout, stderr and
// every file they wrote are scanned for every canary, in every spelling. A negative control
// runs one command with the redaction module swapped for a no-op (test-only loader hook) and
// proves the same scan finds the canaries.
//
// Covered: run, record (live against the fake), replay, coverage and docs (on the recorded
// cassettes; coverage also on run's results.json), drift (live against the fake, cassettes
// from record), and mutate in its live form (two mutants, through the loopback proxies).

const WITHOUT_REDACTION = join(ROOT, "tests/support/without-redaction/register.mjs");

/** The child's environment: no credentials or settings of the caller's own cloud or run. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(OS_|CONFORMANCE_|VITEST|NODE_OPTIONS$)/.test(name),
    ),
  );
  return { ...env, NO_COLOR: "1", ...extra };
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `conformance <args>` and keeps what it printed in `logs/<name>.{out,err}`. */
function cli(root: string, name: string, args: string[], env = childEnv()): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      mkdirSync(join(root, "logs"), { recursive: true });
      writeFileSync(join(root, "logs", `${name}.out`), stdout);
      writeFileSync(join(root, "logs", `${name}.err`), stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("secret-leak proof through the command line", () => {
  const root = mkdtempSync(join(tmpdir(), "leak-"));
  const off = mkdtempSync(join(tmpdir(), "leak-off-"));
  const at = (...parts: string[]) => join(root, ...parts);
  const targets = mkdtempSync(join(tmpdir(), "leak-target-"));
  const clouds: Record<string, FakeCloud> = {};
  const ran: Record<string, Ran> = {};
  let control: Ran;

  /**
   * `--target` and a description of a fake cloud of the command's own: a root password one
   * command was handed must not turn up, unlearned, in the errors another command is served.
   */
  const liveOn = async (name: string) => {
    const cloud = await startFakeCloud();
    clouds[name] = cloud;
    const file = join(targets, `${name}.json`);
    writeFileSync(file, JSON.stringify(cloud.description()), { mode: 0o600 });
    return ["--target", file];
  };

  beforeAll(async () => {
    const [onRun, onRecord, onMutate, onDrift, onControl] = (await Promise.all(
      ["run", "record", "mutate", "drift", "control"].map(liveOn),
    )) as [string[], string[], string[], string[], string[]];
    const cassettes = ["--cassettes", at("cassettes")];
    // Live first; the commands that read cassettes read the ones `record` wrote.
    [ran.run, ran.record] = await Promise.all([
      // The fake serves the detach APIs only, no version documents: no preflight.
      cli(root, "run", ["run", ...onRun, "--no-preflight", "--reports", at("run")]),
      cli(root, "record", [
        "record",
        ...onRecord,
        ...cassettes,
        "--no-preflight",
        "--reports",
        at("record"),
      ]),
    ]);
    const mutate = ["mutate", "--live", ...onMutate, "--parallel", "1", "--budget", "5"];
    const mutants = ["-m", "evs-error-as-500", "bms-404-as-400"];
    const coverage = ["coverage", ...cassettes, "--results", at("run", "results.json")];
    [ran.replay, ran.mutate, ran.drift, ran.coverage, ran.docs, control] = await Promise.all([
      cli(root, "replay", ["replay", ...cassettes, "--reports", at("replay")]),
      cli(root, "mutate", [...mutate, ...mutants, "--reports", at("mutate")]),
      cli(root, "drift", ["drift", ...onDrift, ...cassettes, "--reports", at("drift")]),
      cli(root, "coverage", [...coverage, "--out", at("coverage", "coverage.md")]),
      cli(root, "docs", ["docs", ...cassettes, "--out", at("docs")]),
      cli(
        off,
        "drift",
        ["drift", ...onControl, ...cassettes, "--reports", join(off, "drift")],
        childEnv({ NODE_OPTIONS: `--import ${WITHOUT_REDACTION}` }),
      ),
    ]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all(Object.values(clouds).map((cloud) => cloud.stop()));
    for (const dir of [root, off, targets]) rmSync(dir, { recursive: true, force: true });
  });

  it("ran every command through its traffic and output paths, canaries on the wire", () => {
    const codes = Object.fromEntries(Object.entries(ran).map(([name, r]) => [name, r.code]));
    // The fake makes scenarios fail, the gate fail, drift find movement and coverage find
    // documented statuses its family does not explain; docs only reports.
    expect(codes, ran.coverage?.stderr).toEqual({
      run: 1,
      record: 1,
      replay: 1,
      mutate: 1,
      drift: 1,
      coverage: 1,
      docs: 0,
    });
    // Tokens were issued, a server was created (its adminPass handed out), errors were served.
    for (const [name, cloud] of Object.entries(clouds)) {
      expect(cloud.hits.get("POST /v3/tokens"), name).toBeGreaterThan(0);
      expect(cloud.hits.get("POST /v2.1/servers"), name).toBeGreaterThan(0);
    }
    const written = filesUnder(root).map((file) => file.slice(root.length + 1));
    expect(written).toEqual(
      expect.arrayContaining([
        "cassettes/session.json",
        "cassettes/evs/610204e4-4a39-4341-97f3-e513142b1fcb@unversioned.json",
        "cassettes/bms/1d643045-1da3-42c6-8bc1-39a494002184.json",
        ...["run", "record", "replay"].flatMap((d) => [
          `${d}/results.json`,
          `${d}/junit.xml`,
          `${d}/summary.md`,
        ]),
        "mutate/mutation-live.json",
        "mutate/mutation-live.md",
        "mutate/mutation-live.txt",
        "drift/drift.json",
        "drift/drift.txt",
        "coverage/coverage.md",
        "docs/index.md",
        "docs/index.html",
        "docs/operations/detachServerVolume.md",
      ]),
    );
    // The secrets reached the outputs and were replaced there: the root password under its
    // key in the recording, and the echoes in error bodies quoted by reports and reasons.
    const read = (...parts: string[]) => readFileSync(at(...parts), "utf8");
    expect(read("cassettes/bms/1d643045-1da3-42c6-8bc1-39a494002184.json")).toMatch(
      /"adminPass": "REDACTED"/,
    );
    for (const file of ["run/summary.md", "drift/drift.json", "mutate/mutation-live.json"]) {
      expect(read(file), file).toContain("failed for token REDACTED, session REDACTED");
    }
    expect(read("run/results.json")).toContain("root password REDACTED");
    expect(ran.run?.stdout).toContain("root password REDACTED");
  });

  it("finds no canary in anything a command printed or wrote", () => {
    const leaks = scanFiles(filesUnder(root), CANARIES);
    expect(leaks, describeLeaks(leaks)).toEqual([]);
  });

  it("finds the canaries, by file and line, when the redaction module is a no-op", () => {
    expect(control.code).toBe(1);
    const leaks = scanFiles(filesUnder(off), CANARIES);
    const found = new Set(leaks.map((leak) => leak.canary));
    expect([...found]).toEqual(
      expect.arrayContaining([CANARY.token, CANARY.serverPassword, CANARY.errorSecret]),
    );
    expect(describeLeaks(leaks)).toMatch(/drift\/drift\.json:\d+: verbatim canary /);
  });

  it("spots a canary however a file spells it", () => {
    const canary = CANARY.password;
    const spelled = [
      `{"password": ${JSON.stringify(canary)}}`,
      'password: "Canary-P\\u00e4ssword \\"7f3a\\"\\\\9e1d"',
      `GET /x?password=${encodeURIComponent(canary)}`,
      `password=${encodeURIComponent(canary).replace(/%20/g, "+")}`,
      ...["", "u", "us", "user:"].map(
        (prefix) => `Authorization: Basic ${Buffer.from(`${prefix}${canary}!`).toString("base64")}`,
      ),
      `jwt ${Buffer.from(`ab${canary}`).toString("base64url")}`,
      `GET /x?p=${encodeURIComponent(canary).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())}`,
      JSON.stringify({ body: JSON.stringify({ password: canary }) }),
    ];
    for (const text of spelled) {
      expect(scanText("f", `header\n${text}`, [canary]), text).toEqual([
        expect.objectContaining({ file: "f", line: 2 }),
      ]);
    }
    expect(scanText("f", "Canary-Pässword, but not the whole of it", [canary])).toEqual([]);
    // MIME wraps base64 at 76 characters: the canary spans two lines.
    const wrapped = Buffer.from(`${"x".repeat(50)}${canary}`)
      .toString("base64")
      .replace(/.{76}/g, "$&\r\n");
    expect(scanText("f", wrapped, [canary])).toEqual([
      expect.objectContaining({ line: 0, form: expect.stringMatching(/^base64/) }),
    ]);
  });
});
