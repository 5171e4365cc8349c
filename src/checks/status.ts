import { type Check, fail, pass } from "./types.ts";

export const statusDocumented: Check = {
  name: "status_documented",
  description: "The response status is one the contract documents for this operation.",
  run({ exchange, operation }) {
    const status = exchange.response.status;
    const documented = [...operation.responses.keys()].sort();
    return documented.includes(status)
      ? pass(this.name, `${status} is documented for ${operation.operationId}`)
      : fail(
          this.name,
          `${status} is not documented for ${operation.operationId}`,
          `one of ${documented.join(", ")}`,
          String(status),
        );
  },
};

export const statusExpected: Check = {
  name: "status_expected",
  description: "The response status is the one the documentation gives for this case.",
  run({ exchange, expected }) {
    const status = exchange.response.status;
    return status === expected.status
      ? pass(this.name, `status ${status} as documented for this case`)
      : fail(
          this.name,
          `status ${status} where the documentation gives ${expected.status} for this case`,
          String(expected.status),
          String(status),
        );
  },
};
