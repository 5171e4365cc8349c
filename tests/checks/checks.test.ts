import { beforeAll, describe, expect, it } from "vitest";
import { bodySchema, contentType } from "../../src/checks/body.ts";
import { errorEnvelope } from "../../src/checks/error-envelope.ts";
import { faultForStatus, faultStatus } from "../../src/checks/fault-status.ts";
import { documentedHeaders } from "../../src/checks/headers.ts";
import { RESPONSE_CHECKS, runChecks } from "../../src/checks/registry.ts";
import { statusDocumented, statusExpected } from "../../src/checks/status.ts";
import type { Check, Expectation, Finding } from "../../src/checks/types.ts";
import {
  type Contract,
  loadContract,
  type OperationContract,
} from "../../src/contract/load-spec.ts";
import { loadDeviations, requiredHeadersOf } from "../../src/deviations/deviations.ts";
import type { Exchange } from "../../src/transport/exchange.ts";

// Every check is exercised against the real contract in spec/, so a change of the documents
// that makes a check meaningless shows up here.

let contract: Contract;
let evs: OperationContract;
let bms: OperationContract;

beforeAll(async () => {
  contract = await loadContract();
  evs = contract.operation("detachVolume");
  bms = contract.operation("detachServerVolume");
});

const REQUEST_ID = "req-5f0c6f3a-3c1e-4d2e-9d3b-2f1f0a9b8c7d";
const JSON_TYPE = { "content-type": "application/json" };

function answer(
  status: number,
  options: { headers?: Record<string, string>; body?: unknown; bodyText?: string } = {},
): Exchange {
  const bodyText =
    options.bodyText ?? (options.body === undefined ? "" : JSON.stringify(options.body));
  return {
    operationId: "detachVolume",
    request: {
      method: "POST",
      url: "http://127.0.0.1:8776/v3/p/volumes/v/action",
      headers: { "content-type": "application/json" },
      body: '{"os-detach":{}}',
    },
    response: { status, headers: options.headers ?? {}, bodyText },
  };
}

const notFound = (fault = "itemNotFound", code: unknown = "EVS.5404") => ({
  [fault]: { message: "Volume could not be found.", code },
});

function run(
  check: Check,
  operation: OperationContract,
  exchange: Exchange,
  expected: Expectation,
): Finding | null {
  return check.run({ exchange, operation, expected });
}

/** A finding that failed, with its expected and actual parts present. */
function failed(finding: Finding | null): Finding {
  expect(finding).not.toBeNull();
  expect(finding?.ok).toBe(false);
  expect(finding?.expected).toBeTypeOf("string");
  expect(finding?.actual).toBeTypeOf("string");
  return finding as Finding;
}

function passed(finding: Finding | null, check: string): Finding {
  expect(finding).toMatchObject({ check, ok: true });
  expect(finding?.expected).toBeUndefined();
  return finding as Finding;
}

describe("the check registry", () => {
  it("runs the seven named response checks, each once", () => {
    expect(RESPONSE_CHECKS.map((check) => check.name)).toEqual([
      "status_documented",
      "status_expected",
      "content_type",
      "body_schema",
      "error_envelope",
      "fault_status",
      "headers",
    ]);
  });

  it("drops checks that do not apply and keeps one finding per applying check", () => {
    // A 202 without a body: content_type and error_envelope do not apply.
    const findings = runChecks({
      exchange: answer(202, { headers: { "x-openstack-request-id": REQUEST_ID } }),
      operation: evs,
      expected: { status: 202 },
    });
    expect(findings.map((f) => [f.check, f.ok])).toEqual([
      ["status_documented", true],
      ["status_expected", true],
      ["body_schema", true],
      ["headers", true],
    ]);
  });

  it("reports every failing check of a bad error answer", () => {
    const findings = runChecks({
      exchange: answer(404, {
        headers: { "content-type": "text/html" },
        bodyText: "<h1>nope</h1>",
      }),
      operation: evs,
      expected: { status: 400, fault: "badRequest" },
    });
    const failing = findings.filter((f) => !f.ok).map((f) => f.check);
    expect(failing).toEqual(["status_expected", "content_type", "body_schema", "error_envelope"]);
  });
});

describe("status_documented", () => {
  it("passes a status the operation documents", () => {
    const finding = passed(
      run(statusDocumented, evs, answer(202), { status: 202 }),
      "status_documented",
    );
    expect(finding.message).toBe("202 is documented for detachVolume");
  });

  it("passes a documented error status", () => {
    passed(
      run(statusDocumented, bms, answer(404, { body: notFound() }), { status: 404 }),
      "status_documented",
    );
  });

  it("fails Nova's 202 on detachServerVolume, which documents 200, naming both", () => {
    const finding = failed(run(statusDocumented, bms, answer(202), { status: 200 }));
    expect(finding.message).toBe("202 is not documented for detachServerVolume");
    expect(finding.actual).toBe("202");
    expect(finding.expected).toMatch(/^one of /);
    expect(finding.expected).toContain("200");
    expect(finding.expected).not.toContain("202");
  });

  it("fails 200 on detachVolume, which documents 202", () => {
    const finding = failed(run(statusDocumented, evs, answer(200), { status: 202 }));
    expect(finding.expected).toContain("202");
    expect(finding.actual).toBe("200");
  });
});

describe("status_expected", () => {
  it("passes the status the case expects", () => {
    passed(
      run(statusExpected, evs, answer(404, { body: notFound() }), { status: 404 }),
      "status_expected",
    );
  });

  it("fails a documented status that is not the one for this case", () => {
    // 409 is documented for detachVolume, but this case expects 400.
    const finding = failed(
      run(statusExpected, evs, answer(409, { body: notFound("conflictingRequest") }), {
        status: 400,
        fault: "badRequest",
      }),
    );
    expect(finding.expected).toBe("400");
    expect(finding.actual).toBe("409");
    expect(finding.message).toBe("status 409 where the documentation gives 400 for this case");
  });
});

describe("content_type", () => {
  it("does not apply to an empty body", () => {
    expect(run(contentType, evs, answer(202), { status: 202 })).toBeNull();
    expect(run(contentType, evs, answer(404), { status: 404 })).toBeNull();
  });

  it("judges an undocumented error status as the general fault envelope: JSON", () => {
    const exchange = answer(418, { headers: { "content-type": "text/plain" }, bodyText: "tea" });
    const finding = failed(run(contentType, evs, exchange, { status: 404 }));
    expect(finding).toMatchObject({ expected: "application/json", actual: "text/plain" });
    const json = answer(418, { headers: JSON_TYPE, body: notFound("error") });
    passed(run(contentType, evs, json, { status: 404 }), "content_type");
  });

  it("does not apply to an undocumented redirect", () => {
    const exchange = answer(302, { headers: { "content-type": "text/html" }, bodyText: "<p/>" });
    expect(run(contentType, evs, exchange, { status: 404 })).toBeNull();
  });

  it("does not apply where the contract documents no media type (a body on 202)", () => {
    // The body itself is body_schema's business.
    const exchange = answer(202, { headers: { "content-type": "text/html" }, bodyText: "<p/>" });
    expect(run(contentType, evs, exchange, { status: 202 })).toBeNull();
  });

  it("passes application/json on an error, ignoring parameters and case", () => {
    const exchange = answer(404, {
      headers: { "content-type": "Application/JSON; charset=UTF-8" },
      body: notFound(),
    });
    const finding = passed(run(contentType, evs, exchange, { status: 404 }), "content_type");
    expect(finding.message).toBe("content type application/json");
  });

  it("fails text/html on an error, naming the documented and the actual type", () => {
    const exchange = answer(404, {
      headers: { "content-type": "text/html; charset=UTF-8" },
      bodyText: "<html><body>404 Not Found</body></html>",
    });
    const finding = failed(run(contentType, evs, exchange, { status: 404 }));
    expect(finding.expected).toBe("application/json");
    expect(finding.actual).toBe("text/html");
    expect(finding.message).toBe("content type text/html is not documented for status 404");
  });

  it("fails a body without any content type", () => {
    const finding = failed(
      run(contentType, bms, answer(400, { body: notFound("badRequest") }), { status: 400 }),
    );
    expect(finding.actual).toBe("(none)");
    expect(finding.expected).toBe("application/json");
  });
});

describe("body_schema", () => {
  it("passes an empty 202, as documented", () => {
    const finding = passed(run(bodySchema, evs, answer(202), { status: 202 }), "body_schema");
    expect(finding.message).toBe("no body, as documented");
  });

  it("passes an empty 200 on detachServerVolume", () => {
    passed(run(bodySchema, bms, answer(200), { status: 200 }), "body_schema");
  });

  it("fails a body on a 202, showing the body", () => {
    const finding = failed(
      run(bodySchema, evs, answer(202, { headers: JSON_TYPE, body: { volume: { id: "v" } } }), {
        status: 202,
      }),
    );
    expect(finding.expected).toBe("empty body");
    expect(finding.actual).toBe('{"volume":{"id":"v"}}');
    expect(finding.message).toContain("status 202");
  });

  it("truncates a long unexpected body", () => {
    const finding = failed(
      run(bodySchema, evs, answer(202, { bodyText: "x".repeat(500) }), { status: 202 }),
    );
    expect(finding.actual).toBe(`${"x".repeat(200)}…`);
  });

  it("passes the documented error envelope with a string code", () => {
    passed(
      run(bodySchema, evs, answer(404, { headers: JSON_TYPE, body: notFound() }), {
        status: 404,
      }),
      "body_schema",
    );
  });

  it("fails an integer code (documented as string), naming the field", () => {
    const body = { badRequest: { message: "x", code: 400 } };
    const finding = failed(
      run(bodySchema, evs, answer(400, { headers: JSON_TYPE, body }), { status: 400 }),
    );
    expect(finding.expected).toBe("the documented schema");
    expect(finding.actual).toBe("/badRequest/code must be string, got integer");
    expect(finding.message).toContain("schema for 400");
  });

  it("fails an error body that is not JSON", () => {
    const finding = failed(
      run(bodySchema, evs, answer(404, { bodyText: "<h1>Not Found</h1>" }), { status: 404 }),
    );
    expect(finding.expected).toBe("JSON");
    expect(finding.actual).toBe("<h1>Not Found</h1>");
  });

  it("fails an empty error body where the contract wants an envelope", () => {
    const finding = failed(run(bodySchema, bms, answer(404), { status: 404 }));
    expect(finding.message).toBe("status 404 needs a JSON body");
  });

  it("fails an envelope with two fault keys", () => {
    const body = { ...notFound(), ...notFound("badRequest") };
    const finding = failed(
      run(bodySchema, evs, answer(404, { headers: JSON_TYPE, body }), { status: 404 }),
    );
    expect(finding.actual).toContain("must NOT have more than 1 properties");
  });

  it("names the type that came instead of the documented one", () => {
    const body = { badRequest: { message: "x", code: null } };
    const finding = failed(
      run(bodySchema, evs, answer(400, { headers: JSON_TYPE, body }), { status: 400 }),
    );
    expect(finding.actual).toBe("/badRequest/code must be string, got null");
  });

  it("judges an undocumented error status against the general fault envelope", () => {
    const finding = failed(run(bodySchema, bms, answer(418, { bodyText: "x" }), { status: 200 }));
    expect(finding.message).toBe("status 418 needs a JSON body");
    const html = answer(418, { bodyText: "<html><body>I'm a teapot</body></html>" });
    failed(run(bodySchema, bms, html, { status: 404 }));
    const keystone = { error: { code: 418, title: "Teapot", message: "short and stout" } };
    const notEnvelope = failed(
      run(bodySchema, bms, answer(418, { body: keystone }), { status: 404 }),
    );
    expect(notEnvelope.message).toContain("body does not conform to the schema for 418");
    const envelope = answer(418, { body: notFound("error") });
    passed(run(bodySchema, bms, envelope, { status: 404 }), "body_schema");
    expect(run(bodySchema, bms, answer(302, { bodyText: "x" }), { status: 404 })).toBeNull();
  });

  it("judges an undocumented error status against the schema the family's ledger accepts", () => {
    const keystone = answer(418, {
      body: { error: { code: 418, title: "Teapot", message: "short and stout" } },
    });
    const input = { exchange: keystone, operation: bms, expected: { status: 404 } };
    failed(bodySchema.run(input));
    const accepted = new Map([[418, "KeystoneError"]]);
    passed(bodySchema.run({ ...input, acceptedBodies: accepted }), "body_schema");
    // Accepted for another status only: the general envelope still applies to this one.
    failed(bodySchema.run({ ...input, acceptedBodies: new Map([[409, "KeystoneError"]]) }));
    expect(() =>
      bodySchema.run({ ...input, acceptedBodies: new Map([[418, "NoSuchSchema"]]) }),
    ).toThrow(
      "no schema NoSuchSchema in spec/common.openapi.yaml for status 418 of detachServerVolume; name one of",
    );
  });

  it("judges any undocumented success by the documented success, whatever the case expects", () => {
    // An admin's detach from a locked server: 202 where the case documents 400 (a known deviation).
    const html = answer(202, { headers: { "content-type": "text/html" }, bodyText: "<p>ok</p>" });
    const finding = failed(run(bodySchema, bms, html, { status: 400 }));
    expect(finding).toMatchObject({ expected: "empty body", actual: "<p>ok</p>" });
    passed(run(bodySchema, bms, answer(202), { status: 400 }), "body_schema");
  });

  it("judges an undocumented success standing in for the expected one by its documentation", () => {
    // Nova's 202 for the BMS page's 200 (a known deviation) must still come without a body.
    expect(run(bodySchema, bms, answer(202), { status: 200 })).toMatchObject({ ok: true });
    const finding = failed(
      run(bodySchema, bms, answer(202, { headers: JSON_TYPE, body: { volumeAttachment: {} } }), {
        status: 200,
      }),
    );
    expect(finding.expected).toBe("empty body");
  });
});

describe("error_envelope", () => {
  const expected = { status: 400, fault: "badRequest" };

  it("does not apply to a success", () => {
    expect(run(errorEnvelope, evs, answer(202), { status: 202 })).toBeNull();
  });

  it("passes a badRequest with an integer code (the code's type is body_schema's concern)", () => {
    const exchange = answer(400, { body: { badRequest: { message: "x", code: 400 } } });
    const finding = passed(run(errorEnvelope, evs, exchange, expected), "error_envelope");
    expect(finding.message).toBe("fault badRequest with message and code");
    // The same body fails body_schema: the two checks judge different things.
    expect(run(bodySchema, evs, exchange, expected)?.ok).toBe(false);
  });

  it("passes any known fault name when the case names none", () => {
    passed(
      run(errorEnvelope, bms, answer(409, { body: notFound("conflictingRequest") }), {
        status: 409,
      }),
      "error_envelope",
    );
  });

  it("fails two top-level keys, listing them", () => {
    const body = { badRequest: { message: "x", code: "1" }, extra: {} };
    const finding = failed(run(errorEnvelope, evs, answer(400, { body }), expected));
    expect(finding.expected).toBe("1 key");
    expect(finding.actual).toBe("badRequest, extra");
  });

  it("fails an empty object", () => {
    const finding = failed(run(errorEnvelope, evs, answer(400, { body: {} }), expected));
    expect(finding.message).toBe("the error body must have exactly one key");
    expect(finding.actual).toBe("");
  });

  it("fails a fault name other than the documented one, naming both", () => {
    const finding = failed(
      run(errorEnvelope, evs, answer(409, { body: notFound("conflictingRequest") }), expected),
    );
    expect(finding.expected).toBe("badRequest");
    expect(finding.actual).toBe("conflictingRequest");
    expect(finding.message).toBe(
      "fault conflictingRequest where the documentation gives badRequest",
    );
  });

  it("fails an unknown fault name", () => {
    const finding = failed(
      run(errorEnvelope, evs, answer(400, { body: notFound("NotFound") }), { status: 400 }),
    );
    expect(finding.actual).toBe("NotFound");
    expect(finding.expected).toContain("itemNotFound");
    expect(finding.message).toBe("unknown fault name NotFound");
  });

  it("fails a fault without message or code, naming what is missing and what is there", () => {
    const body = { badRequest: { detail: "x" } };
    const finding = failed(run(errorEnvelope, evs, answer(400, { body }), expected));
    expect(finding.message).toBe("badRequest lacks message and code");
    expect(finding.expected).toBe("message and code");
    expect(finding.actual).toBe("detail");
  });

  it("fails a fault whose value is not an object", () => {
    const finding = failed(
      run(errorEnvelope, evs, answer(400, { body: { badRequest: "oops" } }), expected),
    );
    expect(finding.actual).toBe("(nothing)");
  });

  it.each([
    ["HTML", "<html>Bad Request</html>"],
    ["a JSON array", "[1]"],
    ["JSON null", "null"],
    ["no body at all", ""],
  ])("fails %s as the error body", (_, bodyText) => {
    const finding = failed(run(errorEnvelope, evs, answer(400, { bodyText }), expected));
    expect(finding.message).toBe("the error body is not a JSON object");
    expect(finding.expected).toBe("{<fault>: {message, code}}");
    expect(finding.actual).toBe(bodyText);
  });
});

describe("fault_status", () => {
  it("does not apply to a success or to a body that is no envelope", () => {
    expect(run(faultStatus, evs, answer(202), { status: 202 })).toBeNull();
    expect(run(faultStatus, evs, answer(400, { bodyText: "<html/>" }), { status: 400 })).toBeNull();
    expect(run(faultStatus, evs, answer(400, { body: {} }), { status: 400 })).toBeNull();
  });

  it.each([
    [400, "badRequest"],
    [404, "itemNotFound"],
    [409, "conflictingRequest"],
    [415, "badMediaType"],
    [500, "computeFault"],
    [401, "error"],
  ])("passes %i with %s", (status, fault) => {
    passed(
      run(faultStatus, evs, answer(status, { body: notFound(fault) }), { status }),
      "fault_status",
    );
  });

  it("fails a fault that belongs to another status, naming both", () => {
    // Nova's itemNotFound sent with the BMS page's 400: neither a 404 nor a badRequest.
    const finding = failed(
      run(faultStatus, bms, answer(400, { body: notFound("itemNotFound") }), {
        status: 400,
        fault: "badRequest",
      }),
    );
    expect(finding.expected).toBe("badRequest (or error) on 400");
    expect(finding.actual).toBe("itemNotFound on 400");
  });

  it("maps every status without a name of its own to computeFault", () => {
    expect(faultForStatus(502)).toBe("computeFault");
    expect(faultForStatus(429)).toBe("overLimit");
  });
});

describe("headers", () => {
  it("passes a well-formed x-openstack-request-id", () => {
    const exchange = answer(202, {
      headers: { "x-openstack-request-id": REQUEST_ID, "x-compute-request-id": REQUEST_ID },
    });
    passed(run(documentedHeaders, evs, exchange, { status: 202 }), "headers");
  });

  it("passes when the request id is missing, because the contract makes it optional", () => {
    // common.openapi.yaml: X-Openstack-Request-Id is `required: false` (OTC's pages omit it).
    expect(evs.responses.get(202)?.headers["x-openstack-request-id"]?.required).toBe(false);
    passed(run(documentedHeaders, evs, answer(202), { status: 202 }), "headers");
  });

  it("fails a missing request id where the target's family requires it, and only there", () => {
    const family = requiredHeadersOf(loadDeviations("upstream-openstack"), "detachVolume");
    expect(family).toEqual(["x-openstack-request-id"]);
    const bare = { exchange: answer(202), operation: evs, expected: { status: 202 } };
    const finding = failed(documentedHeaders.run({ ...bare, familyHeaders: family }));
    expect(finding.actual).toBe("x-openstack-request-id missing (the family requires it)");
    const sent = answer(202, { headers: { "x-openstack-request-id": REQUEST_ID } });
    passed(documentedHeaders.run({ ...bare, exchange: sent, familyHeaders: family }), "headers");
    // A family that requires nothing (otc.yaml today) lets the documents decide.
    expect(requiredHeadersOf(loadDeviations("otc"), "detachVolume")).toEqual([]);
    const bms = requiredHeadersOf(loadDeviations("upstream-openstack"), "detachServerVolume");
    expect(bms).toEqual(["x-openstack-request-id", "x-compute-request-id"]);
  });

  it("fails a malformed request id, naming the header and its value", () => {
    const exchange = answer(404, {
      headers: { "x-openstack-request-id": "req-123", ...JSON_TYPE },
      body: notFound(),
    });
    const finding = failed(run(documentedHeaders, bms, exchange, { status: 404 }));
    expect(finding.actual).toBe("x-openstack-request-id: req-123 does not match its schema");
    expect(finding.expected).toBe("documented headers");
  });

  it("reports every malformed header", () => {
    const exchange = answer(200, {
      headers: { "x-openstack-request-id": "abc", "x-compute-request-id": `${REQUEST_ID}x` },
    });
    const finding = failed(run(documentedHeaders, bms, exchange, { status: 200 }));
    expect(finding.actual).toContain("x-openstack-request-id: abc");
    expect(finding.actual).toContain(`x-compute-request-id: ${REQUEST_ID}x`);
  });

  it("fails a missing header where the contract requires it", () => {
    // The documents require none today; a contract that did would be enforced like this.
    const documented = evs.responses.get(202);
    if (!documented) throw new Error("detachVolume documents no 202");
    const strict: OperationContract = {
      ...evs,
      responses: new Map([
        [
          202,
          {
            ...documented,
            headers: {
              ...documented.headers,
              "x-openstack-request-id": {
                ...documented.headers["x-openstack-request-id"],
                required: true,
              },
            },
          },
        ],
      ]),
    };
    const finding = failed(run(documentedHeaders, strict, answer(202), { status: 202 }));
    expect(finding.actual).toBe("x-openstack-request-id missing");
  });

  it("does not apply to an undocumented status when the family requires no header", () => {
    const exchange = answer(418, { headers: { "x-openstack-request-id": "bad" } });
    expect(run(documentedHeaders, evs, exchange, { status: 202 })).toBeNull();
  });

  it("requires the family's headers under any status, documented or not", () => {
    const family = requiredHeadersOf(loadDeviations("upstream-openstack"), "detachServerVolume");
    for (const [status, expected] of [
      [202, 400],
      [418, 404],
    ] as const) {
      const bare = { exchange: answer(status), operation: bms, expected: { status: expected } };
      const finding = failed(documentedHeaders.run({ ...bare, familyHeaders: family }));
      expect(finding.actual).toContain("x-openstack-request-id missing (the family requires it)");
    }
  });

  it("fails all of a 202 with an HTML page and no request id where the case wants a refusal", () => {
    const family = requiredHeadersOf(loadDeviations("upstream-openstack"), "detachServerVolume");
    const page = answer(202, { headers: { "content-type": "text/html" }, bodyText: "<html/>" });
    const findings = runChecks({
      exchange: page,
      operation: bms,
      expected: { status: 400 },
      familyHeaders: family,
    });
    const failing = findings.filter((finding) => !finding.ok).map((finding) => finding.check);
    expect(failing).toEqual(["status_documented", "status_expected", "body_schema", "headers"]);
  });
});
