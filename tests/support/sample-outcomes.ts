import type { FinishedRun } from "../../src/engine/events.ts";
import type { JudgedFinding, ScenarioOutcome } from "../../src/engine/outcome.ts";
import type { RunInfo } from "../../src/reports/report-data.ts";
import type { Exchange } from "../../src/transport/exchange.ts";

// Hand-built outcomes, one per verdict, for the report tests. Every exchange carries CANARY the
// way a live run would (auth header, echoed in a body); PASSWORD is only known to the caller.

export const CANARY = "gAAAAABcanary-token-7f3e9c1d2b";
export const PASSWORD = "pa&ss<wo|rd`canary";

export const RUN: RunInfo = {
  target: "devstack",
  family: "upstream-openstack",
  mode: "replay",
  startedAt: new Date("2025-01-02T03:04:05.000Z"),
  finishedAt: new Date("2025-01-02T03:04:17.500Z"),
};

const TARGET = { name: RUN.target, family: RUN.family, mode: RUN.mode };

function exchange(method: string, url: string, status: number, bodyText: string): Exchange {
  return {
    request: {
      method,
      url,
      headers: {
        "content-type": "application/json",
        "x-auth-token": CANARY,
        "x-openstack-request-id": "req-1",
      },
      body: JSON.stringify({ "os-detach": { attachment_id: "a1" }, token: CANARY }),
    },
    response: {
      status,
      headers: { "content-type": "application/json", "x-subject-token": CANARY },
      bodyText,
    },
  };
}

function finding(check: string, ok: boolean, extra: Partial<JudgedFinding> = {}): JudgedFinding {
  return {
    check,
    ok,
    message: `${check} ${ok ? "passed" : "failed"}`,
    operationId: "detachVolume",
    support: false,
    ...extra,
  };
}

const EVS = "http://127.0.0.1:8776/v3/proj/volumes/vol-1/action?debug=1";
const BMS = "http://127.0.0.1:8774/v2.1/proj/servers/srv-1/os-volume_attachments/vol-2";

export const CONFORMS: ScenarioOutcome = {
  scenario: {
    id: "f265672f-c525-410c-8dad-53aefae4a921",
    title: "detaches an attached volume",
    operation: "detachVolume",
    category: "happy-path",
    documented: "EVS API, os-detach: 202 on success",
  },
  target: TARGET,
  verdict: "conforms",
  expected: { status: 202 },
  findings: [finding("status_expected", true), finding("status_documented", true)],
  exchanges: [exchange("GET", EVS, 200, "{}"), exchange("POST", EVS, 202, "")],
  callIndex: 1,
  leftovers: [],
  durationMs: 1500,
};

export const DEVIATION: ScenarioOutcome = {
  scenario: {
    id: "03876b9c-1fc9-4371-b1a9-6150f6216aba",
    title: "rejects a body without os-detach",
    operation: "detachVolume",
    category: "malformed-body",
    documented: "EVS API: 400 badRequest",
  },
  target: TARGET,
  verdict: "deviation",
  expected: { status: 400, fault: "badRequest" },
  findings: [
    finding("status_expected", true),
    finding("error_envelope", false, {
      expected: "badRequest",
      actual: "computeFault",
      deviation: "cinder-malformed-fault-name",
    }),
  ],
  exchanges: [exchange("POST", EVS, 400, '{"computeFault": {"message": "Invalid"}}')],
  callIndex: 0,
  leftovers: [],
  durationMs: 800,
};

export const FAILS: ScenarioOutcome = {
  scenario: {
    id: "0feb9397-1fa4-4309-8ecf-8d141c5133c8",
    // Markup, Markdown and characters XML 1.0 cannot hold, to prove the escaping.
    title: 'answers 404 for <unknown> & "missing" | *volume*\u0001\uFFFF',
    operation: "detachServerVolume",
    category: "not-found",
    documented: "BMS API: 404 itemNotFound",
  },
  target: TARGET,
  verdict: "fails",
  expected: { status: 404, fault: "itemNotFound" },
  findings: [
    finding("status_expected", false, {
      operationId: "detachServerVolume",
      message: "status 500 where the documentation gives 404 for this case",
      expected: "404",
      actual: "500",
    }),
    finding("error_envelope", false, {
      operationId: "detachServerVolume",
      message: `body echoes the token ${CANARY}`,
      expected: "itemNotFound",
      actual: `{"computeFault": {"message": "token ${CANARY} rejected"}}`,
    }),
    finding("content_type", false, {
      operationId: "showVolume",
      support: true,
      expected: "application/json",
      actual: "text/html",
    }),
  ],
  exchanges: [
    exchange("GET", BMS, 200, "{}"),
    exchange("DELETE", BMS, 500, `{"computeFault": {"message": "token ${CANARY} rejected"}}`),
  ],
  callIndex: 1,
  leftovers: [{ label: "volume vol-2", error: "409 still in-use" }],
  durationMs: 2250,
};

export const ERROR: ScenarioOutcome = {
  scenario: {
    id: "0826bd7a-7115-4573-85ef-ed6d9735cba2",
    title: "refuses to detach while the server is locked",
    operation: "detachServerVolume",
    category: "wrong-state",
    documented: "BMS API: 409 conflictingRequest",
  },
  target: TARGET,
  verdict: "error",
  reason: `timed out waiting for server srv-1 to lock (password ${PASSWORD})`,
  expected: { status: 409 },
  findings: [],
  exchanges: [exchange("POST", BMS, 202, "")],
  leftovers: [],
  durationMs: 60_000,
};

export const SKIPPED: ScenarioOutcome = {
  scenario: {
    id: "abd5c992-d226-49c6-994d-f4924acb6170",
    title: "rejects a request without a token",
    operation: "detachVolume",
    category: "auth",
    documented: "EVS API: 401",
  },
  target: TARGET,
  verdict: "skipped",
  reason: "the target has no admin credentials",
  expected: { status: 401 },
  findings: [],
  exchanges: [],
  leftovers: [],
  durationMs: 0,
};

/**
 * Conforms, though a set-up call met a known deviation: a `showVolume` 404 with an integer code
 * before the call under test, which answered as documented.
 */
export const SETUP_DEVIATION: ScenarioOutcome = {
  ...CONFORMS,
  scenario: { ...CONFORMS.scenario, id: "758013ac-0000-4000-8000-000000000000" },
  findings: [
    ...CONFORMS.findings,
    finding("error_code", false, {
      operationId: "showVolume",
      support: true,
      expected: "string",
      actual: "404",
      deviation: "error-code-integer",
    }),
  ],
};

export const ALL: ScenarioOutcome[] = [CONFORMS, DEVIATION, FAILS, ERROR, SKIPPED];

/** A finished run of `outcomes`, as the engine hands it to the reports. */
export function finishedRun(
  outcomes: ScenarioOutcome[],
  more: Partial<
    Pick<
      FinishedRun,
      "staleDeviations" | "unusedDeviations" | "knownSecrets" | "stoppedBy" | "leftovers"
    >
  > = {},
): FinishedRun {
  return {
    target: TARGET,
    startedAt: RUN.startedAt,
    finishedAt: RUN.finishedAt,
    outcomes,
    staleDeviations: [],
    knownSecrets: [],
    leftovers: [],
    ...more,
  };
}
