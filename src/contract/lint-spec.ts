// Project rules for the handwritten OpenAPI documents, beyond what swagger-parser checks.
// Works on parsed YAML (not dereferenced) so that every problem names the file and the JSON
// pointer where it sits, e.g. `spec/evs.openapi.yaml#/paths/~1v2~1…/post/responses`.
import { readdir, readFile } from "node:fs/promises";
import { join, posix } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { SPEC_DIR } from "../paths.ts";

type Json = Record<string, unknown>;
/** Parsed documents keyed by repository-relative file name, e.g. `spec/evs.openapi.yaml`. */
export type SpecSet = Map<string, Json>;

export interface Problem {
  file: string;
  pointer: string;
  message: string;
}

export const formatProblem = (p: Problem) => `${p.file}#${p.pointer}: ${p.message}`;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const ROLE_TAGS = ["under-test", "support"];

/** Statuses the project commits to for the operations under test (from the two pages). */
export const REQUIRED_STATUSES: Record<string, string[]> = {
  detachVolume: ["202", "400", "401", "403", "404", "409", "415", "500"],
  detachServerVolume: ["200", "400", "401", "403", "404", "409", "500"],
};

export async function readSpecSet(dir = SPEC_DIR): Promise<SpecSet> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".openapi.yaml")).sort();
  const set: SpecSet = new Map();
  for (const f of files) set.set(`spec/${f}`, parse(await readFile(join(dir, f), "utf8")) as Json);
  return set;
}

export function lintSpecSet(set: SpecSet): Problem[] {
  return [...refProblems(set), ...operationProblems(set), ...exampleProblems(set)];
}

// --- JSON pointers and $ref resolution -------------------------------------------------

const escapeSegment = (segment: string | number) =>
  String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
export const pointerOf = (...segments: (string | number)[]) =>
  segments.map((s) => `/${escapeSegment(s)}`).join("");

function getAt(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  let node = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

interface Target {
  file: string;
  pointer: string;
  value: unknown;
}

/** Resolves a `$ref` written in `file`; a string says why it cannot be resolved. */
function resolveRef(set: SpecSet, file: string, ref: string): Target | string {
  const [path = "", fragment = ""] = ref.split("#", 2);
  const target = path === "" ? file : posix.join(posix.dirname(file), path);
  const doc = set.get(target);
  if (!doc) return `no document ${target}`;
  const value = getAt(doc, fragment);
  return value === undefined
    ? `nothing at ${target}#${fragment}`
    : { file: target, pointer: fragment, value };
}

/** Visits every object of `node` with its pointer. */
function walk(node: unknown, pointer: string, visit: (obj: Json, pointer: string) => void): void {
  if (node === null || typeof node !== "object") return;
  if (!Array.isArray(node)) visit(node as Json, pointer);
  for (const [key, child] of Object.entries(node)) walk(child, pointer + pointerOf(key), visit);
}

function refProblems(set: SpecSet): Problem[] {
  const problems: Problem[] = [];
  for (const [file, doc] of set) {
    walk(doc, "", (obj, pointer) => {
      if (typeof obj.$ref !== "string") return;
      const target = resolveRef(set, file, obj.$ref);
      if (typeof target === "string") {
        problems.push({ file, pointer, message: `dangling $ref "${obj.$ref}": ${target}` });
      }
    });
  }
  return problems;
}

// --- Operations ----------------------------------------------------------------------

export interface OperationSite {
  file: string;
  pointer: string;
  method: string;
  path: string;
  operation: Json;
}

export function operationsOf(set: SpecSet): OperationSite[] {
  const sites: OperationSite[] = [];
  for (const [file, doc] of set) {
    for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
      for (const method of METHODS) {
        const operation = item[method] as Json | undefined;
        if (!operation) continue;
        sites.push({ file, pointer: pointerOf("paths", path, method), method, path, operation });
      }
    }
  }
  return sites;
}

function operationProblems(set: SpecSet): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const { file, pointer, operation } of operationsOf(set)) {
    const at = (suffix: string, message: string) =>
      problems.push({ file, pointer: pointer + suffix, message });
    const id = operation.operationId;
    if (typeof id !== "string" || id === "") {
      at("", "operation has no operationId");
    } else if (seen.has(id)) {
      at("/operationId", `operationId "${id}" is already used at ${seen.get(id)}`);
    } else {
      seen.set(id, `${file}#${pointer}`);
    }
    const name = typeof id === "string" ? `"${id}"` : "operation";
    if (typeof operation.summary !== "string" || operation.summary === "") {
      at("", `${name} has no summary`);
    }
    if (typeof operation.description !== "string" || operation.description === "") {
      at("", `${name} has no description`);
    }
    const tags = Array.isArray(operation.tags) ? operation.tags : [];
    if (tags.filter((t) => ROLE_TAGS.includes(t)).length !== 1) {
      at("/tags", `${name} needs exactly one of the tags ${ROLE_TAGS.join(", ")}`);
    }
    const statuses = Object.keys((operation.responses ?? {}) as Json);
    for (const status of statuses.filter((s) => !/^[1-5]\d\d$/.test(s))) {
      at(pointerOf("responses", status), `${name}: response key "${status}" is not an HTTP status`);
    }
    if (!statuses.some((s) => s.startsWith("4"))) {
      at("/responses", `${name} documents no 4xx error response`);
    }
    for (const status of REQUIRED_STATUSES[id as string] ?? []) {
      if (!statuses.includes(status)) {
        at("/responses", `${name} does not document status ${status}`);
      }
    }
  }
  return problems;
}

// --- Examples ------------------------------------------------------------------------

/** One example and the schema it must satisfy. */
export interface ExampleSite {
  file: string;
  /** Where the example value sits (or the `$ref` to it). */
  pointer: string;
  /** Where its schema sits, in the same file. */
  schemaPointer: string;
  value: unknown;
}

// Keywords whose value is a subschema, or a list or map of subschemas.
const ONE = [
  "items",
  "not",
  "additionalProperties",
  "propertyNames",
  "contains",
  "if",
  "then",
  "else",
];
const MANY = ["allOf", "anyOf", "oneOf", "prefixItems", "properties", "patternProperties", "$defs"];

function schemaExamples(file: string, schema: unknown, pointer: string, out: ExampleSite[]) {
  if (schema === null || typeof schema !== "object") return;
  const s = schema as Json;
  if (Array.isArray(s.examples)) {
    for (const [i, value] of s.examples.entries()) {
      out.push({
        file,
        pointer: pointer + pointerOf("examples", i),
        schemaPointer: pointer,
        value,
      });
    }
  }
  for (const k of ONE) schemaExamples(file, s[k], pointer + pointerOf(k), out);
  for (const k of MANY) {
    for (const [key, sub] of Object.entries((s[k] ?? {}) as Json)) {
      schemaExamples(file, sub, pointer + pointerOf(k, key), out);
    }
  }
}

/** Every example in the set: media types, parameters and headers (`example`/`examples`), and schema `examples`. */
export function collectExamples(set: SpecSet): ExampleSite[] {
  const out: ExampleSite[] = [];
  for (const [file, doc] of set) {
    const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
    for (const [name, schema] of Object.entries(schemas)) {
      schemaExamples(file, schema, pointerOf("components", "schemas", name), out);
    }
    walk(doc, "", (obj, pointer) => {
      if (!("schema" in obj) || pointer.includes("/components/schemas/")) return;
      const schemaPointer = `${pointer}/schema`;
      schemaExamples(file, obj.schema, schemaPointer, out);
      if ("example" in obj) {
        out.push({ file, pointer: `${pointer}/example`, schemaPointer, value: obj.example });
      }
      for (const [name, example] of Object.entries((obj.examples ?? {}) as Record<string, Json>)) {
        const target =
          typeof example.$ref === "string"
            ? resolveRef(set, file, example.$ref)
            : { value: example };
        // A dangling example $ref is reported by refProblems.
        if (typeof target === "string") continue;
        const { value } = target.value as Json;
        out.push({ file, pointer: pointer + pointerOf("examples", name), schemaPointer, value });
      }
    });
  }
  return out;
}

const BASE = "https://contract.invalid/";

/** An ajv that knows every document of the set, so cross-file `$ref`s resolve. */
export function ajvFor(set: SpecSet) {
  // Strict, except that type unions (`[string, "null"]`) are allowed.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats.default(ajv);
  // Each whole document is registered as a schema so that `$ref`s resolve; ajv compiles its
  // root too, so the OpenAPI top-level fields must be known (annotation-only) keywords.
  ajv.addVocabulary(["openapi", "info", "servers", "security", "tags", "paths", "components"]);
  for (const [file, doc] of set) ajv.addSchema(doc, BASE + file);
  return (file: string, pointer: string) =>
    ajv.getSchema(`${BASE}${file}#${pointer.split("/").map(encodeURIComponent).join("/")}`);
}

export function exampleProblems(set: SpecSet, examples = collectExamples(set)): Problem[] {
  const schemaAt = ajvFor(set);
  const problems: Problem[] = [];
  for (const { file, pointer, schemaPointer, value } of examples) {
    let validate: ReturnType<typeof schemaAt>;
    try {
      validate = schemaAt(file, schemaPointer);
    } catch (error) {
      problems.push({
        file,
        pointer,
        message: `cannot compile its schema: ${(error as Error).message}`,
      });
      continue;
    }
    if (!validate) {
      problems.push({ file, pointer, message: `no schema at ${schemaPointer}` });
    } else if (!validate(value)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
      problems.push({
        file,
        pointer,
        message: `example violates its schema: ${errors.join("; ")}`,
      });
    }
  }
  return problems;
}
