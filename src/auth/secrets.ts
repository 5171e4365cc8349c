// What a recording, report or log must never show verbatim. Keystone's token request carries the
// password in its body and answers with the token in a response header; Nova's create-server
// answer carries the new server's `adminPass`; OTC's temporary credentials carry an SK and a
// `securitytoken`. Headers alone are not enough, nor are requests.

/** Request and response headers whose values are credentials (lower case). */
export const SECRET_HEADERS = [
  "x-auth-token",
  "x-subject-token",
  "x-auth-key",
  "x-storage-token",
  "authorization",
  "proxy-authorization",
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
 * How the name of a secret ends, once case is folded and `_`, `-`, `.` and spaces are dropped:
 * `adminPass`, `db_password`, `X-Auth-Key`, `securitytoken`, `secret_access_key`. Names that
 * only start with such a word stay (`token_expires_at`, `password_expires_at`).
 */
export const SECRET_NAME_ENDINGS = [
  "password",
  "passwd",
  "passcode",
  "passphrase",
  "adminpass",
  "secret",
  "token",
  "tokenid",
  "credential",
  "credentials",
  "apikey",
  "authkey",
  "secretkey",
  "secretaccesskey",
  "privatekey",
  "signature",
  "authorization",
  "cookie",
] as const;

/** Whole names of a secret too short to be matched as an ending: OTC's SK (its AK is an id). */
const SECRET_NAMES: readonly string[] = ["sk"];

/**
 * Keys ending in a separate word `key` hold a key (`abc_key`, `ssh-key`), except those that name
 * something public or an identifier: the AK of AK/SK, a key pair's public half.
 */
const KEY_SUFFIX = /[_\-. ]key$/i;
const PUBLIC_KEYS: readonly string[] = ["accesskey", "publickey"];

/** One test for every ending: the redactor asks this of every key it walks. */
const SECRET_ENDING = new RegExp(`(?:${SECRET_NAME_ENDINGS.join("|")})$`);

/** Keys repeat in every exchange: each verdict is kept, up to a bound against odd inputs. */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 10_000;

/** Whether a JSON key or a header names a secret. */
export function isSecretName(name: string): boolean {
  let verdict = verdicts.get(name);
  if (verdict === undefined) {
    verdict = namesSecret(name);
    if (verdicts.size < MAX_VERDICTS) verdicts.set(name, verdict);
  }
  return verdict;
}

function namesSecret(name: string): boolean {
  const lower = name.toLowerCase();
  const normal = lower.replace(/[_\-. ]/g, "");
  return (
    SECRET_ENDING.test(normal) ||
    SECRET_NAMES.includes(normal) ||
    (SECRET_HEADERS as readonly string[]).includes(lower) ||
    (KEY_SUFFIX.test(name) && !PUBLIC_KEYS.includes(normal))
  );
}
