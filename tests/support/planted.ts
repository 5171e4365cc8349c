import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CASSETTE_DIR } from "../../src/paths.ts";
import type { Cassette } from "../../src/targets/cassette.ts";

/** "EVS detach of an unknown volume": documented 404, planted to answer 200 with a body. */
export const PLANTED_ID = "610204e4-4a39-4341-97f3-e513142b1fcb@unversioned";
export const PLANTED_BODY = { volume: { id: "planted-volume", status: "in-use" } };

/**
 * A copy of the committed cassettes in which one scenario's call under test answers 200 with
 * a body instead of the recorded 404: a failure every replay of the copy reproduces.
 */
export function plantFailure(): string {
  const dir = mkdtempSync(join(tmpdir(), "conformance-planted-"));
  cpSync(CASSETTE_DIR, dir, { recursive: true });
  const path = join(dir, "evs", `${PLANTED_ID}.json`);
  const cassette = JSON.parse(readFileSync(path, "utf8")) as Cassette;
  const call = cassette.exchanges.find((exchange) => exchange.operationId === "detachVolume");
  if (!call) throw new Error(`${path} has no detachVolume call`);
  call.response.status = 200;
  call.response.body = PLANTED_BODY;
  writeFileSync(path, JSON.stringify(cassette, null, 2));
  return dir;
}

/** "EVS detach with os-detach null": recorded 500 (ledger entry evs-os-detach-null-500). */
export const FIXED_ID = "dc278845-27c8-44a7-966c-674ad037e800";

/**
 * A copy of the committed cassettes in which the server is fixed: the case above answers the
 * 400 another malformed body got instead of its recorded 500. Its ledger entry then matches
 * nothing, and no case sees detachVolume's documented 500.
 */
export function plantFixedServer(): string {
  const dir = mkdtempSync(join(tmpdir(), "conformance-fixed-"));
  cpSync(CASSETTE_DIR, dir, { recursive: true });
  const callOf = (path: string) => {
    const cassette = JSON.parse(readFileSync(path, "utf8")) as Cassette;
    const call = cassette.exchanges.find((exchange) => exchange.operationId === "detachVolume");
    if (!call) throw new Error(`${path} has no detachVolume call`);
    return { cassette, call };
  };
  const other = callOf(join(dir, "evs", "c5185694-ecbe-49fd-bf20-bb1df5d4da3e.json"));
  const path = join(dir, "evs", `${FIXED_ID}.json`);
  const fixed = callOf(path);
  fixed.call.response = other.call.response;
  writeFileSync(path, JSON.stringify(fixed.cassette, null, 2));
  return dir;
}
