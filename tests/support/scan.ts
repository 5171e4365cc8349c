import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** One place a canary was found. */
export interface Leak {
  file: string;
  /** From 1. */
  line: number;
  canary: string;
  /** How it was spelled there: verbatim, JSON-escaped, URL-encoded, base64. */
  form: string;
}

/**
 * The ways a secret can show up in a file: as is, inside a JSON string (quotes and
 * backslashes escaped, non-ASCII as \u00e4 the way Python servers write it), in a URL (also
 * with `+` for spaces, as forms write it), or base64-encoded (a Basic auth header, a JWT-like
 * blob) starting at any byte offset of the encoded value.
 */
export function canaryForms(canary: string): { form: string; text: string }[] {
  const json = JSON.stringify(canary).slice(1, -1);
  const ascii = json.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  const url = encodeURIComponent(canary);
  const forms = [
    { form: "verbatim", text: canary },
    { form: "JSON-escaped", text: json },
    { form: "JSON-escaped (ASCII)", text: ascii },
    { form: "URL-encoded", text: url },
    { form: "form-encoded", text: url.replace(/%20/g, "+") },
    ...[0, 1, 2].flatMap((offset) => {
      const text = base64At(canary, offset);
      return [
        { form: `base64 at offset ${offset}`, text },
        {
          form: `base64url at offset ${offset}`,
          text: text.replace(/\+/g, "-").replace(/\//g, "_"),
        },
      ];
    }),
  ];
  const seen = new Set<string>();
  return forms.filter(({ text }) => !seen.has(text) && seen.add(text));
}

/**
 * The characters of base64(prefix + canary + suffix) that the canary alone decides, when
 * `offset` (0, 1 or 2) is the prefix's length modulo 3: those that mix in bits of the
 * neighbouring bytes are left out at both ends.
 */
function base64At(canary: string, offset: number): string {
  const bytes = Buffer.concat([Buffer.alloc(offset, 0xff), Buffer.from(canary)]);
  const encoded = bytes.toString("base64").replace(/=+$/, "");
  const head = [0, 2, 3][offset] as number;
  // The last character holds bits of the following byte unless the length ends a 3-byte group.
  const tail = bytes.length % 3 === 0 ? 0 : 1;
  return encoded.slice(head, encoded.length - tail);
}

/** Every occurrence of every canary in `text`, by line. */
export function scanText(file: string, text: string, canaries: string[]): Leak[] {
  const leaks: Leak[] = [];
  const lines = text.split("\n");
  for (const canary of canaries) {
    for (const { form, text: needle } of canaryForms(canary)) {
      lines.forEach((line, index) => {
        if (line.includes(needle)) leaks.push({ file, line: index + 1, canary, form });
      });
    }
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
