import type { DocumentedResponse } from "../contract/load-spec.ts";
import type { CheckInput } from "./types.ts";

const isSuccess = (status: number) => status >= 200 && status < 300;

/**
 * The documented response an answer is judged against: the one of its status; or, for a
 * success status the operation does not document where the case expects a documented one
 * (Nova's 202 for the BMS page's 200, a known deviation), the expected success's. A stand-in
 * status still has to carry what the documented one carries: no body, well-formed headers.
 */
export function documentedFor({
  exchange,
  operation,
  expected,
}: CheckInput): DocumentedResponse | undefined {
  const { status } = exchange.response;
  const documented = operation.responses.get(status);
  if (documented || !isSuccess(status) || !isSuccess(expected.status)) return documented;
  return operation.responses.get(expected.status);
}
