import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** One place a canary was found. */
export interface Leak {
  file: string;
  /** From 1; 0 when it spans lines (base64 wrapped across them). */
  line: number;
  canary: string;
  /** How it was spelled there: verbatim, JSON-escaped, URL-encoded, base64 of …. */
  form: string;
}

/** One way to read a text: the text decoded by `how`. */
interface Reading {
  how: string;
  text: string | Buffer;
}

/** JSON's escapes, one level: `\"`, `\\`, `\n`, `\u00e4`, wherever they stand. */
const unescapeJson = (text: string) =>
  text.replace(/\\(?:u([0-9a-fA-F]{4})|([\s\S]))/g, (_, hex: string | undefined, c: string) =>
    hex
      ? String.fromCharCode(Number.parseInt(hex, 16))
      : (({ n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" } as Record<string, string>)[c] ?? c),
  );

const HTML: Record<string, string> = { amp: "&", quot: '"', lt: "<", gt: ">", apos: "'" };
const unescapeHtml = (text: string) =>
  text.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(\w+));/gi, (entity, hex, dec, name: string) =>
    hex
      ? String.fromCodePoint(Number.parseInt(hex, 16))
      : dec
        ? String.fromCodePoint(Number(dec))
        : (HTML[name] ?? entity),
  );

/** Every run of %xx decoded, upper or lower case hex. */
const decodePercent = (text: string) =>
  text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });

/** Base64 or base64url, possibly wrapped across lines (MIME's 76 characters, PEM's 64). */
const BASE64_RUN = /[A-Za-z0-9+/_-]{4,}(?:={0,2}\r?\n[A-Za-z0-9+/_-]+)*/g;

/** Each base64 run decoded from each of its first four characters: every byte alignment. */
function decodeBase64(text: string): Buffer[] {
  return [...text.matchAll(BASE64_RUN)].flatMap(([run]) => {
    const plain = run
      .replace(/[\r\n=]/g, "")
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    return plain.length < 8 ? [] : [0, 1, 2, 3].map((k) => Buffer.from(plain.slice(k), "base64"));
  });
}

/**
 * The readings of `text` a secret can hide in: as is and HTML-escaped; inside a JSON string,
 * or a JSON string within a JSON string (within one more, as a report holds a body); URL- or
 * form-encoded (upper or lower case hex); and base64 or base64url at any byte offset, also
 * wrapped across lines. The detector decodes rather than encodes, so it does not share the
 * redactor's idea of how a secret is spelled.
 */
export function readings(text: string): Reading[] {
  const found: Reading[] = [];
  const seen = new Set<string>();
  const add = (how: string, read: string) => {
    if (!seen.has(read)) {
      seen.add(read);
      found.push({ how, text: read });
    }
  };
  for (const [html, plain] of [
    ["", text],
    ["HTML-escaped ", unescapeHtml(text)],
  ] as const) {
    const once = unescapeJson(plain);
    const twice = unescapeJson(once);
    for (const [json, read] of [
      ["", plain],
      ["JSON-escaped ", once],
      ["JSON-escaped twice ", twice],
      ["JSON-escaped thrice ", unescapeJson(twice)],
    ] as const) {
      add(`${html}${json}verbatim`, read);
      add(`${html}${json}URL-encoded`, decodePercent(read));
      add(`${html}${json}form-encoded`, decodePercent(read.replace(/\+/g, " ")));
    }
  }
  const decoded = found.flatMap(({ how, text: read }) =>
    decodeBase64(read as string).map((bytes) => ({ how: `base64 of ${how}`, text: bytes })),
  );
  return [...found, ...decoded];
}

/** How `secret` reads somewhere in `read` (from `readings`), or undefined when it does not. */
export function sighting(read: Reading[], secret: string): string | undefined {
  const bytes = Buffer.from(secret);
  return read.find(({ text }) =>
    typeof text === "string" ? text.includes(secret) : text.includes(bytes),
  )?.how;
}

/** Every occurrence of every canary in `text`, by line; line 0 for one that spans lines. */
export function scanText(file: string, text: string, canaries: string[]): Leak[] {
  const leaks: Leak[] = [];
  const lines = text.split("\n").map(readings);
  const whole = readings(text);
  for (const canary of canaries) {
    const before = leaks.length;
    lines.forEach((read, index) => {
      const form = sighting(read, canary);
      if (form) leaks.push({ file, line: index + 1, canary, form });
    });
    const form = leaks.length === before ? sighting(whole, canary) : undefined;
    if (form) leaks.push({ file, line: 0, canary, form });
  }
  return leaks;
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export function scanFiles(files: string[], canaries: string[]): Leak[] {
  return files.flatMap((file) => scanText(file, readFileSync(file, "utf8"), canaries));
}

export function describeLeaks(leaks: Leak[]): string {
  return leaks.map((l) => `${l.file}:${l.line}: ${l.form} canary ${l.canary}`).join("\n");
}
