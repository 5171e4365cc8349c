const STUB = new URL("./redact.ts", import.meta.url).href;

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  // The stub itself imports the real module; everyone else gets the stub.
  if (resolved.url.endsWith("/src/redaction/redact.ts") && context.parentURL !== STUB) {
    return { ...resolved, url: STUB };
  }
  return resolved;
}
