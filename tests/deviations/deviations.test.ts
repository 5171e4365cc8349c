import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { FAULT_NAMES } from "../../src/checks/error-envelope.ts";
import { FINAL_STATE_CHECK, RESPONSE_CHECKS } from "../../src/checks/registry.ts";
import type { Finding } from "../../src/checks/types.ts";
import { loadContract } from "../../src/contract/load-spec.ts";
import {
  acceptedBodiesOf,
  type Deviation,
  type DeviationFile,
  explain,
  loadDeviations,
  type ResponseCondition,
} from "../../src/deviations/deviations.ts";
import { CATALOG } from "../scenarios/catalog.ts";

const dir = mkdtempSync(join(tmpdir(), "deviations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function family(name: string, yaml: string): string {
  writeFileSync(join(dir, `${name}.yaml`), yaml);
  return name;
}

describe("loadDeviations", () => {
  it("reads a valid file", () => {
    const name = family(
      "valid",
      `family: valid
description: A test family.
deviations:
  - id: code-integer
    operations: [detachVolume]
    checks: [body_schema]
    actual: "must be string"
    response: { codeIsStatus: true }
    reason: Upstream sends integers.
  - id: nova-202
    operations: [detachServerVolume]
    checks: [status_documented, status_expected]
    scenarios: [s-1]
    response: { status: 202 }
    reason: Nova answers 202.
  - id: nova-409
    operations: [detachServerVolume]
    checks: [status_expected]
    response: { status: 409, fault: conflictingRequest, message: "^locked$", schema: ErrorEnvelope }
    reason: Nova answers 409.
`,
    );
    expect(loadDeviations(name, dir)).toEqual({
      family: "valid",
      description: "A test family.",
      deviations: [
        {
          id: "code-integer",
          operations: ["detachVolume"],
          checks: ["body_schema"],
          actual: "must be string",
          response: { codeIsStatus: true },
          reason: "Upstream sends integers.",
        },
        {
          id: "nova-202",
          operations: ["detachServerVolume"],
          checks: ["status_documented", "status_expected"],
          scenarios: ["s-1"],
          response: { status: 202 },
          reason: "Nova answers 202.",
        },
        {
          id: "nova-409",
          operations: ["detachServerVolume"],
          checks: ["status_expected"],
          response: {
            status: 409,
            fault: "conflictingRequest",
            message: "^locked$",
            schema: "ErrorEnvelope",
          },
          reason: "Nova answers 409.",
        },
      ],
    });
  });

  it.each(["id", "operations", "checks", "reason"] as const)(
    "refuses an entry without %s, naming the file, the entry and the field",
    (field) => {
      const complete = {
        id: "second",
        operations: ["detachVolume"],
        checks: ["body_schema"],
        response: { codeIsStatus: true },
        reason: "Because.",
      };
      const { [field]: _, ...incomplete } = complete;
      const name = family(
        `missing-${field}`,
        stringify({ family: "broken", deviations: [{ ...complete, id: "first" }, incomplete] }),
      );
      expect(() => loadDeviations(name, dir)).toThrow(
        `${dir}/${name}.yaml: deviations[1] has no ${field}; every entry needs one`,
      );
    },
  );

  it("refuses a response condition it does not know, naming what it may hold", () => {
    const name = family(
      "bad-response",
      stringify({
        family: "broken",
        deviations: [
          {
            id: "x",
            operations: ["detachVolume"],
            checks: ["body_schema"],
            reason: "R.",
            response: { status: 404, code: 404 },
          },
        ],
      }),
    );
    expect(() => loadDeviations(name, dir)).toThrow(
      `${dir}/${name}.yaml: deviation x: response may hold only status, fault, message, codeIsStatus, schema; found code`,
    );
  });

  const narrow = {
    id: "narrow",
    operations: ["detachVolume"],
    checks: ["status_expected"],
    reason: "R.",
  };
  it.each([
    ["an error answer without status", { fault: "badRequest", message: "^x$" }, "status"],
    ["an error answer without fault", { status: 409, message: "^x$" }, "fault"],
    ["an error answer without message", { status: 409, fault: "conflictingRequest" }, "message"],
    ["a success status without status", {}, "status"],
  ])("refuses %s, in one line naming the entry and the field", (_, response, field) => {
    const name = family(
      `unnamed-${field}`,
      stringify({ family: "broken", deviations: [{ ...narrow, response }] }),
    );
    const thrown = (() => {
      try {
        loadDeviations(name, dir);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(thrown).toMatch(
      new RegExp(`^${dir}/${name}\\.yaml: deviation narrow has no response\\.${field}; \\S`),
    );
    expect(thrown).not.toContain("\n");
  });

  it("refuses an entry without response, and takes a success status or a fault code alone", () => {
    const name = family(
      "no-response",
      stringify({ family: "broken", deviations: [{ ...narrow }] }),
    );
    expect(() => loadDeviations(name, dir)).toThrow(
      `${dir}/${name}.yaml: deviation narrow has no response; name the answer its reason explains`,
    );
    const fine = family(
      "kinds",
      stringify({
        family: "kinds",
        deviations: [
          { ...narrow, id: "a", response: { status: 202 } },
          { ...narrow, id: "b", response: { codeIsStatus: true } },
        ],
      }),
    );
    expect(loadDeviations(fine, dir).deviations.map((entry) => entry.id)).toEqual(["a", "b"]);
  });

  it("refuses a required header without a reason, naming the entry", () => {
    const name = family(
      "header-no-reason",
      "requiredHeaders:\n  - header: X-Openstack-Request-Id\n    operations: [detachVolume]\n",
    );
    expect(() => loadDeviations(name, dir)).toThrow(
      `${dir}/${name}.yaml: requiredHeaders[0] has no reason; every entry needs one`,
    );
  });

  it("gives an unknown family no deviations", () => {
    expect(loadDeviations("no-such-family", dir)).toEqual({
      family: "no-such-family",
      description: "",
      deviations: [],
    });
  });

  it("gives a family whose file lists no entries no deviations", () => {
    // `deviations:` with nothing under it is YAML null; an empty file parses to null.
    const listed = loadDeviations(family("none-listed", "family: none-listed\ndeviations:\n"), dir);
    const empty = loadDeviations(family("empty", ""), dir);
    for (const file of [listed, empty]) {
      expect(file.deviations).toEqual([]);
      expect(explain(file, failure("body_schema", "x"), context)).toBeUndefined();
    }
    expect(empty.family).toBe("empty");
  });
});

function failure(check: string, actual: string): Finding {
  return { check, ok: false, message: `${check} failed`, expected: "something", actual };
}

const context = { scenarioId: "scenario-a", operationId: "detachVolume" };

describe("explain", () => {
  const broad: Deviation = {
    id: "code-integer",
    operations: ["detachVolume", "detachServerVolume"],
    checks: ["body_schema"],
    actual: "^(/\\w+/code must be string(; )?)+$",
    reason: "integers",
  };
  const limited: Deviation = {
    id: "conflict-409",
    operations: ["detachVolume"],
    checks: ["status_expected", "error_envelope"],
    actual: "^(409|conflictingRequest)$",
    scenarios: ["scenario-a", "scenario-b"],
    reason: "409",
  };
  const anyActual: Deviation = {
    id: "any-header",
    operations: ["detachServerVolume"],
    checks: ["headers"],
    reason: "headers",
  };
  const file: DeviationFile = {
    family: "test",
    description: "",
    deviations: [broad, limited, anyActual],
  };

  it("matches on operation, check and actual", () => {
    const finding = failure("body_schema", "/itemNotFound/code must be string");
    expect(explain(file, finding, context)?.id).toBe("code-integer");
    expect(
      explain(file, finding, { scenarioId: "other", operationId: "detachServerVolume" })?.id,
    ).toBe("code-integer");
  });

  it("does not match another operation", () => {
    const finding = failure("body_schema", "/itemNotFound/code must be string");
    expect(explain(file, finding, { ...context, operationId: "showVolume" })).toBeUndefined();
  });

  it("does not match another check", () => {
    expect(
      explain(file, failure("content_type", "/badRequest/code must be string"), context),
    ).toBeUndefined();
  });

  it("does not match an actual value outside the regular expression", () => {
    // A second, unrelated schema error must not hide behind the known one.
    const finding = failure(
      "body_schema",
      "/itemNotFound/code must be string; /itemNotFound must have required property 'message'",
    );
    expect(explain(file, finding, context)).toBeUndefined();
    expect(explain(file, failure("status_expected", "500"), context)).toBeUndefined();
  });

  it("treats a finding without actual as an empty string", () => {
    const { actual: _, ...withoutActual } = failure("status_expected", "409");
    expect(explain(file, withoutActual, context)).toBeUndefined();
  });

  it("matches only the scenarios an entry is limited to", () => {
    expect(explain(file, failure("status_expected", "409"), context)?.id).toBe("conflict-409");
    expect(
      explain(file, failure("error_envelope", "conflictingRequest"), {
        ...context,
        scenarioId: "scenario-b",
      })?.id,
    ).toBe("conflict-409");
    expect(
      explain(file, failure("status_expected", "409"), { ...context, scenarioId: "scenario-c" }),
    ).toBeUndefined();
  });

  it("matches any actual value when the entry gives no regular expression", () => {
    const finding = failure("headers", "x-openstack-request-id: abc does not match its schema");
    const bms = { scenarioId: "any", operationId: "detachServerVolume" };
    expect(explain(file, finding, bms)?.id).toBe("any-header");
    expect(explain(file, finding, context)).toBeUndefined();
  });

  it("gives the first matching entry", () => {
    const twice: DeviationFile = {
      ...file,
      deviations: [
        { ...anyActual, id: "first" },
        { ...anyActual, id: "second" },
      ],
    };
    const bms = { scenarioId: "any", operationId: "detachServerVolume" };
    expect(explain(twice, failure("headers", "x"), bms)?.id).toBe("first");
  });
});

describe("acceptedBodiesOf", () => {
  const entry = (id: string, response: ResponseCondition, scenarios?: string[]) => ({
    id,
    operations: ["detachServerVolume"],
    checks: ["status_expected"],
    response,
    ...(scenarios && { scenarios }),
    reason: "r",
  });
  const file: DeviationFile = {
    family: "test",
    description: "",
    deviations: [
      entry("keystone-418", {
        status: 418,
        fault: "error",
        message: "^x$",
        schema: "KeystoneError",
      }),
      entry("only-s1", { status: 422, fault: "error", message: "^x$", schema: "KeystoneError" }, [
        "s-1",
      ]),
      entry("general", { status: 451, fault: "error", message: "^x$" }),
      entry("success", { status: 202 }),
    ],
  };

  it("gives the schema each entry names for its status, for its operations and scenarios only", () => {
    expect([...acceptedBodiesOf(file, "detachServerVolume", "s-1")]).toEqual([
      [418, "KeystoneError"],
      [422, "KeystoneError"],
    ]);
    expect([...acceptedBodiesOf(file, "detachServerVolume", "s-2")]).toEqual([
      [418, "KeystoneError"],
    ]);
    expect([...acceptedBodiesOf(file, "detachVolume", "s-1")]).toEqual([]);
  });
});

describe("tests/deviations/upstream-openstack.yaml", () => {
  const file = loadDeviations("upstream-openstack");

  it("is the upstream-openstack family, with entries", () => {
    expect(file.family).toBe("upstream-openstack");
    expect(file.description).not.toBe("");
    expect(file.deviations.length).toBeGreaterThan(0);
  });

  it("gives every entry an id, operations, checks and a reason", () => {
    for (const entry of file.deviations) {
      expect(entry.id, JSON.stringify(entry)).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(Array.isArray(entry.operations), entry.id).toBe(true);
      expect(entry.operations.length, entry.id).toBeGreaterThan(0);
      expect(Array.isArray(entry.checks), entry.id).toBe(true);
      expect(entry.checks.length, entry.id).toBeGreaterThan(0);
      expect(typeof entry.reason, entry.id).toBe("string");
      expect(entry.reason.length, entry.id).toBeGreaterThan(20);
    }
  });

  it("uses unique ids", () => {
    const ids = file.deviations.map((entry) => entry.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("names only known checks, operations and scenarios, with valid regular expressions", async () => {
    const contract = await loadContract();
    const operations = new Set(contract.operations.map((op) => op.operationId));
    const checks = new Set([...RESPONSE_CHECKS.map((c) => c.name), FINAL_STATE_CHECK]);
    const scenarios = new Set(CATALOG.map((s) => s.baseId ?? s.id));
    for (const entry of file.deviations) {
      for (const op of entry.operations) expect(operations, `${entry.id}: ${op}`).toContain(op);
      for (const check of entry.checks) expect(checks, `${entry.id}: ${check}`).toContain(check);
      for (const id of entry.scenarios ?? []) {
        expect(scenarios, `${entry.id}: scenario ${id}`).toContain(id);
      }
      for (const pattern of [entry.actual, entry.response?.message]) {
        if (pattern !== undefined) expect(() => new RegExp(pattern)).not.toThrow();
      }
      const schema = entry.response?.schema;
      if (schema !== undefined) {
        for (const op of entry.operations) {
          expect(contract.operation(op).sharedSchemas, `${entry.id}: ${schema}`).toHaveProperty(
            schema,
          );
        }
      }
    }
  }, 60_000);

  it("explains upstream's integer error code on detachVolume only when it is the status", () => {
    const finding = failure("body_schema", "/itemNotFound/code must be string, got integer");
    const answered = (status: number, code: unknown) => ({
      scenarioId: "any",
      operationId: "detachVolume",
      exchange: {
        request: { method: "POST", url: "http://127.0.0.1/v3/p/volumes/v/action", headers: {} },
        response: {
          status,
          headers: {},
          bodyText: JSON.stringify({ itemNotFound: { message: "gone", code } }),
        },
      },
    });
    expect(explain(file, finding, answered(404, 404))?.id).toBe("error-code-integer");
    expect(explain(file, finding, answered(404, 400))).toBeUndefined();
    expect(explain(file, finding, answered(404, "404"))).toBeUndefined();
    // Without the answer the condition cannot hold.
    expect(
      explain(file, finding, { scenarioId: "any", operationId: "detachVolume" }),
    ).toBeUndefined();
    const nullCode = failure("body_schema", "/itemNotFound/code must be string, got null");
    expect(explain(file, nullCode, answered(404, null))).toBeUndefined();
  });

  it("takes Nova's 202 for the documented 200 only where the case is a successful detach", () => {
    const status = failure("status_expected", "202");
    const bms = {
      operationId: "detachServerVolume",
      exchange: {
        request: { method: "DELETE", url: "http://127.0.0.1/v2.1/p/servers/s/a/v", headers: {} },
        response: { status: 202, headers: {}, bodyText: "" },
      },
    };
    const success = "0feb9397-1fa4-4309-8ecf-8d141c5133c8";
    expect(explain(file, status, { ...bms, scenarioId: success })?.id).toBe(
      "bms-detach-202-success",
    );
    // A detach the documentation refuses (unknown server), answered 202: a failure.
    const refused = "0826bd7a-7115-4573-85ef-ed6d9735cba2";
    expect(explain(file, status, { ...bms, scenarioId: refused })).toBeUndefined();
    const documented = failure("status_documented", "202");
    expect(explain(file, documented, { ...bms, scenarioId: refused })?.id).toBe("bms-detach-202");
  });

  it("reads {server_id} in a message as the id the request's path sent, aligned from the right", () => {
    const locked: DeviationFile = {
      family: "test",
      description: "",
      deviations: [
        {
          id: "locked",
          operations: ["detachServerVolume"],
          checks: ["status_expected"],
          response: {
            status: 409,
            fault: "conflictingRequest",
            message: "^Instance {server_id} is locked$",
          },
          reason: "locked",
        },
      ],
    };
    const path = "/v2.1/{project_id}/servers/{server_id}/os-volume_attachments/{volume_id}";
    const answered = (server: string, message: string) => ({
      scenarioId: "any",
      operationId: "detachServerVolume",
      path,
      exchange: {
        // A legacy /v2 path behind an endpoint prefix: the ids are still found.
        request: {
          method: "DELETE",
          url: `http://h/compute/v2/p/servers/${server}/os-volume_attachments/v`,
          headers: {},
        },
        response: {
          status: 409,
          headers: {},
          bodyText: JSON.stringify({ conflictingRequest: { code: 409, message } }),
        },
      },
    });
    const finding = failure("status_expected", "409");
    expect(explain(locked, finding, answered("s-1", "Instance s-1 is locked"))?.id).toBe("locked");
    expect(explain(locked, finding, answered("s-1", "Instance s-2 is locked"))).toBeUndefined();
    // The id is matched as text, not as a pattern.
    expect(explain(locked, finding, answered("a.b", "Instance axb is locked"))).toBeUndefined();
    const { path: _, ...withoutPath } = answered("s-1", "Instance s-1 is locked");
    expect(explain(locked, finding, withoutPath)).toBeUndefined();
  });

  it("lists only fault names the envelope check knows", () => {
    for (const entry of file.deviations) {
      const faults = /\|([a-zA-Z]+)\)\$$/.exec(entry.actual ?? "")?.[1];
      if (faults) expect(FAULT_NAMES as readonly string[], entry.id).toContain(faults);
    }
  });
});
