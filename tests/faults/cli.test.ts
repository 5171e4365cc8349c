import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSession } from "../../src/auth/session.ts";
import type { Clients } from "../../src/clients/clients.ts";
import {
  DEFAULT_TARGET_FILE,
  loadTargetDescription,
  type TargetDescription,
} from "../../src/config/description.ts";
import { loadContract } from "../../src/contract/load-spec.ts";
import type { ResultsFile } from "../../src/reports/results.ts";
import { findLeftovers, removeLeftovers } from "../../src/resources/leftovers.ts";
import { resourceName } from "../../src/resources/names.ts";
import { newRunId } from "../../src/targets/live.ts";
import { clientsFor } from "../../src/targets/wiring.ts";
import { realClock } from "../../src/transport/clock.ts";
import { createTransport, type Transport } from "../../src/transport/transport.ts";
import { BIN } from "../support/cli.ts";
import { liveTargetUp } from "../support/live-target.ts";
import { missingCommand, withReason } from "../support/missing-command.ts";

// The command line against targets that are not there, and its cleanup command.

const HAS_TARGET = liveTargetUp();

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function conformance(args: string[], options: { input?: string } = {}): Promise<Ended> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
    child.stdin.end(options.input ?? "");
  });
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "conformance-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTarget(name: string, description: TargetDescription): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(description));
  return file;
}

function unreachable(origin: string): TargetDescription {
  return {
    name: "nowhere",
    family: "upstream-openstack",
    auth: {
      url: `${origin}/v3`,
      projectName: "p",
      userDomainName: "Default",
      member: { username: "u", password: "pw" },
    },
    endpoints: { volume: origin, compute: origin },
    timeouts: { connectMs: 1_000, readMs: 2_000 },
  };
}

/** The one line the command line printed for a configuration error, and nothing else of its own. */
function errorLines(ended: Ended): string[] {
  return ended.stderr.split("\n").filter((line) => line.startsWith("conformance: "));
}

describe("a run against an unreachable endpoint", { timeout: 30_000 }, () => {
  it("ends in seconds with exit code 2 and one line (127.0.0.1:1)", async () => {
    const file = writeTarget("port-1", unreachable("http://127.0.0.1:1"));
    const ended = await conformance(["run", "--target", file, "--reports", join(dir, "r")]);
    expect(ended.code).toBe(2);
    expect(ended.ms).toBeLessThan(20_000);
    expect(errorLines(ended)).toEqual([
      "conformance: cannot connect to http://127.0.0.1:1: fetch never connects to port 1 (a port the Fetch standard blocks); check the port in the URL.",
    ]);
    expect(ended.stdout).toBe("");
  });

  it("ends in seconds with exit code 2 and one line (a closed port), after a few quick retries", async () => {
    const at = `http://127.0.0.1:${await closedPort()}`;
    const file = writeTarget("closed-port", unreachable(at));
    const ended = await conformance(["run", "--target", file, "--reports", join(dir, "r")]);
    expect(ended.code).toBe(2);
    expect(ended.ms).toBeLessThan(20_000);
    expect(errorLines(ended)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^conformance: cannot connect to ${at} \\(connection refused\\): is the endpoint up\\? \\(the same after 4 attempts in 3\\.\\d s\\); check auth\\.url and the endpoints in ${file}, and the network to them`,
        ),
      ),
    ]);
    expect(ended.stdout).toBe("");
  });

  it("and so does cleanup", async () => {
    const file = writeTarget("cleanup-nowhere", unreachable("http://127.0.0.1:1"));
    const ended = await conformance(["cleanup", "--target", file, "--yes"]);
    expect(ended.code).toBe(2);
    expect(errorLines(ended)).toEqual([
      expect.stringMatching(/^conformance: cannot connect to http:\/\/127\.0\.0\.1:1: /),
    ]);
  });
});

describe("a target description with a misspelt family", { timeout: 30_000 }, () => {
  it("is refused with exit code 2 and one line naming the families, before any request", async () => {
    const file = writeTarget("otcc", { ...unreachable("http://127.0.0.1:1"), family: "otcc" });
    const ended = await conformance(["run", "--target", file, "--reports", join(dir, "r")]);
    expect(ended.code).toBe(2);
    expect(errorLines(ended)).toEqual([
      `conformance: ${file}: family must be one with reviewed deviations: otc, upstream-openstack (got "otcc"); check its spelling, or add tests/deviations/otcc.yaml for a new family`,
    ]);
  });
});

describe("an interrupted run (replay, offline)", { timeout: 60_000 }, () => {
  /** Starts a replay run in its own process group; signals it once vitest has started. */
  async function interrupt(to: "group" | "process", signal: NodeJS.Signals): Promise<Ended> {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, "--reports", join(dir, `int-${to}`)], {
      detached: true,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let signalledAt = 0;
    const send = () => {
      if (signalledAt || child.pid === undefined) return;
      signalledAt = performance.now();
      process.kill(to === "group" ? -child.pid : child.pid, signal);
    };
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      // The engine has started the catalog.
      if (/ scenarios on /.test(stdout)) send();
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { code, stdout, stderr, ms: performance.now() - (signalledAt || started) };
  }

  for (const to of ["group", "process"] as const) {
    it(`ends with 130 in seconds after SIGINT to the ${to}, with the reports written`, async () => {
      const ended = await interrupt(to, "SIGINT");
      expect(ended.code).toBe(130);
      expect(ended.ms).toBeLessThan(15_000);
      expect(ended.stderr).toContain("SIGINT: stopping the run");
      expect(ended.stderr).not.toContain("Unhandled Error");
      const results = JSON.parse(
        readFileSync(join(dir, `int-${to}`, "results.json"), "utf8"),
      ) as ResultsFile;
      expect(results.summary).toBeDefined();
    });
  }

  it("ends with 143 after SIGTERM", async () => {
    const ended = await interrupt("group", "SIGTERM");
    expect(ended.code).toBe(143);
    expect(ended.stderr).toContain("SIGTERM: stopping the run");
  });
});

describe.skipIf(!HAS_TARGET)(
  `the command line against the project's OpenStack target (needs ${DEFAULT_TARGET_FILE})`,
  { timeout: 120_000 },
  () => {
    let description: TargetDescription;
    let transport: Transport;
    let clients: Clients;

    beforeAll(async () => {
      description = loadTargetDescription(DEFAULT_TARGET_FILE);
      transport = createTransport(description);
      const session = await openSession(description, "member", transport);
      clients = clientsFor(
        session,
        description,
        await loadContract(),
        transport.fetch as typeof fetch,
        () => {},
      );
    });

    it("names a closed volume endpoint once, before anything is created (Keystone answers)", async () => {
      const port = await closedPort();
      const file = writeTarget("volume-closed", {
        ...description,
        endpoints: { ...description.endpoints, volume: `http://127.0.0.1:${port}` },
      });
      const reports = join(dir, "volume-closed");
      const ended = await conformance([
        "run",
        "--target",
        file,
        "--reports",
        reports,
        "-o",
        "detachVolume",
      ]);
      expect(ended.code).toBe(2);
      expect(ended.ms).toBeLessThan(60_000);
      // The preflight says it once, as the cause, instead of every scenario failing on it.
      expect(ended.stderr).toMatch(
        new RegExp(`volume API +http://127\\.0\\.0\\.1:${port} .*gives no version document`),
      );
      expect(ended.stderr).toMatch(/FAIL +member +listing volumes answered nothing/);
      expect(ended.stderr).toContain("conformance: the target is not ready for the catalog");
      expect(ended.stderr).not.toMatch(/its resources are named/);
    });

    const orphans: string[] = [];
    afterAll(async () => {
      // A case that failed half-way must not leave its volume behind.
      for (const runId of orphans) {
        await removeLeftovers(clients, await findLeftovers(clients, runId), {
          clock: realClock,
          budget: { intervalMs: 200, budgetMs: 30_000 },
        });
      }
      await transport?.close();
    });

    async function orphan(runId: string): Promise<string> {
      orphans.push(runId);
      const volume = await clients.evs.createVolume({
        volume: { size: 1, name: resourceName(runId, "00000000-cleanup", "orphan") },
      });
      return volume.id;
    }

    async function exists(volumeId: string): Promise<boolean> {
      return (await clients.evs.showVolumeExchange(volumeId)).response.status !== 404;
    }

    it("cleanup --run lists a run's leftovers, and without --yes or a terminal removes nothing", async () => {
      const runId = newRunId();
      const id = await orphan(runId);
      const ended = await conformance(["cleanup", "--run", runId]);
      expect(ended.code).toBe(2);
      expect(ended.stdout).toContain(`volume ${id} conformance-${runId}-00000000-orphan`);
      expect(ended.stderr).toContain(
        "conformance: cleanup asks before it removes anything; without a terminal, pass --yes",
      );
      expect(await exists(id)).toBe(true);

      const removed = await conformance(["cleanup", "--run", runId, "--yes"]);
      expect(removed.code).toBe(0);
      expect(removed.stdout).toContain(`removed 1 of 1`);
      expect(await exists(id)).toBe(false);

      const again = await conformance(["cleanup", "--run", runId, "--yes"]);
      expect(again.stdout).toContain(`no leftovers of run ${runId} on ${description.name}`);
    });

    // `script` gives the command a terminal to ask in.
    const NO_SCRIPT = missingCommand("script", ["--version"], "bsdutils", "the terminal test");
    const ASKS = withReason("cleanup asks in a terminal, and removes only after yes", NO_SCRIPT);

    it.skipIf(NO_SCRIPT !== undefined)(ASKS, async () => {
      const runId = newRunId();
      const id = await orphan(runId);
      const inTerminal = (answer: string) =>
        new Promise<Ended>((resolve, reject) => {
          const started = performance.now();
          // `script` gives the command a terminal; the answer is typed into it.
          const child = spawn(
            "script",
            ["-qec", `${process.execPath} ${BIN} cleanup --run ${runId}`, "/dev/null"],
            { env: { ...process.env, NO_COLOR: "1" }, stdio: ["pipe", "pipe", "pipe"] },
          );
          let stdout = "";
          let answered = false;
          child.stdout.on("data", (chunk) => {
            stdout += chunk;
            if (!answered && stdout.includes("[y/N]")) {
              answered = true;
              child.stdin.end(`${answer}\n`);
            }
          });
          setTimeout(() => child.kill("SIGKILL"), 60_000).unref();
          child.on("error", reject);
          child.on("close", (code) =>
            resolve({ code, stdout, stderr: "", ms: performance.now() - started }),
          );
        });
      const declined = await inTerminal("n");
      expect(declined.stdout).toContain("remove these 1 resources from");
      expect(declined.stdout).toContain("nothing removed");
      expect(await exists(id)).toBe(true);
      const accepted = await inTerminal("y");
      expect(accepted.stdout).toContain("removed 1 of 1");
      expect(await exists(id)).toBe(false);
    });
  },
);
