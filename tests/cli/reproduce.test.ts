// A red scenario as an operator meets it: the console and results.json say what failed and
// hold the redacted call, and a curl line repeats it; through the real command line.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { shortId } from "../../src/engine/scenario.ts";
import type { ResultsFile } from "../../src/reports/results.ts";
import { runCli } from "../support/cli.ts";
import { PLANTED_BODY, PLANTED_ID, plantFailure } from "../support/planted.ts";

const cassettes = plantFailure();
const reports = mkdtempSync(join(tmpdir(), "conformance-reproduce-"));
afterAll(() => {
  rmSync(cassettes, { recursive: true, force: true });
  rmSync(reports, { recursive: true, force: true });
});

describe("a planted failure, replayed", { timeout: 60_000 }, async () => {
  const green = "e12c3afc";
  const ended = await runCli([
    "replay",
    "--cassettes",
    cassettes,
    "--reports",
    reports,
    "--scenario",
    shortId(PLANTED_ID),
    green,
  ]);
  const results = JSON.parse(readFileSync(join(reports, "results.json"), "utf8")) as ResultsFile;
  const body = JSON.stringify(PLANTED_BODY);

  it("ends red and prints the check, the response body and a curl line", () => {
    expect(ended.code).toBe(1);
    const at = ended.stdout.indexOf(`fails: ${PLANTED_ID}`);
    expect(at).toBeGreaterThan(-1);
    const details = ended.stdout.slice(at);
    expect(details).toMatch(/check status\w* on detachVolume/);
    expect(details).toContain("    < 200");
    expect(details).toContain("    < content-type: application/json");
    expect(details).toContain(`    < ${body}`);
    expect(details).toMatch(
      /curl -i \\\n +-X POST \\\n +'http:\/\/127\.0\.0\.1:8776\/v3\/.*\/action'/,
    );
    expect(details).toContain('-H "X-Auth-Token: $OS_TOKEN"');
  });

  it("keeps the redacted exchanges of the red scenario only in results.json", () => {
    const schema = JSON.parse(
      readFileSync(new URL("../../src/reports/results.schema.json", import.meta.url), "utf8"),
    );
    const validate = addFormats.default(new Ajv2020({ allErrors: true })).compile(schema);
    expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
    const planted = results.scenarios.find((s) => s.id === PLANTED_ID);
    expect(planted?.verdict).toBe("fails");
    const call = planted?.exchanges?.[planted.callIndex ?? -1];
    expect(call?.response.status).toBe(200);
    expect(JSON.parse(call?.response.bodyText ?? "null")).toEqual(PLANTED_BODY);
    expect(call?.request.headers).not.toHaveProperty("x-auth-token");
    const other = results.scenarios.find((s) => s.id.startsWith(green));
    expect(other?.verdict).toBe("conforms");
    expect(other).not.toHaveProperty("exchanges");
  });
});
