import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { loadContract } from "../../src/contract/load-spec.ts";

const contract = await loadContract();

describe("loadContract", () => {
  it("is cached", async () => {
    expect(await loadContract()).toBe(contract);
  });

  it("describes detachVolume as documented: POST, 202 without body, error envelopes", () => {
    const op = contract.operation("detachVolume");
    expect(op).toMatchObject({
      document: "spec/evs.openapi.yaml",
      method: "POST",
      path: "/v2/{project_id}/volumes/{volume_id}/action",
      tags: ["under-test"],
      deprecated: true,
    });
    expect([...op.responses.keys()]).toEqual([202, 400, 401, 403, 404, 409, 415, 500]);
    expect(op.responses.get(202)?.mediaTypes).toEqual([]);
    expect(op.responses.get(202)).not.toHaveProperty("schema");
    expect(op.responses.get(202)?.headers["x-openstack-request-id"]?.required).toBe(false);
    expect(op.responses.get(404)?.mediaTypes).toEqual(["application/json"]);
    expect(op.requestBody?.required).toBe(true);
    expect(op.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      "path:project_id",
      "path:volume_id",
    ]);
  });

  it("describes detachServerVolume with the documented 200, not upstream's 202", () => {
    const op = contract.operation("detachServerVolume");
    expect(op).toMatchObject({ method: "DELETE", tags: ["under-test"] });
    expect([...op.responses.keys()]).toEqual([200, 400, 401, 403, 404, 409, 500]);
    expect(op.responses.get(200)?.schema).toBeUndefined();
    expect(op.requestBody).toBeUndefined();
  });

  it("resolves schemas across files into plain JSON Schema", () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    const envelope = contract.operation("detachVolume").responses.get(404)?.schema;
    expect(JSON.stringify(envelope)).not.toContain("$ref");
    const validate = ajv.compile(envelope as object);
    expect(validate({ itemNotFound: { message: "m", code: "EVS.5404" } })).toBe(true);
    // Upstream's integer code is a deviation from the documented String.
    expect(validate({ itemNotFound: { message: "m", code: 404 } })).toBe(false);
    expect(validate({ itemNotFound: { message: "m", code: "x" }, error: {} })).toBe(false);

    const body = contract.operation("detachVolume").requestBody?.schema as object;
    expect(ajv.validate(body, { "os-detach": {} })).toBe(true);
    expect(ajv.validate(body, { "os-detach": null })).toBe(false);
  });

  it("lists every operation once, each tagged under-test or support", () => {
    const ids = contract.operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(20);
    for (const op of contract.operations) {
      expect(op.tags.filter((t) => t === "under-test" || t === "support")).toHaveLength(1);
    }
  });

  it("names the known operations when asked for an unknown one", () => {
    expect(() => contract.operation("detach")).toThrow(/no operation "detach".*detachVolume/);
  });

  it("is frozen, so one consumer cannot change it for the others", () => {
    const op = contract.operation("showVolume");
    expect(Object.isFrozen(op)).toBe(true);
    expect(Object.isFrozen(op.responses.get(200)?.schema)).toBe(true);
  });
});
