import { describe, expect, it } from "vitest";
import {
  atVersions,
  baseIdOf,
  defineScenario,
  type Scenario,
  shortId,
} from "../../src/engine/scenario.ts";
import { matchesId, type Selection, select, selectsAll } from "../../src/engine/selection.ts";

function scenario(id: string, overrides: Partial<Scenario> = {}): Scenario {
  return defineScenario({
    id,
    title: `scenario ${id}`,
    operation: "detachVolume",
    category: "not-found",
    documented: "EVS error codes",
    expect: { status: 404 },
    arrange: async () => ({}),
    act: async () => {
      throw new Error("not run here");
    },
    ...overrides,
  });
}

const EVS = scenario("0826bd7a-0000-4000-8000-000000000001", { tags: ["smoke"] });
const BMS = scenario("1f2e3d4c-0000-4000-8000-000000000002", {
  operation: "detachServerVolume",
  category: "happy-path",
});
const VERSIONED = scenario("2a2a2a2a-0000-4000-8000-000000000003", {
  category: "happy-path",
  version: "3.0",
  tags: ["slow", "smoke"],
});
const CATALOG = [EVS, BMS, VERSIONED];

describe("shortId and baseIdOf", () => {
  it("shorten a case id to the UUID's first 8 digits and keep its version", () => {
    expect(shortId("0826bd7a-0000-4000-8000-000000000001")).toBe("0826bd7a");
    expect(shortId("0826bd7a-0000-4000-8000-000000000001@3.0")).toBe("0826bd7a@3.0");
    expect(baseIdOf("0826bd7a-0000@newest")).toBe("0826bd7a-0000");
    expect(baseIdOf("0826bd7a-0000")).toBe("0826bd7a-0000");
  });
});

describe("atVersions", () => {
  it("makes one case per version a scenario names, and leaves the others alone", () => {
    const versioned = scenario("3b3b3b3b-0000-4000-8000-000000000004", {
      versions: ["unversioned", "newest"],
    });
    const cases = atVersions([EVS, versioned]);
    expect(cases.map((c) => [c.id, c.baseId, c.version])).toEqual([
      [EVS.id, undefined, undefined],
      [`${versioned.id}@unversioned`, versioned.id, "unversioned"],
      [`${versioned.id}@newest`, versioned.id, "newest"],
    ]);
    expect(cases[0]).toBe(EVS);
    expect(cases[1]?.title).toBe(versioned.title);
  });

  it("names a version the operation does not have, and those it has", () => {
    const wrong = scenario("4c4c4c4c-0000-4000-8000-000000000005", {
      versions: ["legacy-v2", "3.0"],
    });
    expect(() => atVersions([wrong])).toThrow(
      "scenario 4c4c4c4c-0000-4000-8000-000000000005 names version legacy-v2, which detachVolume does not have (it has unversioned, 3.0, newest)",
    );
    const twice = { ...wrong, operation: "detachServerVolume" as const, versions: ["3.0", "9.9"] };
    expect(() => atVersions([twice as Scenario])).toThrow(
      "names version 3.0, 9.9, which detachServerVolume does not have (it has unversioned, newest, legacy-v2)",
    );
  });
});

describe("select", () => {
  const ids = (selection: Parameters<typeof select>[1]) =>
    select(CATALOG, selection).map((s) => shortId(s.id));

  it("selects everything without a filter, empty filters included", () => {
    expect(ids({})).toEqual(["0826bd7a", "1f2e3d4c", "2a2a2a2a"]);
    expect(ids({ ids: [], tags: [], operations: [], categories: [], versions: [] })).toEqual([
      "0826bd7a",
      "1f2e3d4c",
      "2a2a2a2a",
    ]);
  });

  it("matches ids by prefix of the full or the short id", () => {
    expect(ids({ ids: ["0826"] })).toEqual(["0826bd7a"]);
    expect(ids({ ids: ["1f2e3d4c-0000", "2a2a"] })).toEqual(["1f2e3d4c", "2a2a2a2a"]);
    expect(ids({ ids: ["0000"] })).toEqual([]);
    expect(matchesId({ ...EVS, id: `${EVS.id}@3.0` }, "0826bd7a@3")).toBe(true);
    expect(matchesId(EVS, "0826bd7a@3")).toBe(false);
  });

  it("filters by tag, operation, category and version, all of them at once", () => {
    expect(ids({ tags: ["smoke"] })).toEqual(["0826bd7a", "2a2a2a2a"]);
    expect(ids({ tags: ["slow", "none"] })).toEqual(["2a2a2a2a"]);
    expect(ids({ operations: ["detachServerVolume"] })).toEqual(["1f2e3d4c"]);
    expect(ids({ categories: ["happy-path"] })).toEqual(["1f2e3d4c", "2a2a2a2a"]);
    expect(ids({ versions: ["3.0"] })).toEqual(["2a2a2a2a"]);
    expect(ids({ versions: ["unversioned"] })).toEqual(["0826bd7a", "1f2e3d4c"]);
    expect(ids({ categories: ["happy-path"], tags: ["smoke"] })).toEqual(["2a2a2a2a"]);
    expect(ids({ operations: ["detachVolume"], ids: ["1f2e"] })).toEqual([]);
  });
});

describe("selectsAll", () => {
  it("is true only when no filter has an entry", () => {
    expect(selectsAll({})).toBe(true);
    expect(selectsAll({ ids: [], tags: [] })).toBe(true);
    expect(selectsAll({ tags: ["smoke"] })).toBe(false);
    expect(selectsAll({ ids: [], versions: ["3.0"] })).toBe(false);
    // As options parsers give them: a filter that was not given at all.
    expect(selectsAll({ ids: undefined, tags: ["smoke"] } as unknown as Selection)).toBe(false);
    expect(selectsAll({ ids: undefined } as unknown as Selection)).toBe(true);
  });
});
