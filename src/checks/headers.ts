import { documentedFor } from "./documented.ts";
import { validateSchema } from "./schema-validator.ts";
import { type Check, fail, pass } from "./types.ts";

export const documentedHeaders: Check = {
  name: "headers",
  description: "Every documented response header (e.g. the request id) is present and well-formed.",
  run(input) {
    const { exchange } = input;
    const documented = documentedFor(input);
    if (!documented || Object.keys(documented.headers).length === 0) return null;
    const problems: string[] = [];
    for (const [name, { required, schema }] of Object.entries(documented.headers)) {
      const value = exchange.response.headers[name];
      if (value === undefined) {
        if (required) problems.push(`${name} missing`);
      } else if (schema && validateSchema(schema, value).length > 0) {
        problems.push(`${name}: ${value} does not match its schema`);
      }
    }
    return problems.length === 0
      ? pass(this.name, "documented headers present")
      : fail(
          this.name,
          `response headers: ${problems.join("; ")}`,
          "documented headers",
          problems.join("; "),
        );
  },
};
