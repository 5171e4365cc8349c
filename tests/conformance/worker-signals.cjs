// Preloaded into the conformance worker by the command line (scripts/interruption.ts). Ctrl-C
// signals the whole process group, the worker included; a worker that dies of it while it is
// still starting (before tests/conformance/catalog.test.ts installs its own handler) leaves
// vitest's pool waiting for an answer that never comes. Until the catalog takes over, the
// signals are ignored here: the command line gets them too, and cancels the run.
const ignore = () => {};
process.on("SIGINT", ignore);
process.on("SIGTERM", ignore);
globalThis[Symbol.for("conformance.releaseBootSignals")] = () => {
  process.off("SIGINT", ignore);
  process.off("SIGTERM", ignore);
};
