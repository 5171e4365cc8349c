#!/usr/bin/env node
// The `bin` of the package: the command line, with TypeScript loaded through tsx.
import { register } from "tsx/esm/api";

register();
await import("./conformance.ts");
