import { documentedFor } from "./documented.ts";
import { validateSchema } from "./schema-validator.ts";
import { type Check, fail, pass } from "./types.ts";

export const documentedHeaders: Check = {
  name: "headers",
  description:
    "Every documented response header is present when required (by the documents or by the target's family, e.g. the request id) and well-formed.",
  run(input) {
    const { exchange } = input;
    const documented = documentedFor(input);
    const family = input.familyHeaders ?? [];
    if (!documented || (Object.keys(documented.headers).length === 0 && family.length === 0)) {
      return null;
    }
    const problems: string[] = [];
    const names = new Set([...Object.keys(documented.headers), ...family]);
    for (const name of names) {
      const { required = false, schema } = documented.headers[name] ?? {};
      const value = exchange.response.headers[name];
      if (value === undefined) {
        if (required) problems.push(`${name} missing`);
        else if (family.includes(name)) problems.push(`${name} missing (the family requires it)`);
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
