import { shortId } from "../../src/engine/scenario.ts";
import { anchorOf } from "../../src/reports/report-data.ts";
// docs/ must be what `npm run docs` renders right now, and fit to publish: the recorded calls,
// no credential, nothing that changes from one rendering to the next, nothing loaded from
// elsewhere.

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findDocsDrift, renderDocs, writeDocs } from "../../src/docs/render.ts";
import { requestMessage, SHOWN_REQUEST_HEADERS } from "../../src/docs/view.ts";
import { sessionCassettePath } from "../../src/targets/cassette.ts";
import type { Exchange } from "../../src/transport/exchange.ts";
import { CATALOG } from "../scenarios/catalog.ts";

const pages = await renderDocs(CATALOG);
const page = (file: string) => pages.get(file) ?? "";
const temp = await mkdtemp(join(tmpdir(), "docs-drift-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

describe("docs", () => {
  it("render an index, one HTML page and one Markdown page per operation under test", () => {
    expect([...pages.keys()].sort()).toEqual([
      "index.html",
      "index.md",
      "operations/detachServerVolume.md",
      "operations/detachVolume.md",
    ]);
  });

  it("render deterministically", async () => {
    expect(await renderDocs(CATALOG)).toEqual(pages);
  });

  it("match docs/ on disk", async () => {
    expect(await findDocsDrift(pages)).toEqual([]);
  });

  it("say which command fixes drift in docs/", async () => {
    const edited = new Map(pages).set("index.md", `${page("index.md")}\nhand edit\n`);
    expect(await findDocsDrift(edited)).toEqual([
      expect.stringMatching(
        /^docs\/index\.md is out of date \(first difference at line \d+\): run `npm run docs`$/,
      ),
    ]);
  });

  it("name a missing, changed or orphaned page of another folder", async () => {
    await writeDocs(pages, temp);
    await writeFile(join(temp, "index.html"), "<p>edited</p>");
    await rm(join(temp, "operations", "detachVolume.md"));
    await writeFile(join(temp, "operations", "attachVolume.md"), "");
    const fix = `run \`npm run conformance -- docs --out ${temp}\``;
    expect(await findDocsDrift(pages, temp)).toEqual([
      `${temp}/index.html is out of date (first difference at line 1): ${fix}`,
      `${temp}/operations/detachVolume.md is missing: ${fix}`,
      `${temp}/operations/attachVolume.md documents no operation any more: ${fix}`,
    ]);
    await writeDocs(pages, temp);
    expect(await findDocsDrift(pages, temp)).toEqual([]);
  });

  it("show every scenario of the catalog, with its call under test", () => {
    for (const scenario of CATALOG) {
      const short = shortId(scenario.id);
      const md = page(`operations/${scenario.operation}.md`);
      expect(md).toContain(`### ${short}: ${scenario.title}\n`);
      expect(page("index.html")).toContain(
        `<details class="scenario" id="${anchorOf(scenario.id)}">`,
      );
    }
    // The documented 200 against Nova's 202, and the deviation that explains it.
    expect(page("operations/detachServerVolume.md")).toMatch(
      /\| \[`0feb9397@unversioned`\]\(#s-0feb9397-unversioned\) \| .* \| 200 \| 202 \| deviation \| \[`bms-detach-202`\]/,
    );
  });

  it("print no request header but content-type, accept and openstack-api-version", () => {
    for (const [file, text] of pages) {
      // The curl examples name the header, with the token left to the shell.
      const placeholder = "X-Auth-Token: $OS_TOKEN";
      expect(text.replaceAll(placeholder, ""), file).not.toMatch(
        /x-auth-token|x-subject-token|password/i,
      );
    }
    const shown = new Set<string>();
    for (const file of ["operations/detachVolume.md", "operations/detachServerVolume.md"]) {
      // A request block: its start line, then one `name: value` line per header.
      for (const [block] of page(file).matchAll(/^```http\n[A-Z]+ \/.*\n(?:[\w-]+: .*\n)*/gm)) {
        for (const [, name] of block.matchAll(/^([\w-]+): /gm)) shown.add(name as string);
      }
    }
    for (const [block] of page("index.html").matchAll(
      /<b>[A-Z]+ \/.*<\/b>\n(?:<span class="hn">.*\n)*/g,
    )) {
      for (const [, name] of block.matchAll(/<span class="hn">([\w-]+)<\/span>/g))
        shown.add(name as string);
    }
    expect([...shown].sort()).toEqual(["accept", "content-type", "openstack-api-version"]);
    const exchange: Exchange = {
      request: {
        method: "DELETE",
        url: "http://127.0.0.1:8774/v2.1/p/servers/s/os-volume_attachments/v?x=1",
        headers: {
          "x-auth-token": "gAAAA-secret",
          "x-openstack-nova-api-version": "2.1",
          accept: "application/json",
          "openstack-api-version": "compute 2.1",
        },
      },
      response: { status: 202, headers: {}, bodyText: "" },
    };
    expect(requestMessage(exchange)).toEqual({
      startLine: "DELETE /v2.1/p/servers/s/os-volume_attachments/v?x=1",
      headers: [
        ["accept", "application/json"],
        ["openstack-api-version", "compute 2.1"],
      ],
    });
    expect(SHOWN_REQUEST_HEADERS).toEqual(["accept", "content-type", "openstack-api-version"]);
  });

  it("carry no date of the recording", async () => {
    const session = JSON.parse(await readFile(sessionCassettePath(), "utf8"));
    const day = String(session.recordedAt).slice(0, 10);
    for (const [file, text] of pages) expect(text, file).not.toContain(day);
  });

  it("make index.html self-contained: inline style and script, nothing loaded from elsewhere", () => {
    const html = page("index.html");
    expect(html).toMatch(/^<!doctype html>\n/);
    expect(html).toContain("<style>");
    expect(html).toContain("<script>\n");
    expect(html).not.toMatch(/<script[^>]*\ssrc|<link|<img|<iframe|@import|url\(|fetch\(/i);
    for (const [, target] of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      expect(target).toMatch(/^#[\w-]+$/);
    }
    // Every in-page link has its target.
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map(([, id]) => id));
    for (const [, id] of html.matchAll(/\shref="#([^"]+)"/g)) expect(ids, id).toContain(id);
  });
});
