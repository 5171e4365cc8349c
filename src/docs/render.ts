// Renders every generated page into memory, compares them with a folder, and writes them. Used
// by `npm run docs` (scripts/conformance.ts `docs`) and by the drift test.

import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { firstDifferentLine } from "../contract/first-difference.ts";
import type { Scenario } from "../engine/scenario.ts";
import { ROOT } from "../paths.ts";
import { renderHtml } from "./html.ts";
import { renderIndexMarkdown, renderOperationMarkdown } from "./markdown.ts";
import { buildDocsModel, type DocsModel } from "./model.ts";

export const DOCS_DIR = join(ROOT, "docs");
const OPERATIONS_DIR = "operations";

/** Generated pages by path relative to the docs folder, e.g. `operations/detachVolume.md`. */
export async function renderDocs(
  source: readonly Scenario[] | DocsModel,
): Promise<Map<string, string>> {
  const docs = Array.isArray(source) ? await buildDocsModel(source) : (source as DocsModel);
  const pages = new Map<string, string>([
    ["index.md", renderIndexMarkdown(docs)],
    ["index.html", renderHtml(docs)],
  ]);
  for (const op of docs.operations) {
    pages.set(`${OPERATIONS_DIR}/${op.contract.operationId}.md`, renderOperationMarkdown(op, docs));
  }
  return pages;
}

/** One message per page that is missing, out of date, or no longer generated. */
export async function findDocsDrift(pages: Map<string, string>, dir = DOCS_DIR): Promise<string[]> {
  const [label, fix] =
    dir === DOCS_DIR
      ? ["docs", "run `npm run docs`"]
      : [dir, `run \`npm run conformance -- docs --out ${dir}\``];
  const problems: string[] = [];
  for (const [file, content] of pages) {
    const onDisk = await readFile(join(dir, file), "utf8").catch(() => undefined);
    if (onDisk === undefined) problems.push(`${label}/${file} is missing: ${fix}`);
    else if (onDisk !== content) {
      const line = firstDifferentLine(onDisk, content);
      problems.push(`${label}/${file} is out of date (first difference at line ${line}): ${fix}`);
    }
  }
  for (const file of await operationPages(dir)) {
    if (!pages.has(file)) problems.push(`${label}/${file} documents no operation any more: ${fix}`);
  }
  return problems;
}

/** Writes the pages and removes operation pages that are no longer generated. */
export async function writeDocs(pages: Map<string, string>, dir = DOCS_DIR): Promise<string[]> {
  for (const file of await operationPages(dir)) {
    if (!pages.has(file)) await rm(join(dir, file));
  }
  for (const [file, content] of pages) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), content);
  }
  return [...pages.keys()];
}

async function operationPages(dir: string): Promise<string[]> {
  const names = await readdir(join(dir, OPERATIONS_DIR)).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(".md")).map((n) => `${OPERATIONS_DIR}/${n}`);
}
