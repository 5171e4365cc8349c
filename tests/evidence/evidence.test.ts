import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type Contract, loadContract } from "../../src/contract/load-spec.ts";
import { loadDeviations } from "../../src/deviations/deviations.ts";
import type { JudgedFinding, ScenarioOutcome, Verdict } from "../../src/engine/outcome.ts";
import {
  buildCoverage,
  evidenceText,
  renderCoverageMarkdown,
  renderCoverageSummary,
  type Sighting,
  sightingsOfOutcomes,
  sightingsOfResults,
} from "../../src/evidence/coverage.ts";
import { compareRuns, normalise, renderDrift, signatureOf } from "../../src/evidence/drift.ts";
import { replayCatalog } from "../../src/evidence/run-catalog.ts";
import type { Exchange } from "../../src/transport/exchange.ts";
import { CATALOG } from "../scenarios/catalog.ts";

let contract: Contract;
beforeAll(async () => {
  contract = await loadContract();
});

const VOLUME = "fd115a2e-69cd-4351-953b-c86f992c2bba";

function exchange(status: number, body: unknown, operationId = "detachVolume"): Exchange {
  return {
    operationId,
    request: {
      method: "POST",
      url: `http://127.0.0.1:8776/v3/p/volumes/${VOLUME}/action`,
      headers: {},
    },
    response: {
      status,
      headers: {
        "content-type": "application/json",
        "x-openstack-request-id": `req-${VOLUME}`,
        date: "Mon, 24 Nov 2026 09:39:20 GMT",
      },
      bodyText: body === undefined ? "" : JSON.stringify(body),
    },
  };
}

function outcome(
  verdict: Verdict,
  call: Exchange,
  findings: Partial<JudgedFinding>[] = [],
  mode = "replay",
): ScenarioOutcome {
  return {
    scenario: {
      id: "610204e4-4a39-4341-97f3-e513142b1fcb",
      title: "EVS detach of an unknown volume",
      operation: "detachVolume",
      category: "not-found",
      documented: "404",
    },
    target: { name: "t", family: "upstream-openstack", mode },
    verdict,
    expected: { status: 404, fault: "itemNotFound" },
    findings: findings.map((f) => ({
      check: "status_expected",
      ok: true,
      message: "m",
      operationId: "detachVolume",
      support: false,
      ...f,
    })),
    exchanges: [exchange(200, { volume: { id: VOLUME } }, "showVolume"), call],
    callIndex: 1,
    leftovers: [],
    durationMs: 1,
  };
}

const notFound = (id: string) => ({
  itemNotFound: { message: `Volume ${id} could not be found.`, code: 404 },
});

describe("normalise", () => {
  it("replaces ids, project ids, times, request ids, run names, tokens and origins", () => {
    const text = `req-${VOLUME} ${VOLUME} 580fb4ab4d0a434886612bbfc827de00 2026-11-24T09:39:20.801Z conformance-2c36a6-e12c3afc gAAAAABxyz http://127.0.0.1:8776/v3`;
    expect(normalise(text)).toBe(
      "<request-id> <uuid> <id> <time> conformance-<run>-e12c3afc <token> <origin>/v3",
    );
  });
});

describe("three-way drift", () => {
  const info = {
    target: "t",
    liveAt: new Date("2026-11-24T10:00:00Z"),
    cassettesRecorded: ["2026-11-24"],
  };
  const other = "0bb09ba8-1162-47a4-a9c7-4e35aba0fa7f";
  const deviation = [{ check: "body_schema", ok: false, deviation: "error-code-integer" }];

  it("finds nothing moved when only ids, request ids and dates differ", () => {
    const cassette = outcome("deviation", exchange(404, notFound(VOLUME)), deviation);
    const live = outcome("deviation", exchange(404, notFound(other)), deviation, "live");
    expect(signatureOf(cassette)).toEqual(signatureOf(live));
    const report = compareRuns([cassette], [live], info);
    expect(report.scenarios[0]?.conclusion).toBe("agree");
    expect(report.moved).toBe(0);
  });

  it("says the server or the cassette moved when the live answer differs", () => {
    const cassette = outcome("deviation", exchange(404, notFound(VOLUME)), deviation);
    const live = outcome(
      "fails",
      exchange(400, { badRequest: { message: "no", code: 400 } }),
      [{ ok: false, actual: "400" }],
      "live",
    );
    const [drift] = compareRuns([cassette], [live], info).scenarios;
    expect(drift?.conclusion).toBe("server-or-cassette-moved");
    expect(drift?.differences[0]).toMatch(/^call under test: cassette 404 .* live 400 /);
    expect(drift?.explanation).toMatch(/server moved away from the documents/);
    expect(renderDrift(compareRuns([cassette], [live], info))).toContain(
      "server-or-cassette-moved",
    );
  });

  it("judges on the call and the final state; different set-up calls are a note, no drift", () => {
    // The cassette's server booted from an image; the live target boots from a volume.
    const cassette = outcome("deviation", exchange(404, notFound(VOLUME)), deviation);
    const fresh = outcome("deviation", exchange(404, notFound(other)), deviation, "live");
    const live = {
      ...fresh,
      exchanges: [exchange(202, { volume: { id: other } }, "createVolume"), ...fresh.exchanges],
      callIndex: 2,
    };
    const report = compareRuns([cassette], [live], info);
    const [drift] = report.scenarios;
    expect(drift?.conclusion).toBe("agree");
    expect(drift?.differences).toEqual([]);
    expect(drift?.notes).toEqual(["set-up calls only live: createVolume 202"]);
    expect(report.moved).toBe(0);
    expect(renderDrift(report)).toContain(
      "    note (set-up, not a drift): set-up calls only live: createVolume 202\n",
    );
    // A different final state is a drift, whatever the set-up.
    const settled = {
      ...live,
      findings: [
        ...live.findings,
        {
          ...live.findings[0],
          check: "final_state",
          ok: false,
          message: "volume in-use",
        } as JudgedFinding,
      ],
    };
    const [moved] = compareRuns([cassette], [settled], info).scenarios;
    expect(moved?.conclusion).toBe("server-or-cassette-moved");
    expect(moved?.differences).toEqual([
      expect.stringMatching(
        /^findings only live: final_state FAIL \(error-code-integer\): volume in-use$/,
      ),
    ]);
    expect(moved?.notes).toEqual(["set-up calls only live: createVolume 202"]);
    // A set-up call that fails its checks turns the verdict red: that is no mere note.
    const red = { ...live, verdict: "fails" as Verdict };
    expect(compareRuns([cassette], [red], info).scenarios[0]?.differences).toEqual([
      "verdict: cassette deviation; live fails",
    ]);
  });

  it("says the spec moved when cassette and server agree and the documents do not", () => {
    const failing = [{ check: "body_schema", ok: false, message: "m" }];
    const cassette = outcome("fails", exchange(404, notFound(VOLUME)), failing);
    const live = outcome("fails", exchange(404, notFound(other)), failing, "live");
    const [drift] = compareRuns([cassette], [live], info).scenarios;
    expect(drift?.conclusion).toBe("spec-moved");
  });

  it("calls a cassette that no longer replays stale", () => {
    const cassette = {
      ...outcome("error", exchange(404, notFound(VOLUME))),
      reason: "no recorded exchange matches",
    };
    const live = outcome("deviation", exchange(404, notFound(other)), deviation, "live");
    const [drift] = compareRuns([cassette], [live], info).scenarios;
    expect(drift?.conclusion).toBe("server-or-cassette-moved");
    expect(drift?.explanation).toMatch(/cassette is stale/);
  });
});

describe("evidence coverage", () => {
  const sighting = (
    status: number,
    kind: "recorded" | "replay",
    id = "610204e4-4a39-4341-97f3-e513142b1fcb",
  ): Sighting => ({
    scenarioId: id,
    operation: "detachVolume",
    status,
    source: kind === "recorded" ? { kind, date: "2026-11-24", target: "t" } : { kind },
  });

  it("marks each documented status seen live, only in replay, or never", () => {
    const coverage = buildCoverage(
      contract,
      [sighting(404, "recorded"), sighting(409, "replay", "12311071-491d-421c-af82-9ea705fa693b")],
      CATALOG,
    );
    const evs = coverage.operations.find((o) => o.operation === "detachVolume");
    const row = (status: number) => evs?.rows.find((r) => r.status === status);
    expect(row(404)?.evidence).toBe("live");
    expect(evidenceText(row(404) as never)).toBe("seen live (recorded 2026-11-24)");
    expect(row(409)?.evidence).toBe("replay");
    expect(row(401)?.evidence).toBe("never");
    expect(row(404)?.expectedBy).toContain("610204e4-4a39-4341-97f3-e513142b1fcb@unversioned");
    expect(coverage.unreached).toContainEqual({ operation: "detachVolume", status: 202 });
    expect(coverage.unreached).not.toContainEqual({ operation: "detachVolume", status: 409 });
    const markdown = renderCoverageMarkdown(coverage, "test");
    expect(markdown).toContain("| 409 | yes");
    expect(markdown).toContain("only in replay");
    expect(renderCoverageSummary(coverage)).toContain("documented statuses no scenario reaches:");
  });

  it("lists a status a scenario saw that the contract does not document", () => {
    const coverage = buildCoverage(
      contract,
      [
        {
          ...sighting(202, "recorded", "0feb9397-1fa4-4309-8ecf-8d141c5133c8"),
          operation: "detachServerVolume",
        },
      ],
      CATALOG,
    );
    const bms = coverage.operations.find((o) => o.operation === "detachServerVolume");
    expect(bms?.rows.find((r) => r.status === 202)).toMatchObject({
      documented: false,
      evidence: "live",
    });
    expect(coverage.unreached).toContainEqual({ operation: "detachServerVolume", status: 200 });
  });

  it("takes a live run's results.json as live evidence", () => {
    const sightings = sightingsOfResults({
      schemaVersion: 2,
      run: {
        target: "t",
        family: "f",
        mode: "live",
        startedAt: "2026-11-25T08:00:00.000Z",
        finishedAt: "",
        durationMs: 1,
      },
      summary: { total: 1, conforms: 1, deviation: 0, fails: 0, error: 0, skipped: 0 },
      scenarios: [
        {
          id: "e12c3afc-f045-43b9-9a09-3da8a3b569e3",
          title: "",
          operation: "detachVolume",
          category: "happy-path",
          documented: "",
          verdict: "conforms",
          expected: { status: 202 },
          call: { request: { method: "POST", path: "/" }, response: { status: 202 } },
          findings: [],
          leftovers: [],
          durationMs: 1,
        },
      ],
    });
    expect(sightings).toEqual([
      expect.objectContaining({
        status: 202,
        source: { kind: "live", date: "2026-11-25", target: "t" },
      }),
    ]);
  });

  it("keeps docs/coverage.md's list of unreached statuses in step with the cassettes", async () => {
    const replayed = await replayCatalog(contract, CATALOG);
    const family = loadDeviations(replayed.target.family);
    const coverage = buildCoverage(
      contract,
      sightingsOfOutcomes(replayed.outcomes),
      CATALOG,
      family.unreachable,
    );
    // Each status no scenario reaches says why, from the family's reviewed file.
    expect(coverage.unreached.length).toBeGreaterThan(0);
    for (const u of coverage.unreached) expect(u.reason, `${u.operation} ${u.status}`).toBeTruthy();
    // Every call the cassettes hold counts as recorded live.
    expect(coverage.operations.flatMap((o) => o.rows.map((r) => r.evidence))).not.toContain(
      "replay",
    );
    const section = (text: string) =>
      text.slice(text.indexOf("## Documented statuses no scenario reaches"));
    const file = new URL("../../docs/coverage.md", import.meta.url);
    expect(
      existsSync(file),
      "docs/coverage.md: run `npm run conformance -- coverage --out docs/coverage.md`",
    ).toBe(true);
    expect(section(readFileSync(file, "utf8"))).toBe(section(renderCoverageMarkdown(coverage, "")));
    // Reads every cassette of the catalog: seconds on a loaded 2-core machine.
  }, 30_000);
});
