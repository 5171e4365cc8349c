// The import rules that hold the project's shape (run by `npm test`, see tests/structure/):
// the library in src/ stands alone, and its folders import each other in one direction only,
// from the lowest layer to the highest.
const LAYERS = [
  "paths",
  "config",
  "contract",
  "transport",
  "auth",
  "redaction",
  "clients",
  "checks",
  "resources",
  "deviations",
  "engine",
  "targets",
  "preflight",
  "interpose",
  "reports",
  "evidence",
  "docs",
  "mutation",
  "cli",
];

const folder = (layer) => (layer === "paths" ? "^src/paths\\.ts$" : `^src/${layer}/`);

module.exports = {
  forbidden: [
    {
      name: "library-stands-alone",
      comment: "src/ is the library: it never imports the catalog, the tests, scripts or bench",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(tests|scripts|bench)/" },
    },
    {
      name: "no-cycles",
      comment: "a cycle of imports makes the load order matter and the layers meaningless",
      severity: "error",
      from: { path: "^src/" },
      // Type-only imports vanish at run time, so a cycle through one orders no loading.
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    ...LAYERS.map((layer, i) => ({
      name: `layer-${layer}`,
      comment: `src/${layer} may import only the layers below it: ${LAYERS.slice(0, i).join(", ") || "none"}`,
      severity: "error",
      from: { path: folder(layer) },
      to: { path: `^src/(${LAYERS.slice(i + 1).join("|")})(/|\\.ts$)` },
    })),
    {
      name: "every-folder-has-a-layer",
      comment: "a new folder of src/ takes its place in LAYERS",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/(${LAYERS.join("|")})(/|\\.ts$)` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(node_modules|generated)/" },
  },
};
