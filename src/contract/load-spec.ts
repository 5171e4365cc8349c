// The contract as the harness consumes it: every operation of spec/*.openapi.yaml, by
// operationId, with `$ref`s (also across files) resolved into plain JSON Schema 2020-12.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { SPEC_DIR } from "../paths.ts";

const COMMON = "common.openapi.yaml";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** A resolved JSON Schema (2020-12 dialect); no `$ref` left. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface DocumentedHeader {
  required: boolean;
  schema?: JsonSchema;
}

export interface DocumentedResponse {
  description: string;
  /** JSON Schema of the body, or `undefined` when the contract allows no body. */
  schema?: JsonSchema;
  /** Documented media types, e.g. `application/json`. Empty when no body is allowed. */
  mediaTypes: string[];
  /** Documented response headers by lower-case name. */
  headers: Record<string, DocumentedHeader>;
}

export interface DocumentedParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  description?: string;
  schema?: JsonSchema;
}

/** A named example of a request body, e.g. the one from the documentation page. */
export interface DocumentedExample {
  name: string;
  summary?: string;
  value: unknown;
}

export interface OperationContract {
  operationId: string;
  /** The document it comes from, e.g. `spec/evs.openapi.yaml`. */
  document: string;
  /** Upper case, e.g. `POST`. */
  method: string;
  /** Path template as documented, e.g. `/v2/{project_id}/volumes/{volume_id}/action`. */
  path: string;
  tags: string[];
  summary: string;
  /** The operation's description (Markdown), including its "Known to differ" notes. */
  description: string;
  deprecated: boolean;
  /** Path-level and operation-level parameters merged (the operation's win). */
  parameters: DocumentedParameter[];
  requestBody?: {
    required: boolean;
    mediaTypes: string[];
    schema?: JsonSchema;
    examples: DocumentedExample[];
  };
  /** Documented responses by HTTP status. */
  responses: Map<number, DocumentedResponse>;
  /**
   * The named schemas of spec/common.openapi.yaml (e.g. `ErrorEnvelope`): what the body of an
   * error status this operation does not document is judged against.
   */
  sharedSchemas: Readonly<Record<string, JsonSchema>>;
}

export interface Contract {
  readonly operations: readonly OperationContract[];
  /** The operation with this operationId; throws on an unknown one, naming those that exist. */
  operation(operationId: string): OperationContract;
}

type Json = Record<string, unknown>;
const cache = new Map<string, Promise<Contract>>();

/** Loads and dereferences every document once per process (cached per directory). */
export function loadContract(specDir = SPEC_DIR): Promise<Contract> {
  let contract = cache.get(specDir);
  if (!contract) {
    contract = build(specDir);
    cache.set(specDir, contract);
  }
  return contract;
}

async function build(specDir: string): Promise<Contract> {
  const files = (await readdir(specDir)).filter((f) => f.endsWith(".openapi.yaml")).sort();
  // Dereferenced only: tests/contract validates the documents, once, not every run.
  const docs = await Promise.all(
    files.map(async (file) => ({
      file,
      doc: (await SwaggerParser.dereference(join(specDir, file))) as unknown as Json,
    })),
  );
  const common = docs.find(({ file }) => file === COMMON)?.doc.components as Json | undefined;
  const sharedSchemas = (common?.schemas ?? {}) as Record<string, JsonSchema>;
  const byId = new Map<string, OperationContract>();
  for (const { file, doc } of docs) {
    for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
      for (const method of METHODS) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const contract = {
          ...operationContract(`spec/${file}`, method, path, item, op),
          sharedSchemas,
        };
        const clash = byId.get(contract.operationId);
        if (clash) {
          throw new Error(
            `operationId ${contract.operationId} is in both ${clash.document} and ${contract.document}`,
          );
        }
        byId.set(contract.operationId, deepFreeze(contract));
      }
    }
  }
  const operations = [...byId.values()];
  return Object.freeze({
    operations,
    operation(operationId: string) {
      const found = byId.get(operationId);
      if (!found) {
        throw new Error(
          `no operation "${operationId}" in spec/; known: ${[...byId.keys()].join(", ")}`,
        );
      }
      return found;
    },
  });
}

function operationContract(
  document: string,
  method: string,
  path: string,
  item: Json,
  op: Json,
): Omit<OperationContract, "sharedSchemas"> {
  if (typeof op.operationId !== "string") {
    throw new Error(`${document}: ${method.toUpperCase()} ${path} has no operationId`);
  }
  const parameters = new Map<string, DocumentedParameter>();
  for (const p of [...asArray(item.parameters), ...asArray(op.parameters)]) {
    parameters.set(`${p.in}:${p.name}`, {
      name: p.name as string,
      in: p.in as DocumentedParameter["in"],
      required: p.required === true,
      ...(typeof p.description === "string" ? { description: p.description } : {}),
      ...schemaOf(p),
    });
  }
  const body = op.requestBody as Json | undefined;
  const responses = new Map<number, DocumentedResponse>();
  for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
    const headers: Record<string, DocumentedHeader> = {};
    for (const [name, h] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      headers[name.toLowerCase()] = { required: h.required === true, ...schemaOf(h) };
    }
    responses.set(Number(status), {
      description: String(response.description ?? ""),
      ...content(response),
      headers,
    });
  }
  return {
    operationId: op.operationId,
    document,
    method: method.toUpperCase(),
    path,
    tags: (op.tags ?? []) as string[],
    summary: String(op.summary ?? ""),
    description: String(op.description ?? ""),
    deprecated: op.deprecated === true,
    parameters: [...parameters.values()],
    ...(body
      ? {
          requestBody: {
            required: body.required === true,
            ...content(body),
            examples: examples(body),
          },
        }
      : {}),
    responses,
  };
}

const asArray = (value: unknown) => (Array.isArray(value) ? (value as Json[]) : []);

function schemaOf(holder: Json): { schema?: JsonSchema } {
  return holder.schema ? { schema: holder.schema as JsonSchema } : {};
}

// The documents use one media type per body; the first one's schema stands for all.
function content(holder: Json): { mediaTypes: string[]; schema?: JsonSchema } {
  const media = (holder.content ?? {}) as Record<string, Json>;
  const mediaTypes = Object.keys(media);
  const first = mediaTypes[0] === undefined ? undefined : media[mediaTypes[0]];
  return { mediaTypes, ...(first ? schemaOf(first) : {}) };
}

// Named examples of the first media type, in document order.
function examples(holder: Json): DocumentedExample[] {
  const first = Object.values((holder.content ?? {}) as Record<string, Json>)[0];
  return Object.entries((first?.examples ?? {}) as Record<string, Json>).map(([name, example]) => ({
    name,
    ...(typeof example.summary === "string" ? { summary: example.summary } : {}),
    value: example.value,
  }));
}

// Frozen because the cached contract is shared by every consumer in the process.
function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== "object" || seen.has(value)) return value;
  seen.add(value);
  const children = value instanceof Map ? [...value.values()] : Object.values(value);
  for (const child of children) deepFreeze(child, seen);
  return Object.freeze(value);
}
