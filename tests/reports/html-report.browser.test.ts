import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDeviations } from "../../src/deviations/deviations.ts";
import type { ScenarioOutcome } from "../../src/engine/outcome.ts";
import { ROOT } from "../../src/paths.ts";
import { renderHtmlReport } from "../../src/reports/html.ts";
import { anchorOf } from "../../src/reports/report-data.ts";
import type { Exchange } from "../../src/transport/exchange.ts";
import { type Headless, launchChromium, NO_CHROMIUM, overflow } from "../support/browser.ts";
import { ALL, FAILS, PASSWORD, RUN } from "../support/sample-outcomes.ts";

// The report as a person sees it: filters and expanding in a real browser, and the layout at
// desktop and phone widths. Screenshots land in reports/browser/ to be looked at.
const OUT = join(ROOT, "reports/browser");

// A set-up call the way a real run shows one: long ids in the URL, many headers, a large body.
const LONG: Exchange = {
  operationId: "createVolume",
  request: {
    method: "POST",
    url: "http://127.0.0.1:8776/v3/0f6e2c3b8d7a4e59b1c2d3e4f5a6b7c8/volumes?name=conformance-3f9a1c-0feb9397-1fa4-4309-8ecf-8d141c5133c8-detach-target",
    headers: {
      "content-type": "application/json",
      "openstack-api-version": "volume 3.27",
      "x-auth-token":
        "gAAAAABlongtokenvaluethatwouldneverwrapbyitselfbecauseithasnospaces0123456789",
    },
    body: JSON.stringify({ volume: { size: 1, name: "x".repeat(180), metadata: { a: "b" } } }),
  },
  response: {
    status: 404,
    headers: {
      "content-type": "application/json",
      "x-openstack-request-id": "req-6c1e1a52-5a3a-4bd7-9b57-4d7c2b0b4a3e",
      "x-compute-request-id": "req-6c1e1a52-5a3a-4bd7-9b57-4d7c2b0b4a3e",
    },
    bodyText: JSON.stringify({ itemNotFound: { code: 404, message: "y".repeat(3000) } }),
  },
};
const SETUP_FAILED: ScenarioOutcome = {
  ...FAILS,
  scenario: {
    ...FAILS.scenario,
    id: "7c9e2f61-1a2b-4c3d-9e8f-0a1b2c3d4e5f",
    title: "detaches the volume from a server that has several attached, leaving the others",
    operation: "detachVolume",
    category: "happy-path",
  },
  verdict: "error",
  reason: "set-up call createVolume answered 404: the endpoint may need pathPrefixes",
  findings: [],
  exchanges: [LONG],
};
const OUTCOMES = [...ALL, SETUP_FAILED];

async function visible(page: Page, selector: string): Promise<number> {
  return page.locator(selector).filter({ visible: true }).count();
}

async function choose(page: Page, filter: string, value: string): Promise<void> {
  await page.selectOption(`select[data-filter="${filter}"]`, value);
}

describe.skipIf(NO_CHROMIUM !== undefined)(
  `reports/index.html in Chromium${NO_CHROMIUM ? ` (${NO_CHROMIUM})` : ""}`,
  () => {
    let chromium: Headless;
    let page: Page;
    const requests: string[] = [];

    beforeAll(async () => {
      mkdirSync(OUT, { recursive: true });
      const file = join(OUT, "index.html");
      writeFileSync(file, renderHtmlReport(OUTCOMES, RUN, loadDeviations(RUN.family), [PASSWORD]));
      chromium = await launchChromium();
      page = await chromium.context.newPage();
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(`file://${file}`);
    }, 60_000);
    afterAll(async () => chromium?.close());

    it("loads nothing but itself", () => {
      expect(requests.filter((url) => !url.startsWith("file://"))).toEqual([]);
    });

    it("filters the table and the sections by verdict, operation, category and text", async () => {
      expect(await visible(page, "table.verdicts tbody tr")).toBe(6);
      await choose(page, "verdict", "fails");
      expect(await visible(page, "table.verdicts tbody tr")).toBe(1);
      expect(await visible(page, "details.scenario")).toBe(1);
      expect(await page.textContent("#shown")).toBe("1 of 6 shown");
      await choose(page, "operation", "detachVolume");
      expect(await visible(page, "table.verdicts tbody tr")).toBe(0);
      expect(await visible(page, ".empty")).toBe(1);
      await choose(page, "verdict", "");
      expect(await visible(page, "table.verdicts tbody tr")).toBe(4);
      await choose(page, "operation", "");
      await choose(page, "category", "wrong-state");
      expect(
        await page.locator("table.verdicts tbody tr").filter({ visible: true }).textContent(),
      ).toContain("locked");
      await choose(page, "category", "");
      await page.fill('input[data-filter="text"]', "CONTENT_TYPE");
      expect(await visible(page, "table.verdicts tbody tr")).toBe(1);
      await page.fill('input[data-filter="text"]', "");
      expect(await visible(page, "details.scenario")).toBe(6);
    });

    it("opens with the red cases first, in the table and the sections, the rest in catalog order", async () => {
      const red = (o: ScenarioOutcome) => o.verdict === "fails" || o.verdict === "error";
      const expected = [...OUTCOMES.filter(red), ...OUTCOMES.filter((o) => !red(o))].map((o) =>
        anchorOf(o.scenario.id),
      );
      expect(expected.slice(0, 3)).not.toEqual(
        OUTCOMES.slice(0, 3).map((o) => anchorOf(o.scenario.id)),
      );
      const rows = await page.$$eval("table.verdicts tbody tr a", (links) =>
        links.map((a) => (a.getAttribute("href") ?? "").slice(1)),
      );
      const sections = await page.$$eval("details.scenario", (all) => all.map((d) => d.id));
      expect(rows).toEqual(expected);
      expect(sections).toEqual(expected);
    });

    it("sets the verdict filter from a tally badge, and clears it from the total", async () => {
      await page.click('.tally button[data-show="error"]');
      expect(await page.inputValue('select[data-filter="verdict"]')).toBe("error");
      expect(await visible(page, "table.verdicts tbody tr")).toBe(2);
      expect(await visible(page, "details.scenario")).toBe(2);
      expect(await page.textContent("#shown")).toBe("2 of 6 shown");
      await page.click(".tally button.total");
      expect(await page.inputValue('select[data-filter="verdict"]')).toBe("");
      expect(await visible(page, "table.verdicts tbody tr")).toBe(6);
    });

    it("opens red scenarios, expands an exchange on click and everything with expand all", async () => {
      const fails = page.locator(`[id="${anchorOf(FAILS.scenario.id)}"]`);
      expect(await fails.getAttribute("open")).not.toBeNull();
      const call = fails.locator("details.exchange.under-test");
      expect(await call.locator("table.headers").first().isVisible()).toBe(false);
      await call.locator("summary").click();
      expect(await call.locator("table.headers").first().isVisible()).toBe(true);
      await page.click('button[data-action="expand"]');
      expect(await page.locator("details:not([open])").count()).toBe(0);
      await page.click('button[data-action="collapse"]');
      expect(await page.locator("details[open]").count()).toBe(0);
    });

    it("opens the scenario a link names, below the sticky filter bar, even when filtered out", async () => {
      const file = join(OUT, "index.html");
      const conforming = ALL.find((o) => o.verdict === "conforms");
      if (!conforming) throw new Error("the samples have no conforming outcome");
      const id = anchorOf(conforming.scenario.id);
      const linked = await chromium.context.newPage();
      await linked.setViewportSize({ width: 1280, height: 500 });
      await linked.goto(`file://${file}#${id}`);
      const details = linked.locator(`[id="${id}"]`);
      expect(await details.getAttribute("open")).not.toBeNull();
      const bar = await linked.locator(".filters").boundingBox();
      const title = await details.locator(":scope > summary").boundingBox();
      expect(title && bar && title.y >= bar.y + bar.height - 1).toBe(true);
      expect(title && title.y < 500).toBe(true);
      await linked.selectOption('select[data-filter="verdict"]', "fails");
      expect(await details.isVisible()).toBe(false);
      // A link followed from elsewhere in the page (the same hash set again) reveals it again.
      await linked.evaluate(`location.hash = ""; location.hash = "${id}"`);
      await linked.waitForFunction(`!document.getElementById("${id}").hidden`);
      expect(await details.isVisible()).toBe(true);
      await linked.close();
    });

    for (const width of [1280, 375]) {
      it(`fits a ${width} px wide screen with every section open`, async () => {
        await page.setViewportSize({ width, height: 900 });
        await page.click('button[data-action="expand"]');
        const { scrollWidth, wide } = await overflow(page);
        await page.screenshot({ path: join(OUT, `report-${width}.png`), fullPage: true });
        expect(wide).toEqual([]);
        expect(scrollWidth).toBeLessThanOrEqual(width);
        // The verdict table stays readable: each cell at least as wide as a short word.
        const cells = await page.$$eval("table.verdicts tbody td", (tds) =>
          tds.filter((td) => td.textContent !== "").map((td) => td.getBoundingClientRect().width),
        );
        expect(Math.min(...cells)).toBeGreaterThan(40);
      }, 60_000);
    }
  },
);
