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
