import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/paths.ts";

// Executable documentation cites only what its reader can open: each `docs/sources.md#<anchor>`
// names an anchor of that page, and each Markdown file a text names is in the repository.

const SOURCES = "docs/sources.md";
/** Where the catalog, the contract, the ledger, the library and the pages state facts. */
const CITING = [
  "tests/scenarios",
  "tests/deviations",
  "spec",
  "src",
  "bench",
  "docs",
  "README.md",
  "CONTRIBUTING.md",
];
const TEXT = /\.(ts|mjs|ya?ml|md|json|html)$/;

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

// Relative paths: the checkout itself may sit in a folder named like one left out.
const repoFiles = filesUnder(ROOT.replace(/\/$/, ""))
  .map((path) => relative(ROOT, path))
  .filter((path) => !/^(node_modules|\.git|\.state|reports|\.stryker-tmp)\//.test(path));
const citing = CITING.flatMap((part) => filesUnder(join(ROOT, part)))
  .filter((path) => TEXT.test(path) && !path.endsWith(SOURCES))
  .map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") }));

function anchorsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/<a id="([\w-]+)"><\/a>/g)].map((match) => match[1] ?? ""));
}

/** Each `docs/sources.md#<anchor>` of `text` whose anchor is not in `anchors`. */
function unresolvedCitations(text: string, anchors: ReadonlySet<string>): string[] {
  return [...text.matchAll(/docs\/sources\.md#([\w-]+)/g)]
    .map((match) => match[1] ?? "")
    .filter((anchor) => !anchors.has(anchor));
}

/** Markdown files a run writes (`summary.md` of the reports), not sources. */
const WRITTEN = ["summary.md"];

/** Each Markdown file named in `text` whose name no repository file has. */
function missingMarkdown(text: string, files: readonly string[]): string[] {
  const names = new Set(files.map((file) => basename(file)));
  return [...text.matchAll(/[\w./-]*[\w-]\.md\b/g)]
    .map((match) => basename(match[0]))
    .filter((name) => !names.has(name) && !WRITTEN.includes(name));
}

describe("sources", () => {
  const anchors = anchorsOf(readFileSync(join(ROOT, SOURCES), "utf8"));

  it("are cited, and every citation resolves to an anchor of docs/sources.md", () => {
    const cited = citing.filter(({ text }) => text.includes(`${SOURCES}#`));
    expect(cited.length).toBeGreaterThan(10);
    const broken = cited.flatMap(({ path, text }) =>
      unresolvedCitations(text, anchors).map((anchor) => `${path}: ${SOURCES}#${anchor}`),
    );
    expect(broken).toEqual([]);
  });

  it("name only Markdown files that are in the repository", () => {
    const missing = citing.flatMap(({ path, text }) =>
      missingMarkdown(text, repoFiles).map((name) => `${path}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it("catch a citation of a missing anchor or of a file outside the repository", () => {
    expect(unresolvedCitations("see docs/sources.md#no-such-fact", anchors)).toEqual([
      "no-such-fact",
    ]);
    expect(unresolvedCitations("see docs/sources.md#otc-evs-error-codes", anchors)).toEqual([]);
    expect(missingMarkdown("(research otc-docs.md)", repoFiles)).toEqual(["otc-docs.md"]);
    expect(missingMarkdown("see docs/sources.md", repoFiles)).toEqual([]);
  });
});
