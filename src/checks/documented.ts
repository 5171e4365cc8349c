import type { DocumentedResponse, OperationContract } from "../contract/load-spec.ts";
import type { CheckInput } from "./types.ts";

/** The fault envelope of spec/common.openapi.yaml: an error status's body unless told otherwise. */
const GENERAL_FAULT = "ErrorEnvelope";

const isSuccess = (status: number) => status >= 200 && status < 300;

/**
 * The response an answer is judged against, whatever its status: the documented one; for a
 * success status the operation does not document (Nova's 202 for the BMS page's 200), the
 * documented success's, so a stand-in still carries what the documented one carries; for an
 * error status the operation does not document, the schema the family's ledger accepts under
 * it, or else the general fault envelope, as JSON with the family's headers. Only an
 * undocumented 1xx or 3xx, or an operation that documents no success, is left unjudged.
 */
export function documentedFor({
  exchange,
  operation,
  acceptedBodies,
}: CheckInput): DocumentedResponse | undefined {
  const { status } = exchange.response;
  const documented = operation.responses.get(status);
  if (documented) return documented;
  if (isSuccess(status)) return documentedSuccess(operation);
  if (status < 400) return undefined;
  const name = acceptedBodies?.get(status) ?? GENERAL_FAULT;
  const schema = operation.sharedSchemas[name];
  if (!schema) {
    throw new Error(
      `no schema ${name} in spec/common.openapi.yaml for status ${status} of ${operation.operationId}; name one of ${Object.keys(operation.sharedSchemas).join(", ")}`,
    );
  }
  return {
    description: `status ${status}, not documented for ${operation.operationId}: ${name}`,
    schema,
    mediaTypes: ["application/json"],
    headers: {},
  };
}

function documentedSuccess(operation: OperationContract): DocumentedResponse | undefined {
  const success = [...operation.responses.keys()].filter(isSuccess).sort((a, b) => a - b)[0];
  return success === undefined ? undefined : operation.responses.get(success);
}
