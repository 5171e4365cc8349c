import { bodySchema, contentType } from "./body.ts";
import { errorEnvelope } from "./error-envelope.ts";
import { faultStatus } from "./fault-status.ts";
import { documentedHeaders } from "./headers.ts";
import { statusDocumented, statusExpected } from "./status.ts";
import type { Check, CheckInput, Finding } from "./types.ts";

/** Every response check, run on every exchange of an operation under test. */
export const RESPONSE_CHECKS: readonly Check[] = [
  statusDocumented,
  statusExpected,
  contentType,
  bodySchema,
  errorEnvelope,
  faultStatus,
  documentedHeaders,
];

/** The check that judges a resource's state after the call; its findings come from scenarios. */
export const FINAL_STATE_CHECK = "final_state";

export function runChecks(
  input: CheckInput,
  checks: readonly Check[] = RESPONSE_CHECKS,
): Finding[] {
  return checks.map((check) => check.run(input)).filter((finding) => finding !== null);
}
