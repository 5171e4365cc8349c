import { CUT } from "../redaction/spans.ts";
import { jsonBody } from "../transport/exchange.ts";
import { documentedFor } from "./documented.ts";
import { validateSchema } from "./schema-validator.ts";
import { type Check, fail, pass } from "./types.ts";

const mediaType = (header: string | undefined) => header?.split(";")[0]?.trim().toLowerCase();

export const contentType: Check = {
  name: "content_type",
  description: "A response with a body declares one of the documented media types.",
  run(input) {
    const { exchange } = input;
    const documented = documentedFor(input);
    if (!documented || exchange.response.bodyText === "" || documented.mediaTypes.length === 0) {
      return null;
    }
    const actual = mediaType(exchange.response.headers["content-type"]);
    return actual && documented.mediaTypes.includes(actual)
      ? pass(this.name, `content type ${actual}`)
      : fail(
          this.name,
          `content type ${actual ?? "(none)"} is not documented for status ${exchange.response.status}`,
          documented.mediaTypes.join(" or "),
          actual ?? "(none)",
        );
  },
};

export const bodySchema: Check = {
  name: "body_schema",
  description:
    "The body conforms to the documented schema for its status, or is empty where none is allowed.",
  run(input) {
    const { exchange } = input;
    const { status, bodyText } = exchange.response;
    const documented = documentedFor(input);
    if (!documented) return null;
    if (!documented.schema) {
      return bodyText === ""
        ? pass(this.name, "no body, as documented")
        : fail(
            this.name,
            `a body where the contract allows none for status ${status}`,
            "empty body",
            truncate(bodyText),
          );
    }
    const body = jsonBody(exchange);
    if (body === undefined) {
      return fail(this.name, `status ${status} needs a JSON body`, "JSON", truncate(bodyText));
    }
    const errors = validateSchema(documented.schema, body);
    return errors.length === 0
      ? pass(this.name, `body conforms to the schema for ${status}`)
      : fail(
          this.name,
          `body does not conform to the schema for ${status}: ${errors.join("; ")}`,
          "the documented schema",
          errors.join("; "),
        );
  },
};

/**
 * At most `max` characters and the cut mark. A secret cut in two is not yet redacted here; the
 * redactor knows the mark and removes the head of a secret left before it.
 */
export function truncate(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}${CUT}`;
}
