import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Redactor, renderRedacted } from "../../src/redaction/redact.ts";
import type { Exchange } from "../../src/transport/exchange.ts";
import { readings, sighting } from "../support/scan.ts";

// Random exchanges, header maps, JSON documents and text, with random secrets planted at random
// places: under keys that name a secret in any spelling, and as values the redactor must have
// learned, in every encoding. Nothing the redactor hands back may hold any of them, as the leak
// scan's detector reads it.

/** Words a secret's name is built from; the test's own list, not the redactor's. */
const NAMES = [
  ["admin", "password"],
  ["passwd"],
  ["passcode"],
  ["secret"],
  ["client", "secret"],
  ["token"],
  ["security", "token"],
  ["credentials"],
  ["api", "key"],
  ["secret", "key"],
  ["private", "key"],
  ["admin", "pass"],
  ["x", "auth", "key"],
  ["x", "storage", "token"],
  ["proxy", "authorization"],
];

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

const secretName = fc
  .record({
    words: fc.constantFrom(...NAMES),
    separator: fc.constantFrom("", "_", "-"),
    style: fc.constantFrom("lower", "upper", "camel", "pascal"),
  })
  .map(({ words, separator, style }) =>
    words
      .map((word, i) =>
        style === "upper"
          ? word.toUpperCase()
          : style === "pascal" || (style === "camel" && i > 0)
            ? capital(word)
            : word,
      )
      .join(separator),
  );

const secret = fc.string({
  unit: fc
    .oneof(fc.constantFrom("grapheme-ascii", "grapheme"))
    .chain((unit) => fc.string({ unit, minLength: 1, maxLength: 1 })),
  minLength: 8,
  maxLength: 24,
});

const base64 = (text: string) => Buffer.from(text).toString("base64");

/** How a planted value is written; `prefix` shifts it inside base64 to any byte offset. */
const ENCODINGS: Record<string, (value: string, prefix: string) => string> = {
  verbatim: (value) => value,
  "JSON string in a JSON string": (value) => JSON.stringify({ echo: value }),
  "URL-encoded": (value) => encodeURIComponent(value),
  "URL-encoded, lower case": (value) =>
    encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
  "form-encoded": (value) => encodeURIComponent(value).replace(/%20/g, "+"),
  base64: (value, prefix) => base64(`${prefix}${value}!`),
  base64url: (value, prefix) => Buffer.from(`${prefix}${value}`).toString("base64url"),
  "Basic credentials": (value, prefix) => `Basic ${base64(`${prefix}:${value}`)}`,
  "MIME base64, 76-character lines": (value, prefix) =>
    base64(`${"filler ".repeat(12)}${prefix}${value}${" filler".repeat(12)}`).replace(
      /.{76}(?=.)/g,
      "$&\r\n",
    ),
};

const plant = fc.record({
  secret: fc.nat(),
  encoding: fc.constantFrom(...Object.keys(ENCODINGS)),
  prefix: fc.string({ maxLength: 5 }),
  where: fc.constantFrom("request body", "response body", "url", "header", "text"),
  path: fc.array(fc.constantFrom("a", "b", "items"), { maxLength: 3 }),
});

/** How the redactor comes to know a secret: given, or named by a key in what it sees. */
const known = fc.record({
  how: fc.constantFrom("remembered", "request body", "response body", "header", "nested JSON"),
  name: secretName,
  path: fc.array(fc.constantFrom("a", "b", "items"), { maxLength: 3 }),
});

const document = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
});

const scenario = fc.record({
  secrets: fc.array(fc.record({ value: secret, known }), { minLength: 1, maxLength: 3 }),
  plants: fc.array(plant, { maxLength: 8 }),
  request: document,
  response: document,
  headers: fc.dictionary(fc.stringMatching(/^[a-z][a-z-]{0,8}$/), fc.string({ maxLength: 12 })),
  filler: fc.string({ maxLength: 40 }),
});

/** Puts `value` under `key` at `path` inside `doc`, making objects on the way. */
function put(doc: Record<string, unknown>, path: string[], key: string, value: unknown): void {
  let at = doc;
  for (const step of path) {
    const next = at[step];
    const inner: Record<string, unknown> =
      typeof next === "object" && next !== null && !Array.isArray(next)
        ? (next as Record<string, unknown>)
        : {};
    at[step] = inner;
    at = inner;
  }
  at[key] = value;
}

describe("no planted secret survives redaction", () => {
  it("in exchanges, reports and text, in any encoding", () => {
    fc.assert(
      fc.property(scenario, ({ secrets, plants, request, response, headers, filler }) => {
        const requestDoc: Record<string, unknown> = structuredClone(request);
        const responseDoc: Record<string, unknown> = structuredClone(response);
        const requestHeaders: Record<string, string> = { ...headers };
        const remembered: string[] = [];
        const query: string[] = [];
        const texts: string[] = [];
        secrets.forEach(({ value, known: { how, name, path } }, i) => {
          if (how === "remembered") remembered.push(value);
          else if (how === "header") requestHeaders[name] = value;
          else if (how === "nested JSON") {
            put(responseDoc, path, `kept${i}`, JSON.stringify({ [name]: value }));
          } else put(how === "request body" ? requestDoc : responseDoc, path, name, value);
        });
        plants.forEach(({ secret: which, encoding, prefix, where, path }, i) => {
          const value = (secrets[which % secrets.length] as { value: string }).value;
          const written = (ENCODINGS[encoding] as (v: string, p: string) => string)(value, prefix);
          if (where === "url") query.push(`q${i}=${written}`);
          else if (where === "header") requestHeaders[`x-note-${i}`] = written;
          else if (where === "text") texts.push(`${filler}${written}${filler}`);
          else put(where === "request body" ? requestDoc : responseDoc, path, `n${i}`, written);
        });
        const exchange: Exchange = {
          request: {
            method: "POST",
            url: `http://127.0.0.1:8776/v3/volumes?${query.join("&")}`,
            headers: requestHeaders,
            body: JSON.stringify(requestDoc),
          },
          response: { status: 400, headers: {}, bodyText: JSON.stringify(responseDoc) },
        };

        const redactor = new Redactor();
        redactor.remember(...remembered);
        const redacted = redactor.exchange(exchange);
        const outputs = [
          redacted.request.url,
          redacted.request.body ?? "",
          redacted.response.bodyText,
          ...Object.values(redacted.request.headers),
          ...texts.map((text) => redactor.text(text)),
          renderRedacted([{ exchanges: [exchange], notes: texts }], remembered, (clean) =>
            JSON.stringify(clean),
          ),
        ];
        for (const output of outputs) {
          const read = readings(output);
          for (const { value } of secrets) {
            expect(sighting(read, value), `${JSON.stringify(value)} in ${output}`).toBeUndefined();
          }
        }
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it("is seen by the detector when the redactor does nothing", () => {
    // The property above holds only if the detector finds each encoding at all.
    for (const [encoding, write] of Object.entries(ENCODINGS)) {
      for (const prefix of ["", "u", "us"]) {
        const value = 'Pl"ant\\ed-sëcret 1/2+3=';
        const body = JSON.stringify({ note: write(value, prefix) });
        expect(sighting(readings(body), value), `${encoding} at ${prefix.length}`).toBeDefined();
      }
    }
  });
});
