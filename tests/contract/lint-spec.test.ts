// Proves that the lint's failure messages point at the broken place: each test breaks an
// in-memory copy of the documents and expects the file and JSON pointer in the message.
import { describe, expect, it } from "vitest";
import {
  formatProblem,
  lintSpecSet,
  readSpecSet,
  type SpecSet,
} from "../../src/contract/lint-spec.ts";

const pristine = await readSpecSet();
const EVS = "spec/evs.openapi.yaml";
const BMS = "spec/bms.openapi.yaml";
const DETACH = "/v2/{project_id}/volumes/{volume_id}/action";
const DETACH_POINTER = "#/paths/~1v2~1{project_id}~1volumes~1{volume_id}~1action/post";

// biome-ignore lint/suspicious/noExplicitAny: the tests poke into parsed YAML on purpose.
function broken(file: string, edit: (doc: any) => void): string[] {
  const set: SpecSet = structuredClone(pristine);
  edit(set.get(file));
  return lintSpecSet(set).map(formatProblem);
}

describe("lint failure messages name the file and JSON pointer", () => {
  it("starts from documents without problems", () => {
    expect(lintSpecSet(pristine)).toEqual([]);
  });

  it("for a dangling $ref", () => {
    const messages = broken(EVS, (doc) => {
      doc.paths[DETACH].post.responses["409"].$ref =
        "common.openapi.yaml#/components/responses/Nope";
    });
    expect(messages).toContain(
      `${EVS}${DETACH_POINTER}/responses/409: dangling $ref "common.openapi.yaml#/components/responses/Nope": nothing at spec/common.openapi.yaml#/components/responses/Nope`,
    );
  });

  it("for a $ref to a missing file", () => {
    const messages = broken(BMS, (doc) => {
      doc.components.securitySchemes.XAuthToken.$ref = "commons.openapi.yaml#/x";
    });
    expect(messages).toContain(
      `${BMS}#/components/securitySchemes/XAuthToken: dangling $ref "commons.openapi.yaml#/x": no document spec/commons.openapi.yaml`,
    );
  });

  it("for an example that violates its schema", () => {
    const messages = broken(EVS, (doc) => {
      doc.components.examples.PageItemNotFound.value.itemNotFound.code = 404;
    });
    expect(messages).toEqual([
      `${EVS}${DETACH_POINTER}/responses/404/content/application~1json/examples/page: example violates its schema: /itemNotFound/code must be string`,
    ]);
  });

  it("for a schema example that violates its schema", () => {
    const messages = broken(EVS, (doc) => {
      doc.components.schemas.Volume.examples[0].bootable = false;
    });
    expect(messages).toEqual([
      `${EVS}#/components/schemas/Volume/examples/0: example violates its schema: /bootable must be string; /bootable must be equal to one of the allowed values`,
    ]);
  });

  it("for a missing documented error status", () => {
    const messages = broken(EVS, (doc) => {
      delete doc.paths[DETACH].post.responses["404"];
    });
    expect(messages).toEqual([
      `${EVS}${DETACH_POINTER}/responses: "detachVolume" does not document status 404`,
    ]);
  });

  it("for an operation without any 4xx", () => {
    const messages = broken(EVS, (doc) => {
      const responses = doc.paths["/v2/{project_id}/types"].get.responses;
      delete responses["401"];
      delete responses["403"];
    });
    expect(messages).toEqual([
      `${EVS}#/paths/~1v2~1{project_id}~1types/get/responses: "listVolumeTypes" documents no 4xx error response`,
    ]);
  });

  it("for a missing operationId", () => {
    const messages = broken(BMS, (doc) => {
      delete doc.paths["/v2.1/{project_id}/flavors"].get.operationId;
    });
    expect(messages).toEqual([
      `${BMS}#/paths/~1v2.1~1{project_id}~1flavors/get: operation has no operationId`,
    ]);
  });

  it("for a duplicate operationId across documents", () => {
    const messages = broken("spec/iam.openapi.yaml", (doc) => {
      doc.paths["/v3/auth/tokens"].post.operationId = "showVolume";
    });
    expect(messages).toEqual([
      `spec/iam.openapi.yaml#/paths/~1v3~1auth~1tokens/post/operationId: operationId "showVolume" is already used at ${EVS}#/paths/~1v2~1{project_id}~1volumes~1{volume_id}/get`,
    ]);
  });

  it("for a missing role tag", () => {
    const messages = broken(EVS, (doc) => {
      doc.paths[DETACH].post.tags = ["evs"];
    });
    expect(messages).toEqual([
      `${EVS}${DETACH_POINTER}/tags: "detachVolume" needs exactly one of the tags under-test, support`,
    ]);
  });
});
