// What a recording, report or log must never show verbatim. Keystone's token request carries the
// password in its body and answers with the token in a response header, so headers alone are not
// enough.

/** Request and response headers whose values are credentials (lower case). */
export const SECRET_HEADERS = [
  "x-auth-token",
  "x-subject-token",
  "authorization",
  "cookie",
  "set-cookie",
  "x-service-token",
] as const;

/** Dotted paths of JSON body fields that hold credentials (Keystone v3 `POST /auth/tokens`). */
export const SECRET_JSON_PATHS = [
  "auth.identity.password.user.password",
  "auth.identity.token.id",
] as const;
