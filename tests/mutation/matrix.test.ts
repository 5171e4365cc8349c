import { beforeAll, describe, expect, it } from "vitest";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import type { Mutant } from "../../src/mutation/core.ts";
import { type MatrixResult, runMatrix } from "../../src/mutation/matrix.ts";
import { mutantById } from "../../src/mutation/mutants.ts";
import { gate, loadThreshold, renderMatrix } from "../../src/mutation/report.ts";
import { CATALOG } from "../scenarios/catalog.ts";

// The replay kill matrix on a few mutants and the scenarios they concern, with the whole
// suite and with a check taken out: a missing check must show as a survivor and a red gate.

let contract: Contract;
beforeAll(async () => {
  contract = await loadContract();
});

// One version of each: the other versions replay the same checks on the same kind of answer.
const SCENARIOS = CATALOG.filter(
  (s) =>
    (!s.version || s.version === "unversioned") &&
    [
      "0feb9397", // BMS happy path
      "e12c3afc", // EVS happy path
      "610204e4", // EVS unknown volume (404)
      "03876b9c", // BMS locked server: the volume stays attached
    ].some((prefix) => s.id.startsWith(prefix)),
);
const STRICT = { replay: 1, live: 1 };
const status = (result: MatrixResult, id: string) => result.mutants.find((m) => m.id === id);

// A matrix run takes a few seconds alone and far longer on a shared, busy machine.
describe("the replay kill matrix", { timeout: 120_000 }, () => {
  const mutants = [
    "bms-attachment-still-listed",
    "bms-volume-stuck-detaching",
    "evs-volume-stays-in-use",
    "evs-404-as-400",
    "evs-request-id-dropped",
  ].map(mutantById);

  it("kills every mutant with the whole suite, by the check that should, and passes the gate", async () => {
    const result = await runMatrix({ mode: "replay", contract, mutants, scenarios: SCENARIOS });
    expect(result.baseline.map((b) => b.verdict)).not.toContain("error");
    const listed = status(result, "bms-attachment-still-listed");
    expect(listed?.status).toBe("killed");
    // Killed by the state check, not by the replay running out of recordings.
    expect(listed?.scenarios.find((s) => s.id.startsWith("0feb9397"))?.killedBy).toEqual([
      "final_state",
    ]);
    expect(status(result, "bms-volume-stuck-detaching")?.status).toBe("killed");
    // Run on every scenario that reads a volume while settling; only the EVS detach turns red.
    expect(status(result, "evs-volume-stays-in-use")?.scenarios).toEqual([
      expect.objectContaining({ id: expect.stringMatching(/^e12c3afc/), mutated: "fails" }),
      expect.objectContaining({ id: expect.stringMatching(/^0feb9397/), killedBy: [] }),
      expect.objectContaining({ id: expect.stringMatching(/^03876b9c/), killedBy: [] }),
    ]);
    expect(status(result, "evs-404-as-400")?.scenarios).toEqual([
      expect.objectContaining({ id: expect.stringMatching(/^e12c3afc/), killedBy: [] }),
      // The fault's integer code stays 404 on a 400, which error-code-integer does not take.
      expect.objectContaining({ killedBy: ["status_expected", "body_schema", "fault_status"] }),
    ]);
    // The pages leave the request id open; the upstream family requires it (its ledger says why).
    expect(status(result, "evs-request-id-dropped")?.status).toBe("killed");
    expect(
      status(result, "evs-request-id-dropped")?.scenarios.find((s) => s.id.startsWith("e12c3afc"))
        ?.killedBy,
    ).toEqual(["headers"]);
    expect(result.summary).toMatchObject({ scored: 5, killed: 5, killRate: 1, equivalent: 0 });
    expect(gate(result, STRICT).ok).toBe(true);
    // Kills are counted per named check, and no run ended in error.
    const text = renderMatrix(result);
    expect(text).toMatch(/bms-attachment-still-listed\s+killed\s+final_state ×1\s/);
    expect(text).toMatch(
      /evs-404-as-400\s+killed\s+body_schema ×1, fault_status ×1, status_expected ×1\s/,
    );
    expect(text).toContain("error-only: 0 scenario run(s)");
  });

  it("counts no kill for a run that only errored: reported apart, run twice, and the gate fails", async () => {
    // A proxy that cannot reach the target: every state read after the call gets its 502.
    const unreachable: Mutant = {
      id: "proxy-cannot-reach-target",
      description: "the loopback proxy answers 502 to every state read after the call",
      operations: ["showVolume"],
      phases: ["settle"],
      mutate: (response) => ({
        ...response,
        status: 502,
        headers: { "content-type": "text/plain" },
        body: "loopback proxy: fetch failed",
      }),
    };
    const result = await runMatrix({
      mode: "replay",
      contract,
      mutants: [unreachable],
      scenarios: SCENARIOS,
    });
    const broken = status(result, "proxy-cannot-reach-target");
    expect(broken?.status).toBe("error-only");
    const errored = broken?.scenarios.filter((s) => s.errorOnly !== undefined) ?? [];
    expect(errored.length).toBeGreaterThan(0);
    for (const run of errored) {
      expect(run).toMatchObject({ mutated: "error", killedBy: [], rerun: true });
      expect(run.errorOnly).toMatch(/answered 502 by a gateway or proxy/);
    }
    expect(result.summary).toMatchObject({ killed: 0, errorOnlyMutants: 1, killRate: 0 });
    expect(result.summary.errorOnlyRuns).toBe(errored.length);
    const verdict = gate(result, { replay: 0, live: 0 });
    expect(verdict.ok).toBe(false);
    expect(verdict.lines.join("\n")).toContain("a broken run, not a kill");
    expect(renderMatrix(result)).toMatch(
      /proxy-cannot-reach-target\s+error-only\s+no check failed/,
    );
  });

  it("lets a mutant survive and fails the gate once the final-state check after a BMS detach is gone", async () => {
    const result = await runMatrix({
      mode: "replay",
      contract,
      mutants,
      scenarios: SCENARIOS,
      without: [{ check: "final_state", operation: "detachServerVolume" }],
    });
    const listed = status(result, "bms-attachment-still-listed");
    expect(listed?.status).toBe("survived");
    expect(listed?.reason).toMatch(/^a check is too weak: 1 scenario\(s\) exercise it/);
    expect(status(result, "bms-volume-stuck-detaching")?.status).toBe("survived");
    // The EVS state check is still there.
    expect(status(result, "evs-volume-stays-in-use")?.status).toBe("killed");
    expect(result.summary.killRate).toBe(0.6);
    const verdict = gate(result, STRICT);
    expect(verdict.ok).toBe(false);
    expect(verdict.lines[0]).toMatch(/kill rate 60\.0 % < threshold 100\.0 %/);
  });

  it("says when no scenario exercises a mutant, and fails an equivalent mutant that gets killed", async () => {
    const unexercised: Mutant = {
      ...mutantById("attach-text-html"),
      id: "show-attachment-html",
      operations: ["showServerVolumeAttachment"],
    };
    const notReallyEquivalent: Mutant = {
      ...mutantById("evs-202-as-200"),
      id: "evs-202-as-200-called-equivalent",
      equivalent: "claimed for the test",
    };
    const result = await runMatrix({
      mode: "replay",
      contract,
      mutants: [unexercised, notReallyEquivalent],
      scenarios: SCENARIOS,
    });
    expect(status(result, "show-attachment-html")).toMatchObject({
      status: "survived",
      scenarios: [],
      reason: "no scenario exercises it: none calls showServerVolumeAttachment during arrange",
    });
    expect(status(result, "evs-202-as-200-called-equivalent")?.status).toBe("equivalent-killed");
    const verdict = gate(result, { replay: 0, live: 0 });
    expect(verdict.ok).toBe(false);
    expect(verdict.lines.join("\n")).toContain("1 equivalent mutant(s) killed");
  });
});

describe("tests/mutation/threshold.json", () => {
  it("holds a kill rate per mode", () => {
    const threshold = loadThreshold();
    expect(threshold.replay).toBeGreaterThan(0.9);
    expect(threshold.live).toBeGreaterThan(0.9);
  });
});
