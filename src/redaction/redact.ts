import { isSecretName, SECRET_JSON_PATHS } from "../auth/secrets.ts";
import type { Exchange } from "../transport/exchange.ts";

// The one place that decides what a secret looks like. Cassettes, reports, console lines, the
// kill matrix, the drift report and set-up errors all go through a Redactor before they are
// written or printed.

export const REDACTED = "REDACTED";

/** Shorter values would shred ordinary text and hide nothing. */
const MIN_SECRET_LENGTH = 4;

/**
 * Removes credentials from exchanges and from anything derived from them. Secrets sit in
 * request and response headers and in JSON bodies under keys that name a secret (a token
 * request's password, a new server's `adminPass`); every such value seen is also remembered,
 * so that the same value echoed anywhere else (a body, a URL, an error message) is scrubbed too.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** Finds the spellings of every secret; rebuilt when a secret is learned. */
  private patterns: SecretPatterns | undefined;

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
        this.patterns = undefined;
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

  /** Learns every string under a secret-naming key of a parsed JSON document. */
  learnValue(value: unknown): void {
    if (Array.isArray(value)) {
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
   * Replaces every remembered secret in `text`: verbatim, as a JSON string spells it, URL-encoded,
   * and base64-encoded at any of the three byte offsets it can start at.
   */
  text(text: string): string {
    if (this.secrets.size === 0) return text;
    this.patterns ??= secretPatterns([...this.secrets].flatMap(spellings));
    // Nearly every string holds no secret: one search over all spellings settles it.
    if (!this.patterns.any.test(text)) return text;
    return replaceSpans(text, this.patterns.each);
  }

  /** A deep copy of `value`: every string scrubbed, every string under a secret-naming key replaced. */
  value<T>(value: T): T {
    if (typeof value === "string") return this.text(value) as T;
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

interface SecretPatterns {
  /** Matches where any spelling occurs. */
  any: RegExp;
  /** Reports, at every position, the longest spelling that starts there. */
  each: RegExp;
}

function secretPatterns(forms: string[]): SecretPatterns {
  // An empty alternative would match everywhere; no secret spells as nothing.
  const alternatives = [...new Set(forms.filter((form) => form.length > 0))]
    .sort((a, b) => b.length - a.length)
    .map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|");
  return { any: new RegExp(alternatives), each: new RegExp(`(?=(${alternatives}))`, "g") };
}

/**
 * Replaces every stretch of `text` covered by a spelling with one REDACTED. Overlapping
 * spellings of two secrets merge into one stretch, so neither leaves a piece of itself behind.
 */
function replaceSpans(text: string, each: RegExp): string {
  const spans: [number, number][] = [];
  for (const match of text.matchAll(each)) {
    const from = match.index;
    const to = from + (match[1] as string).length;
    const last = spans.at(-1);
    if (last && from < last[1]) last[1] = Math.max(last[1], to);
    else spans.push([from, to]);
  }
  let out = "";
  let copied = 0;
  for (const [from, to] of spans) {
    out += `${text.slice(copied, from)}${REDACTED}`;
    copied = to;
  }
  return out + text.slice(copied);
}

/** How a secret can read in written text: as is, in a JSON string, in a URL, in base64. */
function spellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  // Python servers escape non-ASCII in JSON: \u00fc.
  const ascii = json.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  const url = encodeURIComponent(secret);
  return [secret, json, ascii, url, url.replace(/%20/g, "+"), ...base64Cores(secret)];
}

/**
 * The base64 characters that depend on the secret alone, for each of the three byte offsets it
 * can start at inside a longer encoded value, in standard and URL-safe alphabets. Cores shorter
 * than 8 characters are left out: too short to be the secret's and no one else's.
 */
export function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const cores: string[] = [];
  for (const offset of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const whole = Math.floor(padded.length / 3) * 3;
    // Characters that hold bits of the bytes before the secret.
    const skip = [0, 2, 3][offset] as number;
    const core = padded.subarray(0, whole).toString("base64").slice(skip);
    const tail = padded.length - whole;
    // A trailing partial group of one or two bytes fixes as many characters on its own.
    const rest = padded.subarray(whole).toString("base64").slice(0, tail);
    const full = core + rest;
    if (full.length >= 8) cores.push(full, full.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return cores;
}

function holdsSecret(value: unknown): boolean {
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
