import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_TARGET_FILE } from "../../src/config/description.ts";
import { CASSETTE_DIR } from "../../src/paths.ts";
import { cassetteCredentials, jsonFilesUnder } from "../support/cassette-secrets.ts";

/** The project's own target, whose passwords the cassettes were recorded with, when it runs here. */
function localTarget(): unknown[] {
  return existsSync(DEFAULT_TARGET_FILE)
    ? [JSON.parse(readFileSync(DEFAULT_TARGET_FILE, "utf8"))]
    : [];
}

describe("committed cassettes", () => {
  it("exist for the catalog", () => {
    expect(jsonFilesUnder(CASSETTE_DIR).length).toBeGreaterThan(20);
  });

  it("hold no credential: by key, by shape, nor any learned secret", () => {
    expect(cassetteCredentials(CASSETTE_DIR, localTarget())).toEqual([]);
  });

  it("catch a create-server answer whose adminPass was left in, with its echo elsewhere", () => {
    const dir = mkdtempSync(join(tmpdir(), "planted-"));
    try {
      const source = join(CASSETTE_DIR, "bms");
      const name = jsonFilesUnder(source)[0] as string;
      const cassette = JSON.parse(readFileSync(name, "utf8"));
      const secret = "Planted-Root-Pw-4c1e";
      cassette.exchanges.push({
        operationId: "createServer",
        request: { method: "POST", url: "http://127.0.0.1:8774/v2.1/servers", headers: {} },
        response: { status: 202, headers: {}, body: { server: { id: "s1", adminPass: secret } } },
      });
      // The same password echoed in a console log, where no key names it.
      cassette.values.console = `root password is ${secret}`;
      mkdirSync(join(dir, "bms"));
      writeFileSync(join(dir, "bms", "planted.json"), JSON.stringify(cassette, null, 2));
      const problems = cassetteCredentials(dir);
      expect(problems).toEqual([
        expect.stringMatching(
          /planted\.json: \.exchanges\.\d+\.response\.body\.server\.adminPass is not REDACTED$/,
        ),
        expect.stringMatching(/planted\.json: holds a value learned as a secret$/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("catch a token by its shape and a known password by value", () => {
    const dir = mkdtempSync(join(tmpdir(), "planted-"));
    try {
      writeFileSync(
        join(dir, "session.json"),
        JSON.stringify({ note: "gAAAAABplantedFernetToken0123456789", hint: "pw%3DKnown-Pass-99" }),
      );
      expect(cassetteCredentials(dir, ["pw=Known-Pass-99"])).toEqual([
        expect.stringMatching(/session\.json: holds a Keystone Fernet token$/),
        expect.stringMatching(/session\.json: holds a value learned as a secret$/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
