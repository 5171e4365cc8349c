import { SECRET_HEADERS, SECRET_JSON_PATHS } from "../auth/secrets.ts";
import type { Exchange } from "../clients/exchange.ts";

export const REDACTED = "REDACTED";

/**
 * Removes credentials from exchanges before anything is written. Secrets sit in request and
 * response headers and in the token request's body; every secret value seen is also
 * remembered, so a token echoed anywhere else (a body, a URL) is scrubbed as well.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers secret values known in advance (passwords of the target description). */
  remember(...values: (string | undefined)[]): void {
    for (const value of values) if (value && value.length >= 4) this.secrets.add(value);
  }

  exchange(exchange: Exchange): Exchange {
    this.learn(exchange);
    return {
      ...exchange,
      request: {
        ...exchange.request,
        url: this.text(exchange.request.url),
        headers: this.headers(exchange.request.headers),
        ...(exchange.request.body !== undefined && { body: this.body(exchange.request.body) }),
      },
      response: {
        ...exchange.response,
        headers: this.headers(exchange.response.headers),
        bodyText: this.text(exchange.response.bodyText),
      },
    };
  }

  /** Replaces every remembered secret value in `text`, also as it reads inside a JSON string. */
  text(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      for (const form of jsonForms(secret)) out = out.split(form).join(REDACTED);
    }
    return out;
  }

  private learn(exchange: Exchange): void {
    for (const headers of [exchange.request.headers, exchange.response.headers]) {
      for (const name of SECRET_HEADERS) this.remember(headers[name]);
    }
    const body = parseJson(exchange.request.body);
    if (body !== undefined) {
      for (const path of SECRET_JSON_PATHS) {
        const value = valueAt(body, path);
        if (typeof value === "string") this.remember(value);
      }
    }
    // Nova answers a server create with the new server's root password.
    const adminPass = valueAt(parseJson(exchange.response.bodyText), "server.adminPass");
    if (typeof adminPass === "string") this.remember(adminPass);
  }

  private headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = (SECRET_HEADERS as readonly string[]).includes(name)
        ? REDACTED
        : this.text(value);
    }
    return out;
  }

  private body(body: string): string {
    const parsed = parseJson(body);
    if (parsed === undefined) return this.text(body);
    for (const path of SECRET_JSON_PATHS) setAt(parsed, path, REDACTED);
    return this.text(JSON.stringify(parsed));
  }
}

/**
 * The secret as a JSON string literal spells it (a quote or backslash escaped; Python servers
 * also escape non-ASCII, `\u00fc`), and verbatim. Longest first, so that the verbatim form
 * never cuts an escape sequence in half.
 */
function jsonForms(secret: string): Set<string> {
  const escaped = JSON.stringify(secret).slice(1, -1);
  const ascii = escaped.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return new Set([ascii, escaped, secret]);
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function setAt(value: unknown, path: string, replacement: string): void {
  const keys = path.split(".");
  const last = keys.pop() as string;
  const parent = keys.length === 0 ? value : valueAt(value, keys.join("."));
  if (typeof parent === "object" && parent !== null && last in parent) {
    (parent as Record<string, unknown>)[last] = replacement;
  }
}
