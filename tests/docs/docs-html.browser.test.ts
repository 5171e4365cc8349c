import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../src/paths.ts";
import { type Headless, launchChromium, NO_CHROMIUM, overflow } from "../support/browser.ts";

// The committed docs/index.html as a reader sees it: search, expand all, the collapsed set-up
// calls, a curl example per operation, and the layout at desktop and phone widths.
// Screenshots land in reports/browser/.
const OUT = join(ROOT, "reports/browser");
const PAGE = join(ROOT, "docs/index.html");

describe.skipIf(NO_CHROMIUM !== undefined)(
  `docs/index.html in Chromium${NO_CHROMIUM ? ` (${NO_CHROMIUM})` : ""}`,
  () => {
    let chromium: Headless;
    let page: Page;
    const requests: string[] = [];

    beforeAll(async () => {
      mkdirSync(OUT, { recursive: true });
      chromium = await launchChromium();
      page = await chromium.context.newPage();
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(`file://${PAGE}`);
    }, 60_000);
    afterAll(async () => chromium?.close());

    const shown = () => page.locator("details.scenario").filter({ visible: true }).count();

    it("loads nothing but itself", () => {
      expect(requests.filter((url) => !url.startsWith("file://"))).toEqual([]);
    });

    it("gives each operation a curl example that sends the token from $OS_TOKEN", async () => {
      const examples = await page.locator("pre.curl").allTextContents();
      expect(examples).toHaveLength(2);
      for (const text of examples) expect(text).toContain('-H "X-Auth-Token: $OS_TOKEN"');
      expect(examples.join("\n")).toContain(
        '"$EVS_ENDPOINT/v2/$PROJECT_ID/volumes/$VOLUME_ID/action"',
      );
    });

    it("searches the scenarios, and expands and collapses everything", async () => {
      const all = await shown();
      expect(all).toBeGreaterThan(10);
      await page.fill("#search", "maintenance");
      expect(await shown()).toBe(1);
      expect(await page.textContent("#matches")).toBe(`1 of ${all} scenarios`);
      await page.fill("#search", "no-such-words-anywhere");
      expect(await shown()).toBe(0);
      await page.fill("#search", "");
      expect(await shown()).toBe(all);
      expect(await page.locator("details.setup[open]").count()).toBe(0);
      await page.click('button[data-open="true"]');
      expect(await page.locator("details:not([open])").count()).toBe(0);
      expect(await page.locator("details.setup li").first().isVisible()).toBe(true);
      await page.click('button[data-open="false"]');
      expect(await page.locator("details[open]").count()).toBe(0);
    });

    it("opens the scenario a link names, below the sticky toolbar", async () => {
      const id = await page.locator("details.scenario").nth(5).getAttribute("id");
      if (!id) throw new Error("a scenario without an id");
      const linked = await chromium.context.newPage();
      await linked.setViewportSize({ width: 1280, height: 600 });
      await linked.goto(`file://${PAGE}#${id}`);
      const details = linked.locator(`[id="${id}"]`);
      expect(await details.getAttribute("open")).not.toBeNull();
      const bar = await linked.locator(".toolbar").boundingBox();
      const title = await details.locator(":scope > summary").boundingBox();
      expect(title && bar && title.y >= bar.y + bar.height - 1).toBe(true);
      expect(title && title.y < 600).toBe(true);
      await linked.close();
    });

    for (const width of [1280, 375]) {
      it(`fits a ${width} px wide screen with every scenario open`, async () => {
        await page.setViewportSize({ width, height: 900 });
        await page.click('button[data-open="true"]');
        const { scrollWidth, wide } = await overflow(page);
        await page.screenshot({ path: join(OUT, `docs-${width}.png`), fullPage: true });
        expect(wide).toEqual([]);
        expect(scrollWidth).toBeLessThanOrEqual(width);
        // Parameter and response tables stay readable: no cell narrower than a short word.
        const cells = await page.$$eval("table td", (tds) =>
          tds.filter((td) => td.textContent?.trim()).map((td) => td.getBoundingClientRect().width),
        );
        expect(Math.min(...cells)).toBeGreaterThan(40);
      }, 60_000);
    }
  },
);
