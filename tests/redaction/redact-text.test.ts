import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets } from "../../src/redaction/redact.ts";

describe("redactSecrets", () => {
  it("replaces every occurrence of each known secret", () => {
    expect(
      redactSecrets("token abcd1234, again abcd1234; pw hunter22", ["abcd1234", "hunter22"]),
    ).toBe(`token ${REDACTED}, again ${REDACTED}; pw ${REDACTED}`);
  });

  it("also finds a secret as a JSON string spells it", () => {
    const secret = 'pa"ss\\wörd';
    const json = JSON.stringify({ echo: secret });
    expect(redactSecrets(json, [secret])).toBe(`{"echo":"${REDACTED}"}`);
  });

  it("leaves the text alone for empty and very short values", () => {
    expect(redactSecrets("a b c", ["", "a"])).toBe("a b c");
  });
});
