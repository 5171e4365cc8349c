// Runs one measurement module in a process of its own and writes its result as JSON:
// `node --import tsx bench/lib/child.ts <module> <options-json> <out-file>`.
import { writeFileSync } from "node:fs";
import type { BenchOptions } from "./options.ts";

const [name, optionsJson, outFile] = process.argv.slice(2);
if (!name || !optionsJson || !outFile) {
  process.stderr.write("usage: child.ts <module> <options-json> <out-file>\n");
  process.exit(2);
}
const module = (await import(`../${name}.ts`)) as {
  measure(options: BenchOptions): Promise<unknown>;
};
const result = await module.measure(JSON.parse(optionsJson) as BenchOptions);
writeFileSync(outFile, JSON.stringify(result));
// Keep-alive sockets or nock's listeners must not hold the measurement open.
process.exit(0);
