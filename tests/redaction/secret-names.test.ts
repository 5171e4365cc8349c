import { describe, expect, it } from "vitest";
import { isSecretName } from "../../src/auth/secrets.ts";
import { REDACTED, Redactor } from "../../src/redaction/redact.ts";

// One row per way a name can say "secret": dropping any ending or header from src/auth/secrets.ts
// fails its row. The value is short, so only the name can have it replaced.
const SECRET = [
  ["password", "adminPassword"],
  ["password", "db_password"],
  ["passwd", "passwd"],
  ["passcode", "passcode"],
  ["passphrase", "keyPassphrase"],
  ["adminpass", "adminPass"],
  ["secret", "secret"],
  ["secret", "client-secret"],
  ["token", "token"],
  ["token", "securitytoken"],
  ["token", "X-Storage-Token"],
  ["tokenid", "tokenId"],
  ["credential", "credential"],
  ["credentials", "credentials"],
  ["credentials", "userCredentials"],
  ["apikey", "apiKey"],
  ["authkey", "authKey"],
  ["secretkey", "secretKey"],
  ["secretaccesskey", "secretAccessKey"],
  ["privatekey", "privateKey"],
  ["signature", "Signature"],
  ["authorization", "x_proxy_authorization"],
  ["cookie", "sessionCookie"],
  ["OTC's SK", "SK"],
  ["a separate word key", "abc_key"],
  ["a separate word key", "ssh-key"],
  ["header", "X-Auth-Key"],
  ["header", "Proxy-Authorization"],
  ["header", "x-sdk-date"],
] as const;

// Names that merely contain a secret word, or that name an identifier or something public.
const HARMLESS = [
  "expires_at",
  "token_expires_at",
  "password_expires_at",
  "tokens_issued",
  "secret_ref",
  "credential_id",
  "key_name",
  "access",
  "ak",
  "access_key",
  "accessKeyId",
  "public_key",
  "monkey",
  "x-openstack-request-id",
  "name",
];

describe("secret names", () => {
  it.each(SECRET)("are named by %s: %s", (_why, name) => {
    expect(isSecretName(name)).toBe(true);
    expect(new Redactor().value({ [name]: "v1", name: "kept" })).toEqual({
      [name]: REDACTED,
      name: "kept",
    });
  });

  it.each(HARMLESS)("leave %s alone", (name) => {
    expect(isSecretName(name)).toBe(false);
    expect(new Redactor().value({ [name]: "v1" })).toEqual({ [name]: "v1" });
  });

  it("redact OTC's temporary credentials but the AK, the id they sign with", () => {
    const answer = {
      credential: {
        access: "AKIDEXAMPLE0123",
        secret: "sk-0123456789abcdef",
        securitytoken: "gQpjbi1ub3J0aC00example",
        expires_at: "2030-01-01T00:00:00.000000Z",
      },
    };
    expect(new Redactor().value(answer)).toEqual({
      credential: {
        access: "AKIDEXAMPLE0123",
        secret: REDACTED,
        securitytoken: REDACTED,
        expires_at: "2030-01-01T00:00:00.000000Z",
      },
    });
  });
});
