import { describe, expect, it } from "vitest";
import type { Deviation, DeviationFile } from "../../src/deviations/deviations.ts";
import { ledgerUse } from "../../src/engine/run.ts";
import { CONFORMS, DEVIATION, ERROR, SKIPPED } from "../support/sample-outcomes.ts";

// Which ledger entries a run left unused, and which of them it can call stale (they fail it).

const entry = (id: string, scenarios?: string[]): Deviation => ({
  id,
  operations: ["detachVolume"],
  checks: ["status_expected"],
  reason: "why",
  ...(scenarios && { scenarios }),
});

const ledger = (...deviations: Deviation[]): DeviationFile => ({
  family: "upstream-openstack",
  description: "",
  deviations,
});

describe("ledgerUse", () => {
  const used = entry("cinder-malformed-fault-name");
  const unused = entry("fixed-upstream");

  it("calls an entry no finding used stale in a run of the whole catalog that judged every case", () => {
    expect(ledgerUse(ledger(used, unused), [CONFORMS, DEVIATION], true)).toEqual({
      staleDeviations: ["fixed-upstream"],
      unusedDeviations: [],
    });
  });

  it("only notes it after a partial selection", () => {
    expect(ledgerUse(ledger(used, unused), [CONFORMS, DEVIATION], false)).toEqual({
      staleDeviations: [],
      unusedDeviations: ["fixed-upstream"],
    });
  });

  it("only notes an entry a skipped or errored case might have used", () => {
    for (const unjudged of [SKIPPED, ERROR]) {
      const limited = entry("limited", [unjudged.scenario.id.split("@")[0] as string]);
      const elsewhere = entry("elsewhere", [CONFORMS.scenario.id]);
      expect(
        ledgerUse(ledger(used, unused, limited, elsewhere), [CONFORMS, DEVIATION, unjudged], true),
      ).toEqual({
        // An entry for any scenario could have been the unjudged case's; one limited to
        // judged cases could not.
        staleDeviations: ["elsewhere"],
        unusedDeviations: ["fixed-upstream", "limited"],
      });
    }
  });
});
