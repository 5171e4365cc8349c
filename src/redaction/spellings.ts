// How one secret value can read in written text. The redactor searches all of them at once.

/** Python servers escape non-ASCII in JSON: \u00fc. */
const asciiJson = (json: string) =>
  json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

const jsonInner = (text: string) => JSON.stringify(text).slice(1, -1);

/**
 * As is; in a JSON string (also ASCII-only), and in a JSON string that is itself the content of
 * a JSON string (a body kept as text inside a report); in a URL or a form, with upper or lower
 * case hex; and base64-encoded at any byte offset (`base64Cores`).
 */
export function spellings(secret: string): string[] {
  const json = jsonInner(secret);
  const twice = jsonInner(json);
  const url = encodeURIComponent(secret);
  const form = url.replace(/%20/g, "+");
  const lower = (encoded: string) => encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
  const all = [secret, json, asciiJson(json), twice, asciiJson(twice), url, form];
  return [...new Set([...all, lower(url), lower(form), ...base64Cores(secret)])];
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
