import type { Reporter, Vitest } from "vitest/node";

// The default reporter of a run of several files names a skipped file, but neither its skipped
// tests nor why they were skipped. This reporter, after the summary, lists each skipped describe
// once and each other skipped test, by the title that says why (a missing tool, the target not
// up) or by the note of `ctx.skip(note)`.

interface CaseNode {
  type: "test";
  name: string;
  result(): { state: string; note?: string | undefined };
}

interface SuiteNode {
  type: "suite";
  name: string;
  state(): string;
  children: Iterable<CaseNode | SuiteNode>;
}

export interface ModuleNode {
  relativeModuleId: string;
  children: Iterable<CaseNode | SuiteNode>;
}

/** One line per skipped describe (with how many tests it holds) and per other skipped test. */
export function skippedLines(modules: Iterable<ModuleNode>): string[] {
  const lines: string[] = [];
  const visit = (nodes: Iterable<CaseNode | SuiteNode>, at: string) => {
    for (const node of nodes) {
      const name = `${at} > ${node.name}`;
      if (node.type === "suite") {
        if (node.state() !== "skipped") visit(node.children, name);
        else lines.push(`${name} (${countTests(node.children)} tests)`);
      } else {
        const { state, note } = node.result();
        if (state === "skipped") lines.push(note ? `${name} [${note}]` : name);
      }
    }
  };
  for (const module of modules) visit(module.children, module.relativeModuleId);
  return lines;
}

function countTests(nodes: Iterable<CaseNode | SuiteNode>): number {
  let count = 0;
  for (const node of nodes) count += node.type === "suite" ? countTests(node.children) : 1;
  return count;
}

export default class SkipReasons implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(modules: ReadonlyArray<ModuleNode>): void {
    // A name filter skips every other test: listing those would say nothing.
    if (!this.vitest || this.vitest.config.testNamePattern !== undefined) return;
    const lines = skippedLines(modules);
    if (lines.length === 0) return;
    this.vitest.logger.log(["Skipped, and why:", ...lines.map((line) => `  ↓ ${line}`)].join("\n"));
  }
}
