import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isSecretName } from "../../src/auth/secrets.ts";
import { REDACTED, Redactor } from "../../src/redaction/redact.ts";
import { readings, sighting } from "./scan.ts";

/** Strings that are credentials by their shape alone, whatever key or header holds them. */
const SECRET_SHAPES: [string, RegExp][] = [
  ["Keystone Fernet token", /gAAAAA[\w-]{20,}/],
  ["JSON web token", /eyJ[\w-]{8,}\.eyJ[\w-]{8,}/],
  ["HTTP Basic or Bearer credentials", /\b(Basic|Bearer) [A-Za-z0-9+/=._-]{8,}/],
  ["OTC AK/SK signature", /SDK-HMAC-SHA256/],
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

export function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? jsonFilesUnder(join(dir, entry.name))
      : entry.name.endsWith(".json")
        ? [join(dir, entry.name)]
        : [],
  );
}

/** `path: value` of every string under a secret-naming key that is not REDACTED. */
function unredacted(value: unknown, path: string): string[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const at = `${path}.${key}`;
    if (isSecretName(key) && typeof inner === "string") {
      return inner === REDACTED ? [] : [`${at} is not ${REDACTED}`];
    }
    // A body stored as text may still be JSON with a secret in it.
    if (typeof inner === "string" && /^\s*[{[]/.test(inner)) {
      try {
        return unredacted(JSON.parse(inner), at);
      } catch {
        return [];
      }
    }
    return unredacted(inner, at);
  });
}

/**
 * Every credential in the cassettes under `dir`, one line each: a secret-naming key (in any
 * header or body, request or response) whose value is not REDACTED, a value shaped like a
 * credential, and any value learned as a secret (from the cassettes themselves and from
 * `sources`: secret strings, or documents such as a target description to learn them from)
 * wherever and however it is spelled, as the leak scan's detector reads it.
 */
export function cassetteCredentials(dir: string, sources: unknown[] = []): string[] {
  const files = jsonFilesUnder(dir).map((file) => ({ file, text: readFileSync(file, "utf8") }));
  const redactor = new Redactor();
  for (const source of sources) {
    if (typeof source === "string") redactor.remember(source);
    else redactor.learnValue(source);
  }
  const problems: string[] = [];
  for (const { file, text } of files) {
    // `values` maps a scenario's labels to the ids it generated: a label such as
    // `invalid-token` names no field of any API, so only its value is searched, below.
    const { values: _labelled, ...fields } = JSON.parse(text);
    redactor.learnValue(fields);
    problems.push(...unredacted(fields, "").map((problem) => `${file}: ${problem}`));
    for (const [name, shape] of SECRET_SHAPES) {
      if (shape.test(text)) problems.push(`${file}: holds a ${name}`);
    }
  }
  const secrets = redactor.known();
  for (const { file, text } of files) {
    const read = readings(text);
    if (secrets.some((secret) => sighting(read, secret))) {
      problems.push(`${file}: holds a value learned as a secret`);
    }
  }
  return problems;
}
