import { describe, expect, it } from "vitest";
import type { DeviationFile } from "../../src/deviations/deviations.ts";
import { BODY_LIMIT, renderHtmlReport } from "../../src/reports/html.ts";
import { anchorOf } from "../../src/reports/report-data.ts";
import {
  ALL,
  CANARY,
  CONFORMS,
  DEVIATION,
  FAILS,
  PASSWORD,
  RUN,
  SKIPPED,
} from "../support/sample-outcomes.ts";

const DEVIATIONS: DeviationFile = {
  family: RUN.family,
  description: "",
  deviations: [
    {
      id: "cinder-malformed-fault-name",
      operations: ["detachVolume"],
      checks: ["error_envelope"],
      reason: "Cinder names the fault computeFault; accepted upstream behaviour.",
    },
  ],
};

const html = renderHtmlReport(ALL, RUN, DEVIATIONS, [PASSWORD]);
/** The scenario's own section, from its opening tag to the next scenario's. */
const section = (id: string) =>
  html.split(`id="${anchorOf(id)}"`)[1]?.split('<details class="scenario"')[0] ?? "";

describe("renderHtmlReport", () => {
  it("counts the scenarios in the singular for one", () => {
    expect(renderHtmlReport([CONFORMS], RUN, DEVIATIONS)).toContain(">1 scenario</button>");
    expect(html).toContain(`>${ALL.length} scenarios</button>`);
  });

  it("heads the page with the run's verdict: passed, failed, or judged nothing", () => {
    const title = (outcomes: typeof ALL, stale?: string[]) =>
      /<h1 class="(\w+)">([^<]*)</
        .exec(
          renderHtmlReport(
            outcomes,
            { ...RUN, ...(stale && { staleDeviations: stale }) },
            DEVIATIONS,
          ),
        )
        ?.slice(1);
    expect(title(ALL)).toEqual(["fail", "Conformance failed on devstack"]);
    expect(title([CONFORMS, SKIPPED])).toEqual(["pass", "Conformance passed on devstack"]);
    expect(title([CONFORMS], ["old-entry"])).toEqual(["fail", "Conformance failed on devstack"]);
    expect(title([SKIPPED])).toEqual(["fail", "Conformance judged nothing on devstack"]);
  });

  it("is one page that loads nothing from elsewhere", () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<(link|img|iframe)\b|\bsrc=|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it("has one table row and one section per scenario, with the filter values on both", () => {
    for (const o of ALL) {
      const marks = `data-verdict="${o.verdict}" data-operation="${o.scenario.operation}" data-category="${o.scenario.category}"`;
      expect(html.split(marks).length - 1).toBe(2);
    }
  });

  it("gives each deviation's id and the reason from the deviations file", () => {
    const part = section(DEVIATION.scenario.id);
    expect(part).toContain(
      "<code>cinder-malformed-fault-name</code> explains <code>error_envelope</code>",
    );
    expect(part).toContain("Cinder names the fault computeFault; accepted upstream behaviour.");
    const unknown = renderHtmlReport([DEVIATION], RUN, { ...DEVIATIONS, deviations: [] });
    expect(unknown).toContain("no entry in tests/deviations/upstream-openstack.yaml");
  });

  it("reproduces a failure: checks with expected and observed, the call, a curl command", () => {
    const part = section(FAILS.scenario.id);
    expect(part).toContain("Failure reproduction");
    expect(part).toContain('<td data-label="Expected"><pre>404</pre></td>');
    expect(part).toContain('<td data-label="Observed"><pre>500</pre></td>');
    expect(part).toContain("<code>content_type (set-up call showVolume)</code>");
    expect(part).toContain(
      "curl -i \\\n  -X DELETE \\\n  &#39;http://127.0.0.1:8774/v2.1/proj/servers/srv-1/os-volume_attachments/vol-2&#39;",
    );
    expect(part).toContain("-H &quot;X-Auth-Token: $OS_TOKEN&quot;");
    expect(section(CONFORMS.scenario.id)).not.toContain("Failure reproduction");
  });

  it("marks the call under test with the documented and the observed answer", () => {
    expect(section(FAILS.scenario.id)).toContain(
      '<span class="vs">documented 404 itemNotFound · observed 500 computeFault</span>',
    );
  });

  it("escapes markup and removes every secret", () => {
    expect(html).toContain("answers 404 for &lt;unknown&gt; &amp; &quot;missing&quot;");
    for (const fragment of [CANARY, "canary-token", "wo|rd", "&amp;ss"]) {
      expect(html).not.toContain(fragment);
    }
    expect(html).toContain("REDACTED");
  });

  it("cuts long bodies and says how much is missing", () => {
    const long = "x".repeat(BODY_LIMIT + 123);
    const exchanges = CONFORMS.exchanges.map((e) => ({
      ...e,
      response: { ...e.response, bodyText: long },
    }));
    const page = renderHtmlReport([{ ...CONFORMS, exchanges }], RUN, DEVIATIONS);
    expect(page).toContain("… 123 more characters cut");
    expect(page).not.toContain("x".repeat(BODY_LIMIT + 1));
  });
});
