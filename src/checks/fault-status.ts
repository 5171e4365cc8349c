import { jsonBody } from "../transport/exchange.ts";
import { type Check, fail, pass } from "./types.ts";

/**
 * The fault name each error status carries (spec/common.openapi.yaml, ErrorEnvelope: "400
 * `badRequest`, 401 `unauthorized`, … anything else `computeFault`"). The EVS page's general
 * name `error` fits any status.
 */
export function faultForStatus(status: number): string {
  const named: Record<number, string> = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
  };
  return named[status] ?? "computeFault";
}

export const faultStatus: Check = {
  name: "fault_status",
  description:
    "An error envelope's fault name is the one of its status (or the general `error`), so a status and its fault never tell two stories.",
  run({ exchange }) {
    const { status } = exchange.response;
    if (status < 400) return null;
    const body = jsonBody(exchange);
    // A body that is no envelope is error_envelope's and body_schema's to report.
    if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
    const keys = Object.keys(body);
    const [fault] = keys;
    if (keys.length !== 1 || fault === undefined) return null;
    const fitting = faultForStatus(status);
    return fault === fitting || fault === "error"
      ? pass(this.name, `fault ${fault} fits status ${status}`)
      : fail(
          this.name,
          `fault ${fault} on status ${status}, which carries ${fitting}`,
          `${fitting} (or error) on ${status}`,
          `${fault} on ${status}`,
        );
  },
};
