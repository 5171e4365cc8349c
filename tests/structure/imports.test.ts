import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../src/paths.ts";

const exec = promisify(execFile);
const DEPCRUISE = join(ROOT, "node_modules/.bin/depcruise");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");

/** depcruise's verdict on `src/` of `cwd`, as `npm run imports` prints it. */
async function cruise(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await exec(DEPCRUISE, ["src", "--config", CONFIG, "--output-type", "err"], {
      cwd,
    });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: `${failed.stdout}${failed.stderr}` };
  }
}

describe("import rules (.dependency-cruiser.cjs)", { timeout: 60_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "imports-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    writeFileSync(join(scratch, path), text);
  };

  it("hold for the library as it is", async () => {
    const { code, output } = await cruise(ROOT);
    expect(output).toContain("no dependency violations found");
    expect(code).toBe(0);
  });

  it("fail on an upward import, on an import of tests/, on a cycle and on a folder with no layer, naming each path", async () => {
    write(
      "tsconfig.json",
      JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true } }),
    );
    write("src/cli/main.ts", "export const main = 1;\n");
    write(
      "src/transport/upward.ts",
      'import { main } from "../cli/main.ts";\nexport const x = main;\n',
    );
    write("tests/scenarios/catalog.ts", "export const CATALOG = [];\n");
    write(
      "src/engine/catalog.ts",
      'import { CATALOG } from "../../tests/scenarios/catalog.ts";\nexport const c = CATALOG;\n',
    );
    write("src/checks/a.ts", 'import { b } from "./b.ts";\nexport const a = () => b;\n');
    write("src/checks/b.ts", 'import { a } from "./a.ts";\nexport const b = () => a;\n');
    write("src/stray/thing.ts", 'import { main } from "../cli/main.ts";\nexport const t = main;\n');
    const { code, output } = await cruise(scratch);
    expect(code).not.toBe(0);
    expect(output).toMatch(/layer-transport: src\/transport\/upward\.ts → src\/cli\/main\.ts/);
    expect(output).toMatch(
      /library-stands-alone: src\/engine\/catalog\.ts → tests\/scenarios\/catalog\.ts/,
    );
    expect(output).toMatch(/no-cycles: src\/checks\/a\.ts →/);
    expect(output).toMatch(/every-folder-has-a-layer: src\/stray\/thing\.ts/);
  });
});
