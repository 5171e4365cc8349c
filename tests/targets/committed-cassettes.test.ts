import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECRET_HEADERS } from "../../src/auth/secrets.ts";
import { CASSETTE_DIR } from "../../src/paths.ts";
import { REDACTED } from "../../src/redaction/redact.ts";

function cassetteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? cassetteFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Every string value under a key named `name`, anywhere in a parsed JSON document. */
function valuesOf(value: unknown, name: string): unknown[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key.toLowerCase() === name ? [inner, ...valuesOf(inner, name)] : valuesOf(inner, name),
  );
}

describe("committed cassettes", () => {
  const files = cassetteFiles(CASSETTE_DIR);

  it("exist for the catalog", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files)("%s holds no credential", (file) => {
    const text = readFileSync(file, "utf8");
    const cassette: unknown = JSON.parse(text);
    for (const name of [...SECRET_HEADERS, "password"]) {
      // Keystone's `identity.password` is an object holding the user; only strings are secrets.
      for (const value of valuesOf(cassette, name).filter((v) => typeof v === "string")) {
        expect(value, `${file}: ${name}`).toBe(REDACTED);
      }
    }
    // Keystone's Fernet tokens start with gAAAAA; none may appear anywhere, e.g. echoed in a body.
    expect(text).not.toMatch(/gAAAAA[\w-]{20,}/);
  });
});
