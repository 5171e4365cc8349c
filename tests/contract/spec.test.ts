import { readdir } from "node:fs/promises";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import {
  collectExamples,
  exampleProblems,
  formatProblem,
  lintSpecSet,
  operationsOf,
  readSpecSet,
} from "../../src/contract/lint-spec.ts";
import { SPEC_DIR } from "../../src/paths.ts";

const files = (await readdir(SPEC_DIR)).filter((f) => f.endsWith(".openapi.yaml")).sort();
const set = await readSpecSet();

describe("spec documents", () => {
  it("are the five expected documents", () => {
    expect(files).toEqual([
      "bms.openapi.yaml",
      "common.openapi.yaml",
      "evs-setup-actions.openapi.yaml",
      "evs.openapi.yaml",
      "iam.openapi.yaml",
    ]);
  });

  it.each(files)("%s is valid OpenAPI 3.1 with its external $refs resolved", async (file) => {
    await expect(SwaggerParser.validate(join(SPEC_DIR, file))).resolves.toBeTruthy();
  });

  it("pass the project's lint rules", () => {
    expect(lintSpecSet(set).map(formatProblem)).toEqual([]);
  });
});

describe("examples", () => {
  const examples = collectExamples(set);

  it("exist for both operations under test", () => {
    const where = examples.map((e) => `${e.file}#${e.pointer}`);
    expect(where.some((w) => w.includes("volume_id}~1action/post/requestBody"))).toBe(true);
    expect(where.some((w) => w.includes("action/post/responses/404"))).toBe(true);
    expect(where.some((w) => w.endsWith("VolumeId/examples/bmsPage"))).toBe(true);
  });

  it.each(examples.map((e) => [`${e.file}#${e.pointer}`, e] as const))(
    "%s validates against its schema",
    (_, example) => {
      expect(exampleProblems(set, [example]).map(formatProblem)).toEqual([]);
    },
  );
});

describe("operations", () => {
  const operations = operationsOf(set);

  it.each(operations.map((o) => [`${o.operation.operationId} (${o.file})`, o] as const))(
    "%s has operationId, summary, a role tag and a documented 4xx",
    (_, { operation }) => {
      expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary).toBeTruthy();
      expect(operation.tags).toSatisfy(
        (tags: string[]) => tags.includes("under-test") !== tags.includes("support"),
      );
      expect(Object.keys(operation.responses as object).some((s) => s.startsWith("4"))).toBe(true);
    },
  );

  it("have operationIds unique across documents", () => {
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("put exactly the two documented detach operations under test", () => {
    const underTest = operations
      .filter((o) => (o.operation.tags as string[]).includes("under-test"))
      .map((o) => `${o.operation.operationId} ${o.method.toUpperCase()} ${o.path}`);
    expect(underTest.sort()).toEqual([
      "detachServerVolume DELETE /v2.1/{project_id}/servers/{server_id}/os-volume_attachments/{volume_id}",
      "detachVolume POST /v2/{project_id}/volumes/{volume_id}/action",
    ]);
  });
});
