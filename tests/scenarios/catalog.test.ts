import { describe, expect, it } from "vitest";
import { CATALOG } from "./catalog.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("scenario catalog", () => {
  it("gives every scenario a unique UUID and a unique title", () => {
    const ids = CATALOG.map((s) => s.id);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(CATALOG.map((s) => s.title)).size).toBe(CATALOG.length);
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
