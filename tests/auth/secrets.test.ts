import { describe, expect, it } from "vitest";
import { isSecretName, SECRET_HEADERS } from "../../src/auth/secrets.ts";

describe("isSecretName", () => {
  it.each([
    "adminPass",
    "password",
    "Password",
    "secret",
    "token",
    "credential",
    "credentials",
    "x-subject-token",
    "X-Auth-Token",
    "user_password",
    "client_secret",
    "refresh_token",
    "my-password",
    "adminPassword",
    "xtoken",
  ])("names %s a secret", (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    "passwords",
    // OTC's access key id names the key; the secret key is the secret.
    "access_key",
    "Access_KEY",
    "tokens",
    "token_type",
    "access_token_type",
    "secret_sauce",
    "key",
    "keystone",
    "password_expires_at",
    "credentialsx",
    "server_id",
    "",
  ])("leaves %s alone", (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  it.each([
    "X-Auth-Token",
    "X-Subject-Token",
    "Authorization",
    "Cookie",
    "Set-Cookie",
    "X-Service-Token",
    "X-Sdk-Date",
    "X-Security-Token",
  ])("names the header %s a secret, in any case", (header) => {
    expect(SECRET_HEADERS).toContain(header.toLowerCase());
    expect(isSecretName(header)).toBe(true);
    expect(isSecretName(header.toLowerCase())).toBe(true);
  });

  it("leaves other headers alone", () => {
    for (const header of ["content-type", "x-openstack-request-id", "date", "location"]) {
      expect(isSecretName(header)).toBe(false);
    }
  });
});
