import type { Contract } from "../contract/load-spec.ts";

/** Names the contract operation of a request seen on the wire (method, path, body). */
export type Classifier = (method: string, path: string, body: string) => string | undefined;

/**
 * Builds a classifier from the contract's paths. The documented version prefix (`/v2/`,
 * `/v2.1/`) matches any served one (`/v3/`), as targets map it. `detachVolume` and
 * `volumeSetupAction` share `POST …/action`: a JSON object whose one key is not `os-detach`
 * is a set-up action, anything else (also a body that is not JSON) the detach.
 */
export function classifier(contract: Contract): Classifier {
  const routes = contract.operations.map((operation) => ({
    id: operation.operationId,
    method: operation.method,
    pattern: pathPattern(operation.path),
  }));
  return (method, path, body) => {
    const ids = routes
      .filter((route) => route.method === method.toUpperCase() && route.pattern.test(path))
      .map((route) => route.id);
    if (ids.length <= 1) return ids[0];
    if (ids.includes("detachVolume") && ids.includes("volumeSetupAction")) {
      return isSetupAction(body) ? "volumeSetupAction" : "detachVolume";
    }
    return ids[0];
  };
}

function isSetupAction(body: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return false;
    const keys = Object.keys(parsed);
    return keys.length === 1 && keys[0] !== "os-detach";
  } catch {
    return false;
  }
}

/** The documented template as a pattern; the endpoint may add a path prefix before it. */
function pathPattern(template: string): RegExp {
  const segments = template.split("/").map((segment, index) => {
    if (index === 1 && /^v[\d.]+$/.test(segment)) return "v[\\d.]+";
    if (/^\{\w+\}$/.test(segment)) return "[^/?]+";
    return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp(`^(?:/[^?]*?)?${segments.join("/")}(?:\\?.*)?$`);
}
