import { isSecretName, SECRET_JSON_PATHS } from "../auth/secrets.ts";
import type { Exchange } from "../transport/exchange.ts";
import { type SecretSearch, secretSearch } from "./spans.ts";

export { base64Cores } from "./spellings.ts";

// The one place that decides what a secret looks like. Cassettes, reports, console lines, the
// kill matrix, the drift report and set-up errors all go through a Redactor before they are
// written or printed.

export const REDACTED = "REDACTED";

/** Shorter values would shred ordinary text and hide nothing. */
const MIN_SECRET_LENGTH = 4;

/**
 * Removes credentials from exchanges and from anything derived from them. Secrets sit in
 * request and response headers and in JSON bodies under keys that name a secret (a token
 * request's password, a new server's `adminPass`), also in JSON kept as a string inside JSON;
 * every such value seen is also remembered, so that the same value echoed anywhere else (a
 * body, a URL, an error message) is scrubbed too. Credentials of a known shape (Fernet tokens,
 * JWTs, private keys, AK/SK signatures) go wherever they appear.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** Finds every secret; rebuilt when a secret is learned. */
  private search: SecretSearch | undefined;

  /** Registers secret values known in advance (passwords of the target description). */
  remember(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (
        value &&
        value.length >= MIN_SECRET_LENGTH &&
        value !== REDACTED &&
        !this.secrets.has(value)
      ) {
        this.secrets.add(value);
        this.search = undefined;
      }
    }
  }

  /** Every secret learned so far, and those given to `remember`. */
  known(): string[] {
    return [...this.secrets];
  }

  /** Learns the secrets an exchange carries (headers, request and response bodies). */
  learn(exchange: Exchange): void {
    for (const headers of [exchange.request.headers, exchange.response.headers]) {
      for (const [name, value] of Object.entries(headers)) {
        if (isSecretName(name)) this.remember(value);
      }
    }
    for (const text of [exchange.request.body, exchange.response.bodyText]) {
      const body = parseJson(text);
      this.learnValue(body);
      for (const path of SECRET_JSON_PATHS) {
        const value = valueAt(body, path);
        if (typeof value === "string") this.remember(value);
      }
    }
  }

  /** Learns every string under a secret-naming key of a parsed JSON document, or of JSON text. */
  learnValue(value: unknown): void {
    if (typeof value === "string") {
      const inner = nestedJson(value);
      if (inner !== undefined) this.learnValue(inner);
    } else if (Array.isArray(value)) {
      for (const item of value) this.learnValue(item);
    } else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (isSecretName(key) && typeof inner === "string") this.remember(inner);
        else this.learnValue(inner);
      }
    }
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
        bodyText: this.body(exchange.response.bodyText),
      },
    };
  }

  /**
   * Replaces every remembered secret in `text` in any spelling (`spellings`), also base64
   * wrapped across lines and its head before a cut mark (`CUT`), and every credential shape.
   */
  text(text: string): string {
    this.search ??= secretSearch([...this.secrets]);
    const spans = this.search.spans(text);
    return spans.length === 0 ? text : replaceSpans(text, spans);
  }

  /**
   * A deep copy of `value`: every string scrubbed, every string under a secret-naming key
   * replaced, also inside JSON that a string holds.
   */
  value<T>(value: T): T {
    if (typeof value === "string") {
      const inner = nestedJson(value);
      if (inner !== undefined && holdsSecret(inner)) {
        return this.text(JSON.stringify(this.value(inner))) as T;
      }
      return this.text(value) as T;
    }
    if (Array.isArray(value)) return value.map((item) => this.value(item)) as T;
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [
          key,
          isSecretName(key) && typeof inner === "string" ? REDACTED : this.value(inner),
        ]),
      ) as T;
    }
    return value;
  }

  private headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = isSecretName(name) ? REDACTED : this.text(value);
    }
    return out;
  }

  /** A JSON body keeps its spelling unless a secret-naming key holds a value too short to learn. */
  private body(body: string): string {
    const parsed = parseJson(body);
    const scrubbed = this.text(body);
    if (parsed === undefined || !holdsSecret(parseJson(scrubbed))) return scrubbed;
    for (const path of SECRET_JSON_PATHS) setAt(parsed, path, REDACTED);
    return this.text(JSON.stringify(this.value(parsed)));
  }
}

/** What holds exchanges: a scenario's outcome, for one. */
interface WithExchanges {
  exchanges: Exchange[];
}

/** A redactor that knows `knownSecrets` and everything the outcomes' exchanges carry. */
export function redactorFor(outcomes: readonly WithExchanges[], knownSecrets: string[]): Redactor {
  const redactor = new Redactor();
  redactor.remember(...knownSecrets);
  for (const exchange of outcomes.flatMap((outcome) => outcome.exchanges)) {
    redactor.learn(exchange);
  }
  return redactor;
}

/** Replaces each known secret value in `text` with REDACTED, in every spelling. */
export function redactSecrets(text: string, knownSecrets: string[]): string {
  return redactorFor([], knownSecrets).text(text);
}

/**
 * Renders a report with no secret in it. The secrets are the known ones plus every credential
 * the outcomes' exchanges carry. They are removed from every string before rendering, because
 * escaping changes how a secret reads (`&` becomes `&amp;` in XML, `|` becomes `\|` in
 * Markdown), and once more from the final text.
 */
export function renderRedacted<T extends WithExchanges>(
  outcomes: T[],
  knownSecrets: string[],
  render: (clean: T[]) => string,
): string {
  const redactor = redactorFor(outcomes, knownSecrets);
  return redactor.text(render(redactor.value(outcomes)));
}

/** `text` with each span replaced by one REDACTED. */
function replaceSpans(text: string, spans: readonly [number, number][]): string {
  let out = "";
  let copied = 0;
  for (const [from, to] of spans) {
    out += `${text.slice(copied, from)}${REDACTED}`;
    copied = to;
  }
  return out + text.slice(copied);
}

function holdsSecret(value: unknown): boolean {
  if (typeof value === "string") {
    const inner = nestedJson(value);
    return inner !== undefined && holdsSecret(inner);
  }
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([key, inner]) =>
    isSecretName(key) && typeof inner === "string" ? inner !== REDACTED : holdsSecret(inner),
  );
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The document a string holds when it is JSON text of an object or array. */
function nestedJson(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return undefined;
  const parsed = parseJson(text);
  return typeof parsed === "object" && parsed !== null ? parsed : undefined;
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
