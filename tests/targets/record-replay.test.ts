import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TargetDescription } from "../../src/config/description.ts";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import { executeScenario } from "../../src/engine/execute.ts";
import type { ScenarioOutcome } from "../../src/engine/outcome.ts";
import { defineScenario } from "../../src/engine/scenario.ts";
import { REDACTED } from "../../src/redaction/redact.ts";
import {
  type Cassette,
  cassettePath,
  type SessionCassette,
  sessionCassettePath,
} from "../../src/targets/cassette.ts";
import { createLiveTarget } from "../../src/targets/live.ts";
import { createReplayTarget } from "../../src/targets/replay.ts";
import { fakeTokenBody } from "../support/fake-keystone.ts";
import { fakeDescription, NO_DEVIATIONS } from "../support/fake-target.ts";
import { type HttpFake, startHttpFake } from "../support/http-fake.ts";

// Record against a tiny fake Keystone + Cinder on 127.0.0.1, then replay the cassettes with
// that server stopped: the same scenario code must reach the same verdict from the recording.

const PASSWORD = "canary-member-PASSWORD-3e9d";
const TOKEN = "gAAAAABcanary-TOKEN-5b1c77e0a4";
const PROJECT = "0123456789abcdef0123456789abcdef";
const REQUEST_ID = "req-5f0c6f3a-3c1e-4d2e-9d3b-2f1f0a9b8c7d";

const scenario = defineScenario({
  id: "7d0b2f8e-3c4a-4f1b-9e6d-5a2c8b1f0e93",
  title: "EVS detach of an unknown volume (round-trip test)",
  operation: "detachVolume",
  category: "not-found",
  documented: "EVS error codes: 404 EVS.5404, the disk cannot be found (fault itemNotFound).",
  expect: { status: 404, fault: "itemNotFound" },
  arrange: async () => ({}),
  act: (ctx) => ctx.member.evs.detachVolume(ctx.uuid("unknown"), { "os-detach": {} }),
});

interface Seen {
  method: string;
  path: string;
  token: string | undefined;
  body: string;
}

/** Keystone's token issue and Cinder's volume action, as little of each as the scenario needs. */
function fakeOpenStack(seen: Seen[]) {
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
    const token = req.headers["x-auth-token"] as string | undefined;
    seen.push({ method: req.method ?? "", path, token, body });
    if (req.method === "POST" && path === "/v3/auth/tokens") {
      const password = JSON.parse(body)?.auth?.identity?.password?.user?.password;
      if (password !== PASSWORD) return json(res, 401, { error: { code: 401 } });
      return json(
        res,
        201,
        fakeTokenBody({ origin, project: PROJECT, token: TOKEN, userName: "alice" }),
        { "x-subject-token": TOKEN },
      );
    }
    if (token !== TOKEN) {
      return json(res, 401, { error: { code: 401, title: "Unauthorized", message: "no" } });
    }
    const volume = new RegExp(`^/v3/${PROJECT}/volumes/([^/]+)(/action)?$`).exec(path);
    if (volume && (req.method === "GET" || (req.method === "POST" && volume[2]))) {
      return json(res, 404, {
        itemNotFound: { message: `Volume ${volume[1]} could not be found.`, code: "EVS.5404" },
      });
    }
    return json(res, 404, { itemNotFound: { message: `no route ${path}`, code: "EVS.0000" } });
  };
  let http: HttpFake | undefined;
  return {
    async start(): Promise<string> {
      http = await startHttpFake(handle);
      origin = http.origin;
      return origin;
    },
    stop: async (): Promise<void> => http?.stop(),
  };
}

function description(origin: string): TargetDescription {
  return fakeDescription(origin, PASSWORD, { pathPrefixes: { volume: { "/v2/": "/v3/" } } });
}

/** Every file under `dir`, recursively, relative to it. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

async function replay(contract: Contract, dir: string): Promise<ScenarioOutcome> {
  const target = await createReplayTarget(contract, dir);
  try {
    return await executeScenario(target, scenario, NO_DEVIATIONS);
  } finally {
    await target.close();
  }
}

describe("record, then replay without the server", () => {
  const dir = mkdtempSync(join(tmpdir(), "cassettes-"));
  const seen: Seen[] = [];
  const fake = fakeOpenStack(seen);
  let contract: Contract;
  let origin: string;
  let recorded: ScenarioOutcome;
  let scenarioFile: string;
  let pristine: string;

  beforeAll(async () => {
    contract = await loadContract();
    origin = await fake.start();
    const target = await createLiveTarget({
      description: description(origin),
      contract,
      recordTo: dir,
    });
    try {
      recorded = await executeScenario(target, scenario, NO_DEVIATIONS);
    } finally {
      await target.close();
      await fake.stop();
    }
    scenarioFile = cassettePath(scenario, dir);
    pristine = readFileSync(scenarioFile, "utf8");
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("records a run that really went to the fake server", () => {
    expect(recorded.target.mode).toBe("record");
    expect(recorded.verdict).toBe("conforms");
    expect(recorded.reason).toBeUndefined();
    expect(recorded.exchanges[recorded.callIndex ?? -1]?.response.status).toBe(404);
    // The token was issued once and then used, on the documented path mapped to /v3.
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      "POST /v3/auth/tokens",
      expect.stringMatching(new RegExp(`^POST /v3/${PROJECT}/volumes/[0-9a-f-]{36}/action$`)),
    ]);
    expect(seen[1]?.token).toBe(TOKEN);
    expect(JSON.parse(seen[1]?.body ?? "")).toEqual({ "os-detach": {} });
  });

  it("writes the session's and the scenario's cassette", () => {
    expect(filesUnder(dir).sort()).toEqual([
      "evs/7d0b2f8e-3c4a-4f1b-9e6d-5a2c8b1f0e93.json",
      "session.json",
    ]);
    expect(existsSync(sessionCassettePath(dir))).toBe(true);
    const cassette = JSON.parse(pristine) as Cassette;
    expect(cassette.scenario).toEqual({ id: scenario.id, title: scenario.title });
    expect(cassette.target).toEqual({ name: "fake-openstack", family: "x" });
    expect(Object.keys(cassette.values).sort()).toEqual(["run", "unknown"]);
    expect(cassette.exchanges).toHaveLength(1);
    const [call] = cassette.exchanges;
    expect(call?.operationId).toBe("detachVolume");
    expect(call?.request.url).toBe(
      `${origin}/v3/${PROJECT}/volumes/${cassette.values.unknown}/action`,
    );
    expect(call?.request.body).toEqual({ "os-detach": {} });
    expect(call?.request.headers["x-auth-token"]).toBe(REDACTED);
    expect(call?.response.status).toBe(404);
    expect(call?.response.headers["x-openstack-request-id"]).toBe(REQUEST_ID);
    expect(call?.response.body).toEqual({
      itemNotFound: {
        message: `Volume ${cassette.values.unknown} could not be found.`,
        code: "EVS.5404",
      },
    });
  });

  it("keeps no password and no token in any cassette", () => {
    for (const file of filesUnder(dir)) {
      const text = readFileSync(join(dir, file), "utf8");
      expect(text, file).not.toContain(PASSWORD);
      expect(text, file).not.toContain(TOKEN);
    }
    const session = JSON.parse(readFileSync(sessionCassettePath(dir), "utf8")) as SessionCassette;
    expect(session.target.auth.member).toEqual({ username: "alice", password: REDACTED });
    const [issue] = session.exchanges;
    expect(issue?.request.url).toBe(`${origin}/v3/auth/tokens`);
    expect(issue?.request.body).toMatchObject({
      auth: { identity: { password: { user: { name: "alice", password: REDACTED } } } },
    });
    expect(issue?.response.headers["x-subject-token"]).toBe(REDACTED);
    expect(issue?.response.body).toMatchObject({
      token: { project: { id: PROJECT }, audit_ids: [REDACTED] },
    });
  });

  it("replays to the same verdict and status with the server stopped", async () => {
    const before = seen.length;
    const outcome = await replay(contract, dir);
    expect(seen.length).toBe(before);
    expect(outcome.target.mode).toBe("replay");
    expect(outcome.reason).toBeUndefined();
    expect(outcome.verdict).toBe(recorded.verdict);
    const status = (o: ScenarioOutcome) => o.exchanges[o.callIndex ?? -1]?.response.status;
    expect(status(outcome)).toBe(404);
    expect(status(outcome)).toBe(status(recorded));
    expect(outcome.findings.map((f) => [f.check, f.ok])).toEqual(
      recorded.findings.map((f) => [f.check, f.ok]),
    );
    // The replayed request is the recorded one: same volume id, same path.
    expect(outcome.exchanges[0]?.request.url).toBe(recorded.exchanges[0]?.request.url);
  });

  describe("with a tampered cassette", () => {
    const tamper = (change: (cassette: Cassette) => void) => {
      const cassette = JSON.parse(pristine) as Cassette;
      change(cassette);
      writeFileSync(scenarioFile, JSON.stringify(cassette));
    };

    afterAll(() => writeFileSync(scenarioFile, pristine));

    it("fails with error when the recorded request path differs", async () => {
      tamper((cassette) => {
        const call = cassette.exchanges[0];
        if (!call) throw new Error("no recorded exchange");
        call.request.url = call.request.url.replace(/\/action$/, "/other-action");
      });
      const outcome = await replay(contract, dir);
      expect(outcome.verdict).toBe("error");
      expect(outcome.reason).toMatch(/record it again/);
      // First the request that found no recording, then the recording left unused.
      expect(outcome.reason).toContain(
        `no recorded exchange in ${scenarioFile} matches POST ${recorded.exchanges[0]?.request.url}`,
      );
      expect(outcome.reason).toContain(
        `${scenarioFile}: 1 recorded exchange(s) were not requested`,
      );
    });

    it("fails with error when the recorded request body differs, showing the body sent", async () => {
      tamper((cassette) => {
        const call = cassette.exchanges[0];
        if (!call) throw new Error("no recorded exchange");
        call.request.body = { "os-detach": { attachment_id: "other" } };
      });
      const outcome = await replay(contract, dir);
      expect(outcome.verdict).toBe("error");
      expect(outcome.reason).toContain(
        `no recorded exchange in ${scenarioFile} matches POST ${recorded.exchanges[0]?.request.url} with body {"os-detach":{}}`,
      );
      expect(outcome.reason).toMatch(/record it again/);
    });

    it("fails with error when the cassette holds an exchange the scenario did not make", async () => {
      tamper((cassette) => {
        const call = cassette.exchanges[0];
        if (!call) throw new Error("no recorded exchange");
        cassette.exchanges.push({
          ...call,
          request: { ...call.request, url: call.request.url.replace(/\/action$/, "") },
        });
      });
      const outcome = await replay(contract, dir);
      expect(outcome.verdict).toBe("error");
      expect(outcome.reason).toContain(scenarioFile);
      expect(outcome.reason).toContain("1 recorded exchange(s) were not requested");
      expect(outcome.reason).toMatch(/record it again/);
    });

    it("fails with error when a drawn value is missing from the cassette", async () => {
      tamper((cassette) => {
        delete cassette.values.unknown;
      });
      const outcome = await replay(contract, dir);
      expect(outcome.verdict).toBe("error");
      expect(outcome.reason).toContain(scenarioFile);
      expect(outcome.reason).toContain("no recorded value unknown");
    });

    it("replays again once the cassette is restored", async () => {
      writeFileSync(scenarioFile, pristine);
      const outcome = await replay(contract, dir);
      expect(outcome.verdict).toBe("conforms");
    });
  });
});
