import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

// One validator for the whole run: the contract's schemas are compiled once and reused.
// `verbose` keeps the offending value, so that a type error can say what came instead.
const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
addFormats.default(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

/** Validates `value` against a JSON Schema 2020-12; returns readable errors (empty when valid). */
export function validateSchema(schema: object, value: unknown): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "body" : error.instancePath;
  let extra = "";
  if (error.keyword === "additionalProperties") {
    extra = ` (${String((error.params as { additionalProperty: string }).additionalProperty)})`;
  } else if (error.keyword === "type") {
    // "must be string, got integer": a known deviation can then name the one type it accepts.
    extra = `, got ${jsonType(error.data)}`;
  }
  return `${where} ${error.message ?? error.keyword}${extra}`;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}
