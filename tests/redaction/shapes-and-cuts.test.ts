import { describe, expect, it } from "vitest";
import { truncate } from "../../src/checks/body.ts";
import { REDACTED, Redactor, renderRedacted } from "../../src/redaction/redact.ts";

// Credentials found by their shape, never learned; and secrets cut short by `truncate` before
// the redactor saw them.

const FERNET = "gAAAAABpZ2V0LXRva2VuLWV4YW1wbGUtMDEyMzQ1Njc4OWFiY2RlZg==";
const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtZW1iZXIiLCJleHAiOjE4OTN9.c2lnbmF0dXJlLWJ5dGVz";
const PEM =
  "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAexample\n-----END RSA PRIVATE KEY-----";
const HMAC =
  "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=host;x-sdk-date, Signature=0a1b2c3d4e5f6789";

describe("credential shapes", () => {
  it.each([
    ["a Keystone Fernet token", `token ${FERNET} expired`, FERNET],
    ["a Fernet token URL-encoded", `?t=${FERNET.replace(/=/g, "%3D")}&x=1`, "%3D"],
    ["a JSON web token", `?assertion=${JWT}&x=1`, JWT],
    ["a PEM private key", `{"private_key": ${JSON.stringify(PEM)}}`, "MIIEowIBAAKCAQEA"],
    ["a PEM private key cut short", `key: ${PEM.slice(0, 50)}…`, "MIIEow"],
    ["an AK/SK authorization", `{"authorization":"${HMAC}"}`, "0a1b2c3d4e5f6789"],
    ["HTTP Basic credentials", "Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"],
  ])("replace %s wherever it appears", (_what, text, credential) => {
    const redacted = new Redactor().text(text);
    expect(redacted).toContain(REDACTED);
    expect(redacted).not.toContain(credential);
  });

  it.each([
    "Basic authentication is required",
    "The request you have made requires authentication.",
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----",
    '{"token":{"expires_at":"2030-01-01T00:00:00.000000Z","methods":["password"]}}',
  ])("leave text alone that only resembles one: %s", (text) => {
    expect(new Redactor().text(text)).toBe(text);
  });
});

describe("a secret cut short by truncate", () => {
  const secret = 'canary-"Sécret"-0123456789';

  it("leaves no head of it before the cut, at any cut, as is or JSON-escaped", () => {
    const redactor = new Redactor();
    redactor.remember(secret);
    for (const written of [secret, JSON.stringify(secret).slice(1, -1)]) {
      for (let cut = 1; cut < written.length; cut++) {
        const shown = redactor.text(truncate(`${"x".repeat(200 - cut)}${written} tail`));
        const head = written.slice(0, Math.min(cut, 4));
        // Heads shorter than four characters would shred ordinary text and hide nothing.
        expect(shown, `cut after ${cut}`).toBe(
          cut < 4
            ? `${"x".repeat(200 - cut)}${head.slice(0, cut)}…`
            : `${"x".repeat(200 - cut)}${REDACTED}…`,
        );
      }
    }
  });

  it("leaves no head of it in a report of a finding that shows a truncated body", () => {
    const body = JSON.stringify({ message: `${"m".repeat(170)} password ${secret}` });
    const outcome = {
      exchanges: [
        {
          request: { method: "POST", url: "http://127.0.0.1:5000/login", headers: {} },
          response: { status: 400, headers: {}, bodyText: body },
        },
      ],
      checks: [{ name: "body_schema", actual: truncate(body) }],
    };
    const report = renderRedacted([outcome], [secret], (clean) => JSON.stringify(clean));
    expect(report).toContain(`password ${REDACTED}…`);
    expect(report).not.toContain("canary");
  });

  it("keeps text before a cut that holds no head of a secret", () => {
    const redactor = new Redactor();
    redactor.remember(secret);
    expect(redactor.text(truncate("y".repeat(300)))).toBe(`${"y".repeat(200)}…`);
  });
});

describe("JSON inside a JSON string", () => {
  it("has a secret-named field replaced, however short its value", () => {
    const redactor = new Redactor();
    const body = JSON.stringify({ fault: JSON.stringify({ adminPass: "pw1", name: "kept" }) });
    expect(JSON.parse(JSON.parse(redactor.value(body)).fault)).toEqual({
      adminPass: REDACTED,
      name: "kept",
    });
  });

  it("teaches the secret it names, found later in any spelling", () => {
    const redactor = new Redactor();
    redactor.learnValue({ detail: JSON.stringify({ password: 'nested "pw" 42' }) });
    const twice = JSON.stringify(JSON.stringify({ echo: 'nested "pw" 42' }));
    expect(redactor.text(twice)).toBe(JSON.stringify(JSON.stringify({ echo: REDACTED })));
  });
});
