import { jsonBody } from "../transport/exchange.ts";
import { truncate } from "./body.ts";
import { type Check, fail, pass } from "./types.ts";

/** Fault names of the OpenStack error envelope (nova/cinder `wsgi.Fault`). */
export const FAULT_NAMES = [
  "error",
  "badRequest",
  "unauthorized",
  "forbidden",
  "itemNotFound",
  "badMethod",
  "conflictingRequest",
  "overLimit",
  "badMediaType",
  "notImplemented",
  "serviceUnavailable",
  "computeFault",
] as const;

export const errorEnvelope: Check = {
  name: "error_envelope",
  description:
    "An error body is one fault-name key holding `message` and `code`, with the expected fault name.",
  run({ exchange, expected }) {
    if (exchange.response.status < 400) return null;
    const body = jsonBody(exchange);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return fail(
        this.name,
        "the error body is not a JSON object",
        "{<fault>: {message, code}}",
        truncate(exchange.response.bodyText),
      );
    }
    const keys = Object.keys(body);
    const [fault] = keys;
    if (keys.length !== 1 || fault === undefined) {
      return fail(this.name, "the error body must have exactly one key", "1 key", keys.join(", "));
    }
    if (!(FAULT_NAMES as readonly string[]).includes(fault)) {
      return fail(this.name, `unknown fault name ${fault}`, FAULT_NAMES.join("|"), fault);
    }
    const inner = (body as Record<string, unknown>)[fault];
    const fields = typeof inner === "object" && inner !== null ? Object.keys(inner) : [];
    const missing = ["message", "code"].filter((field) => !fields.includes(field));
    if (missing.length > 0) {
      return fail(
        this.name,
        `${fault} lacks ${missing.join(" and ")}`,
        "message and code",
        fields.join(", ") || "(nothing)",
      );
    }
    if (expected.fault && fault !== expected.fault) {
      return fail(
        this.name,
        `fault ${fault} where the documentation gives ${expected.fault}`,
        expected.fault,
        fault,
      );
    }
    return pass(this.name, `fault ${fault} with message and code`);
  },
};
