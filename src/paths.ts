import { fileURLToPath } from "node:url";

// The repository's folders the library reads, named once. The catalog's data (cassettes,
// reviewed deviations, the mutation threshold) lives under tests/: the library reads those
// files, it never imports code from there.
const at = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export const ROOT = at("");
export const SPEC_DIR = at("spec/");
export const CASSETTE_DIR = at("tests/cassettes");
export const DEVIATIONS_DIR = at("tests/deviations/");
export const THRESHOLD_FILE = at("tests/mutation/threshold.json");
