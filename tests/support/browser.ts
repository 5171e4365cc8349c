import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

// Debian's Chromium, driven by playwright-core; CI installs it in .ci/run.
export const CHROMIUM = "/usr/bin/chromium";
export const NO_CHROMIUM = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is not installed (apt-get install -y chromium): browser tests skipped`;

export interface Headless {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A headless Chromium with a new, empty profile (Playwright's way of giving --user-data-dir)
 * that talks to no service of its own.
 */
export async function launchChromium(): Promise<Headless> {
  const profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Runs in the page, so it is kept as text: the project's type check has no DOM library.
const OVERFLOW_SCRIPT = `(() => {
  const limit = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    // Text that runs out of its box shows only in the box's own scroll width.
    const spills =
      element.scrollWidth > element.clientWidth + 1 &&
      getComputedStyle(element).overflowX === "visible" &&
      box.left + element.scrollWidth > limit + 1;
    if (box.right > limit + 1 || box.left < -1 || spills) {
      const name = element.tagName.toLowerCase() + "." + element.className;
      const text = (element.textContent || "").trim().slice(0, 60);
      wide.push(name + " (" + Math.round(box.left) + "–" + Math.round(box.right) + " px): " + text);
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, wide };
})()`;

/**
 * What sticks out of the viewport: the page's own horizontal scroll width and the visible
 * elements whose box or text passes the viewport's right edge, each named by tag, class and text.
 */
export async function overflow(page: Page): Promise<{ scrollWidth: number; wide: string[] }> {
  return page.evaluate(OVERFLOW_SCRIPT);
}
