import { describe, expect, it } from "vitest";
import { VERSIONS_OF } from "../../src/clients/versions.ts";
import { atVersions, defineScenario } from "../../src/engine/scenario.ts";
import { CATALOG } from "./catalog.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("scenario catalog", () => {
  const scenarios = CATALOG.filter((s) => !s.version || s.version === s.versions?.[0]);

  it("gives every scenario a unique UUID and a unique title", () => {
    const ids = scenarios.map((s) => s.baseId ?? s.id);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(scenarios.map((s) => s.title)).size).toBe(scenarios.length);
    expect(ids.length).toBeGreaterThanOrEqual(45);
  });

  it("runs a versioned scenario once per version, as <id>@<version>, at versions its operation has", () => {
    const cases = CATALOG.filter((s) => s.version);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(c.id).toBe(`${c.baseId}@${c.version}`);
      expect(c.versions).toContain(c.version);
      expect(VERSIONS_OF[c.operation]).toContain(c.version);
    }
    expect(new Set(CATALOG.map((s) => s.id)).size).toBe(CATALOG.length);
    // Each operation is called at every version it has somewhere in the catalog.
    for (const [operation, versions] of Object.entries(VERSIONS_OF)) {
      const seen = new Set(cases.filter((c) => c.operation === operation).map((c) => c.version));
      expect([...seen].sort(), operation).toEqual([...versions].sort());
    }
  });

  it("refuses a version its operation does not have, naming the ones it has", () => {
    const scenario = defineScenario({
      ...CATALOG[0],
      id: "00000000-0000-4000-8000-000000000000",
      operation: "detachVolume",
      versions: ["legacy-v2"],
    } as Parameters<typeof defineScenario>[0]);
    expect(() => atVersions([scenario])).toThrow(
      "names version legacy-v2, which detachVolume does not have (it has unversioned, 3.0, newest)",
    );
  });

  it.each([
    [
      "detachVolume",
      ["happy-path", "missing-attachment-id", "not-found", "wrong-state", "malformed-body"],
    ],
    ["detachServerVolume", ["happy-path", "not-found", "wrong-state"]],
  ])("covers every category that applies to %s", (operation, categories) => {
    const covered = new Set(
      CATALOG.filter((s) => s.operation === operation).map((s) => s.category),
    );
    expect([...covered].sort()).toEqual(expect.arrayContaining(categories));
  });

  it("states what the documentation says for each case", () => {
    for (const s of CATALOG) expect(s.documented.length, s.id).toBeGreaterThan(20);
  });
});
