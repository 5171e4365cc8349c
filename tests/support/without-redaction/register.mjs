// Test-only: `node --import` this file and every import of src/redaction/redact.ts gets
// ./redact.ts instead, whose Redactor hides nothing. The leak test's negative control runs the
// real command line this way to prove its scan would see a leak; nothing the project ships
// can switch redaction off.
import { register } from "node:module";

register("./loader.mjs", import.meta.url);
