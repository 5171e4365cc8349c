import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { liveTargetUp } from "../support/live-target.ts";

describe("liveTargetUp", () => {
  const dir = mkdtempSync(join(tmpdir(), "live-target-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("skips without the target's description, and fails instead when CI requires it", () => {
    const missing = join(dir, "target.json");
    expect(liveTargetUp({}, missing)).toBe(false);
    expect(() => liveTargetUp({ CONFORMANCE_REQUIRE_TARGET: "1" }, missing)).toThrow(
      `CONFORMANCE_REQUIRE_TARGET=1, but ${missing} is missing`,
    );
    writeFileSync(missing, "{}");
    expect(liveTargetUp({ CONFORMANCE_REQUIRE_TARGET: "1" }, missing)).toBe(true);
  });
});
