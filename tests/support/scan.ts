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
 * backslashes escaped, non-ASCII as \u00e4 the way Python servers write it), in a URL, or
 * base64-encoded (a Basic auth header, a JWT-like blob).
 */
export function canaryForms(canary: string): { form: string; text: string }[] {
  const json = JSON.stringify(canary).slice(1, -1);
  const ascii = json.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  const forms = [
    { form: "verbatim", text: canary },
    { form: "JSON-escaped", text: json },
    { form: "JSON-escaped (ASCII)", text: ascii },
    { form: "URL-encoded", text: encodeURIComponent(canary) },
    { form: "base64", text: Buffer.from(canary).toString("base64").replace(/=+$/, "") },
  ];
  const seen = new Set<string>();
  return forms.filter(({ text }) => !seen.has(text) && seen.add(text));
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
