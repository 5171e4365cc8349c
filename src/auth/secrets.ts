// What a recording, report or log must never show verbatim. Keystone's token request carries the
// password in its body and answers with the token in a response header; Nova's create-server
// answer carries the new server's `adminPass`. Headers alone are not enough, nor are requests.

/** Request and response headers whose values are credentials (lower case). */
export const SECRET_HEADERS = [
  "x-auth-token",
  "x-subject-token",
  "authorization",
  "cookie",
  "set-cookie",
  "x-service-token",
  // OTC's AK/SK signing: the date is part of what the signature covers.
  "x-sdk-date",
  "x-security-token",
] as const;

/** Dotted paths of JSON body fields that hold credentials (Keystone v3 `POST /auth/tokens`). */
export const SECRET_JSON_PATHS = [
  "auth.identity.password.user.password",
  "auth.identity.token.id",
] as const;

/**
 * JSON keys whose string values are credentials, in requests and responses alike: `adminPass`,
 * `password`, `*_password`, `secret`, `*_secret`, `token`, `*_token`, `*_key`, `credential`.
 */
const SECRET_KEY =
  /^(adminpass|password|secret|token|credentials?|x-subject-token|x-auth-token)$|_(password|secret|token|key)$/i;

/** Whether a JSON key or a header names a secret. */
export function isSecretName(name: string): boolean {
  return (
    SECRET_KEY.test(name) || (SECRET_HEADERS as readonly string[]).includes(name.toLowerCase())
  );
}
