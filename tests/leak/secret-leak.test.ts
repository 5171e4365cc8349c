import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Exchange } from "../../src/clients/exchange.ts";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import type { DeviationFile } from "../../src/deviations/deviations.ts";
import { describeOutcome } from "../../src/engine/describe-outcome.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import { finishRun } from "../../src/engine/finish-run.ts";
import type { ScenarioOutcome } from "../../src/engine/outcome.ts";
import { defineScenario } from "../../src/engine/scenario.ts";
import type { Target } from "../../src/engine/target.ts";
import { Redactor } from "../../src/redaction/redact.ts";
import type { TargetDescription } from "../../src/targets/description.ts";
import { createLiveTarget } from "../../src/targets/live.ts";
import { createReplayTarget } from "../../src/targets/replay.ts";
import { fakeTokenBody } from "../support/fake-keystone.ts";
import { describeLeaks, filesUnder, scanFiles, scanText } from "../support/scan.ts";

// The secret-leak proof: a run with canary credentials through the live, record, replay and
// report paths, then a scan of every file it wrote and of everything it logged. A canary
// anywhere fails, naming the file and line. The fake server is as indiscreet as servers get:
// it echoes the token in a response header and in an error message.

const PASSWORD = 'Canary-Pässword-"7f3a"\\9e1d'; // quote, backslash, non-ASCII: every escape
const TOKEN = "gAAAAABcanaryTOKEN7f3a9e1d0c5b48aa";
const ADMIN_PASSWORD = "Canary-Admin-Secret-51c0d2";
const CANARIES = [PASSWORD, TOKEN, ADMIN_PASSWORD];
const PROJECT = "0123456789abcdef0123456789abcdef";
const REQUEST_ID = "req-5f0c6f3a-3c1e-4d2e-9d3b-2f1f0a9b8c7d";
const NO_DEVIATIONS: DeviationFile = { family: "canary", description: "", deviations: [] };

const notFound = defineScenario({
  id: "3c6f1d2e-9a4b-4e8f-b1c7-2d5e8f0a1b3c",
  title: "EVS detach of an unknown volume (leak test)",
  operation: "detachVolume",
  category: "not-found",
  documented: "EVS error codes: 404, the disk cannot be found.",
  expect: { status: 404, fault: "itemNotFound" },
  arrange: async () => ({}),
  act: (ctx) => ctx.member.evs.detachVolume(ctx.uuid("unknown"), { "os-detach": {} }),
});

/** Fails: the fake answers 500 and quotes the caller's token, so the reports show that body. */
const echoing = defineScenario({
  id: "8e2b4c6d-1f3a-4b5c-9d7e-0a2c4e6f8b1d",
  title: "EVS detach that the server answers with the token in its message (leak test)",
  operation: "detachVolume",
  category: "not-found",
  documented: "EVS error codes: 404, the disk cannot be found.",
  expect: { status: 404, fault: "itemNotFound" },
  arrange: async () => ({}),
  act: (ctx) =>
    ctx.member.evs.detachVolume(ctx.uuid("echo"), { "os-detach": { attachment_id: "echo" } }),
});

function fakeOpenStack() {
  let origin = "";
  const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, {
      "content-type": "application/json",
      "x-openstack-request-id": REQUEST_ID,
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = new URL(req.url ?? "/", origin).pathname;
    if (req.method === "POST" && path === "/v3/auth/tokens") {
      const user = JSON.parse(body)?.auth?.identity?.password?.user;
      if (![PASSWORD, ADMIN_PASSWORD].includes(user?.password)) {
        return json(res, 401, { error: { code: 401, title: "Unauthorized", message: "no" } });
      }
      return json(
        res,
        201,
        fakeTokenBody({ origin, project: PROJECT, token: TOKEN, userName: user.name }),
        { "x-subject-token": TOKEN },
      );
    }
    const token = req.headers["x-auth-token"];
    if (token !== TOKEN) return json(res, 401, { error: { code: 401, message: "no" } });
    if (body.includes('"echo"')) {
      // A gateway's error page that quotes the request: the checks show it as what came back.
      res.writeHead(500, { "content-type": "text/html", "x-openstack-request-id": REQUEST_ID });
      return res.end(`<html><body>token ${token} may not detach here</body></html>`);
    }
    // A debugging gateway that echoes the token in a header of its own.
    return json(
      res,
      404,
      { itemNotFound: { message: "Volume could not be found.", code: "EVS.5404" } },
      { "x-debug-auth": String(token) },
    );
  };
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => handle(req, res, body));
  });
  return {
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return origin;
    },
    stop: (): Promise<void> =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function description(origin: string): TargetDescription {
  return {
    name: "canary-openstack",
    family: "canary",
    auth: {
      url: `${origin}/v3`,
      projectName: "demo",
      userDomainName: "Default",
      member: { username: "alice", password: PASSWORD },
      admin: { username: "root", password: ADMIN_PASSWORD },
    },
    pathPrefixes: { volume: { "/v2/": "/v3/" } },
    timeouts: { connectMs: 2_000, readMs: 5_000 },
  };
}

/** Redaction switched off: what the leak test must catch. */
class NoRedaction extends Redactor {
  override exchange(exchange: Exchange): Exchange {
    return exchange;
  }
  override text(text: string): string {
    return text;
  }
}

/** Runs both scenarios, writes the reports as a run does, and logs as a run would. */
async function runAndReport(target: Target, reportDir: string, log: string[]) {
  const startedAt = new Date();
  const outcomes: ScenarioOutcome[] = [];
  for (const scenario of [notFound, echoing]) {
    const outcome = await executeScenario(target, scenario, NO_DEVIATIONS);
    outcomes.push(outcome);
    // What the conformance entry prints for a red scenario.
    if (outcome.verdict !== "conforms") log.push(describeOutcome(outcome, target.knownSecrets()));
  }
  await target.close();
  await finishRun({
    config: { mode: target.mode, reportDir, selection: {} },
    target,
    deviations: NO_DEVIATIONS,
    outcomes,
    startedAt,
  });
  return outcomes;
}

describe("secret-leak proof", () => {
  const root = mkdtempSync(join(tmpdir(), "leak-"));
  const fake = fakeOpenStack();
  const log: string[] = [];
  let contract: Contract;
  let origin: string;
  let outcomes: Record<string, ScenarioOutcome[]>;

  beforeAll(async () => {
    contract = await loadContract();
    origin = await fake.start();
    // Everything the run prints goes to its log, scanned like the files.
    const capture =
      (stream: "stdout" | "stderr") =>
      (chunk: unknown, ...rest: unknown[]): boolean => {
        log.push(`${stream}: ${String(chunk)}`);
        const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
        done?.();
        return true;
      };
    const out = vi.spyOn(process.stdout, "write").mockImplementation(capture("stdout") as never);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(capture("stderr") as never);
    const con = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      log.push(`console: ${args.map(String).join(" ")}`);
    });
    try {
      const live = await runAndReport(
        await createLiveTarget({ description: description(origin), contract }),
        join(root, "live-reports"),
        log,
      );
      const cassettes = join(root, "cassettes");
      const recorded = await runAndReport(
        await createLiveTarget({ description: description(origin), contract, recordTo: cassettes }),
        join(root, "record-reports"),
        log,
      );
      const replayed = await runAndReport(
        await createReplayTarget(contract, cassettes),
        join(root, "replay-reports"),
        log,
      );
      outcomes = { live, recorded, replayed };
    } finally {
      out.mockRestore();
      err.mockRestore();
      con.mockRestore();
    }
    mkdirSync(join(root, "logs"));
    writeFileSync(join(root, "logs", "run.log"), log.join("\n"));
  });

  afterAll(async () => {
    await fake.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("ran the paths it claims to scan, with the canaries on the wire", () => {
    expect(outcomes.live?.map((o) => o.verdict)).toEqual(["conforms", "fails"]);
    expect(outcomes.recorded?.map((o) => o.verdict)).toEqual(["conforms", "fails"]);
    expect(outcomes.replayed?.map((o) => o.verdict)).toEqual(["conforms", "fails"]);
    // The token really travelled, and came back in a header and an error body.
    const call = outcomes.live?.[0]?.exchanges[0];
    expect(call?.request.headers["x-auth-token"]).toBe(TOKEN);
    expect(call?.response.headers["x-debug-auth"]).toBe(TOKEN);
    expect(outcomes.live?.[1]?.exchanges[0]?.response.bodyText).toContain(TOKEN);
    const written = filesUnder(root)
      .map((f) => f.slice(root.length + 1))
      .sort();
    expect(written).toEqual(
      expect.arrayContaining([
        "cassettes/session.json",
        `cassettes/evs/${notFound.id}.json`,
        `cassettes/evs/${echoing.id}.json`,
        "live-reports/results.json",
        "live-reports/junit.xml",
        "live-reports/summary.md",
        "live-reports/coverage.md",
        "record-reports/results.json",
        "replay-reports/junit.xml",
        "logs/run.log",
      ]),
    );
    expect(log.join("\n")).toContain("fails: 8e2b4c6d");
    // The echoed token reached the failure text of the log and of every report, scrubbed.
    expect(log.join("\n")).toContain("token REDACTED may not detach here");
    for (const report of ["summary.md", "junit.xml"]) {
      expect(readFileSync(join(root, "live-reports", report), "utf8")).toContain(
        "token REDACTED may not detach here",
      );
    }
  });

  it("finds no canary in any file the runs wrote, nor in their logs", () => {
    const leaks = scanFiles(filesUnder(root), CANARIES);
    expect(leaks, describeLeaks(leaks)).toEqual([]);
  });

  it("finds the canaries, with file and line, when redaction is switched off", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leak-off-"));
    try {
      const target = await createLiveTarget({
        description: description(origin),
        contract,
        recordTo: dir,
        redactor: new NoRedaction(),
      });
      await executeScenario(target, notFound, NO_DEVIATIONS);
      await target.close();
      const leaks = scanFiles(filesUnder(dir), CANARIES);
      const where = new Set(leaks.map((l) => `${l.file.slice(dir.length + 1)} ${l.canary}`));
      // The password in the token request, the token in headers and bodies.
      expect(where).toContain(`session.json ${PASSWORD}`);
      expect(where).toContain(`session.json ${TOKEN}`);
      expect(where).toContain(`evs/${notFound.id}.json ${TOKEN}`);
      expect(leaks.every((l) => l.line > 0)).toBe(true);
      expect(describeLeaks(leaks)).toMatch(/session\.json:\d+: JSON-escaped canary /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("spots a canary however a file spells it", () => {
    const spelled = [
      `{"password": ${JSON.stringify(PASSWORD)}}`,
      `GET /x?token=${encodeURIComponent(PASSWORD)}`,
      `Authorization: Basic ${Buffer.from(TOKEN).toString("base64")}`,
      'password: "Canary-P\\u00e4ssword-\\"7f3a\\"\\\\9e1d"',
    ];
    for (const text of spelled) {
      expect(scanText("f", `header\n${text}`, CANARIES), text).toEqual([
        expect.objectContaining({ file: "f", line: 2 }),
      ]);
    }
  });
});
