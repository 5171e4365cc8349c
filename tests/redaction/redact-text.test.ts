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

  it("leaves no piece of either of two secrets that overlap in the text", () => {
    // Removing the longer one first would leave "abcd", the head of the shorter one.
    expect(redactSecrets("xxabcdefghijklmnopyy", ["abcdefgh", "efghijklmnop"])).toBe(
      `xx${REDACTED}yy`,
    );
  });

  it("finds secrets whose spelling holds characters that mean something in a pattern", () => {
    expect(redactSecrets("a (x+y)*[z]? b", ["(x+y)*[z]?"])).toBe(`a ${REDACTED} b`);
  });

  it("leaves the text alone for empty and very short values", () => {
    expect(redactSecrets("a b c", ["", "a"])).toBe("a b c");
  });
});
