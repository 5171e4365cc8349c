import type { Exchange } from "../transport/exchange.ts";

/** Set by whoever runs the command: `export OS_TOKEN=$(openstack token issue -f value -c id)`. */
export const TOKEN_VARIABLE = "OS_TOKEN";

/** Headers curl sets itself, or that describe this one connection rather than the call. */
const OMITTED = new Set(["host", "content-length", "connection", "accept-encoding", "user-agent"]);

/** Credential headers a person repeats with their own token. */
const TOKEN_HEADERS = new Set(["x-auth-token", "x-service-token"]);

/**
 * A `curl` command that repeats `exchange`'s request, one option a line, with the token read
 * from $OS_TOKEN rather than written out: the exchange may be redacted, and a command meant to
 * be pasted into a shell or a ticket must not carry a credential. Other credentials (cookies,
 * Authorization) are left out. Every other value is single-quoted, so nothing in a URL, header
 * or body is expanded by the shell; `urlVariables` double-quotes the URL instead, for templates
 * such as `$EVS_ENDPOINT/v2/$PROJECT_ID/…` in the documentation.
 */
export function curlCommand(exchange: Exchange, options: { urlVariables?: boolean } = {}): string {
  const { method, url, headers, body } = exchange.request;
  const parts = ["curl -i"];
  if (method !== "GET" || body !== undefined) {
    parts.push(`-X ${/^[A-Z]+$/.test(method) ? method : quote(method)}`);
  }
  parts.push(options.urlVariables ? doubleQuote(url) : quote(url));
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (TOKEN_HEADERS.has(lower)) parts.push(`-H "${headerName(name)}: $${TOKEN_VARIABLE}"`);
    else if (!OMITTED.has(lower) && !isCredential(lower)) {
      parts.push(`-H ${quote(`${headerName(name)}: ${value}`)}`);
    }
  }
  if (body !== undefined) parts.push(`--data-raw ${quote(body)}`);
  return parts.join(" \\\n  ");
}

function isCredential(name: string): boolean {
  return name === "authorization" || name === "cookie";
}

/** `x-auth-token` → `X-Auth-Token`, as the documentation pages write them. */
function headerName(name: string): string {
  return name.replace(
    /(^|-)([a-z])/g,
    (_, dash: string, letter: string) => dash + letter.toUpperCase(),
  );
}

/** Double quotes that expand `$NAME` but nothing else: backquotes and backslashes escaped. */
function doubleQuote(value: string): string {
  return `"${value.replace(/["\\`]/g, "\\$&")}"`;
}

/** POSIX single quotes: only a single quote needs care, as `'\''`. */
function quote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}
