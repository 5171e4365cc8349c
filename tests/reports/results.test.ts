import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import {
  RESULTS_SCHEMA_VERSION,
  type ResultsFile,
  renderResults,
} from "../../src/reports/results.ts";
import { ALL, CANARY, CONFORMS, FAILS, RUN, SKIPPED } from "../support/sample-outcomes.ts";

const schema = JSON.parse(
  readFileSync(new URL("../../src/reports/results.schema.json", import.meta.url), "utf8"),
);
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

const results = JSON.parse(renderResults(ALL, RUN)) as ResultsFile;

describe("renderResults", () => {
  it("matches results.schema.json", () => {
    expect(validate(results), ajv.errorsText(validate.errors)).toBe(true);
  });

  it("is checked by a schema that rejects a drifted shape", () => {
    const drifted = { ...results, summary: { ...results.summary, passed: 1 } };
    expect(validate(drifted)).toBe(false);
    expect(validate({ ...results, schemaVersion: RESULTS_SCHEMA_VERSION + 1 })).toBe(false);
  });

  it("names its schema by the schema's path in the repository", () => {
    expect(results.$schema).toBe("src/reports/results.schema.json");
    expect(schema.properties.$schema.const).toBe(results.$schema);
    expect(validate({ ...results, $schema: "elsewhere.json" })).toBe(false);
  });

  it("describes the run and counts every verdict", () => {
    expect(results.schemaVersion).toBe(RESULTS_SCHEMA_VERSION);
    expect(results.run).toEqual({
      target: "devstack",
      family: "upstream-openstack",
      mode: "replay",
      startedAt: "2025-01-02T03:04:05.000Z",
      finishedAt: "2025-01-02T03:04:17.500Z",
      durationMs: 12_500,
      verdict: "failed",
    });
    expect(results.summary).toEqual({
      total: 5,
      conforms: 1,
      deviation: 1,
      fails: 1,
      error: 1,
      skipped: 1,
    });
    expect(results.scenarios.map((s) => s.verdict)).toEqual(ALL.map((o) => o.verdict));
  });

  it("gives the run's verdict as its exit code says it, with the stale ledger entries", () => {
    const verdict = (outcomes: typeof ALL, stale?: string[]) =>
      (
        JSON.parse(
          renderResults(outcomes, { ...RUN, ...(stale && { staleDeviations: stale }) }),
        ) as ResultsFile
      ).run;
    expect(verdict([CONFORMS, SKIPPED]).verdict).toBe("green");
    expect(verdict([SKIPPED]).verdict).toBe("judged-nothing");
    expect(verdict([]).verdict).toBe("judged-nothing");
    const stale = verdict([CONFORMS], ["old-entry"]);
    expect(stale).toMatchObject({ verdict: "failed", staleDeviations: ["old-entry"] });
    expect(validate({ ...results, run: stale }), ajv.errorsText(validate.errors)).toBe(true);
  });

  it("summarises the call under test by method, path and status, without other headers", () => {
    const fails = results.scenarios.find((s) => s.id === FAILS.scenario.id);
    expect(fails?.call).toEqual({
      request: {
        method: "DELETE",
        path: "/v2.1/proj/servers/srv-1/os-volume_attachments/vol-2",
        contentType: "application/json",
      },
      response: { status: 500, contentType: "application/json" },
    });
    expect(fails?.findings).toHaveLength(FAILS.findings.length);
    expect(fails?.leftovers).toEqual(FAILS.leftovers);
    const conforms = results.scenarios.find((s) => s.id === CONFORMS.scenario.id);
    expect(conforms?.call?.request.path).toBe("/v3/proj/volumes/vol-1/action");
    expect(conforms).not.toHaveProperty("exchanges");
  });

  it("keeps the redacted exchanges of a red scenario, with the headers that matter only", () => {
    const fails = results.scenarios.find((s) => s.id === FAILS.scenario.id);
    expect(fails?.exchanges).toHaveLength(FAILS.exchanges.length);
    expect(fails?.callIndex).toBe(FAILS.callIndex);
    const call = fails?.exchanges?.[FAILS.callIndex ?? -1];
    expect(call?.request.headers).toEqual({
      "content-type": "application/json",
      "x-openstack-request-id": "req-1",
    });
    expect(call?.response).toMatchObject({
      status: 500,
      headers: { "content-type": "application/json" },
    });
    expect(call?.response.bodyText).toContain("computeFault");
    const text = JSON.stringify(results);
    expect(text).not.toContain(CANARY);
    expect(text).not.toMatch(/x-auth-token|x-subject-token/);
  });

  it("gives null for a call that was never made, and the reason", () => {
    const skipped = results.scenarios.find((s) => s.id === SKIPPED.scenario.id);
    expect(skipped?.call).toBeNull();
    expect(skipped?.reason).toBe(SKIPPED.reason);
  });
});
