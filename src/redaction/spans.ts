import { SECRET_SHAPES } from "./shapes.ts";
import { spellings } from "./spellings.ts";

// Where secrets sit in a text: every spelling of a learned value, every credential shape, base64
// wrapped across lines, and the head of a spelling cut short by truncation.

/** A stretch of text to replace: [from, to). */
type Span = [number, number];

/** What `truncate` appends where it cuts a text. */
export const CUT = "…";

/** Shorter heads of a secret before a cut would shred ordinary text and hide nothing. */
const MIN_CUT_HEAD = 4;

/** A line break between base64 lines, in raw text or as a JSON string escapes it. */
const BREAK = String.raw`(?:\\r|\r)?(?:\\n|\n)`;
const B64 = "[A-Za-z0-9+/_-]";
/** Base64 wrapped across lines (MIME's 76 characters, PEM's 64), each line but the last long. */
// Starts only where a run starts and takes each line whole (a lookahead and its backreference
// never give back characters), so a long run with no break costs one pass, not one per length.
const WRAPPED = new RegExp(`(?<!${B64})(?:(?=(${B64}{16,}))\\1={0,2}${BREAK})+${B64}+`, "g");
const LINE_BREAK = new RegExp(BREAK, "g");

/** Where a credential shape may start: literal heads, cheap to look for in every text. */
const SHAPE_HEADS = /gAAAAA|eyJ|-----BEGIN|SDK-HMAC|Basic |Bearer /;

export interface SecretSearch {
  /** Every stretch of `text` that holds a secret, sorted and merged; most texts have none. */
  spans(text: string): Span[];
}

const literal = (form: string) => form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function secretSearch(secrets: readonly string[]): SecretSearch {
  // An empty alternative would match everywhere; no secret spells as nothing.
  const forms = [...new Set(secrets.flatMap(spellings))]
    .filter((form) => form.length > 0)
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) return { spans: (text) => merge(shapeSpans(text)) };
  const alternatives = forms.map(literal).join("|");
  // Literals only, so the engine skips ahead to where one can start: one search settles a text.
  const any = new RegExp(alternatives);
  // At every position, the longest spelling that starts there.
  const each = new RegExp(`(?=(${alternatives}))`, "g");
  return {
    spans: (text) =>
      merge([
        ...(any.test(text) ? spellingSpans(text, each) : []),
        ...shapeSpans(text),
        ...(text.includes("\n") || text.includes("\\n") ? wrappedSpans(text, each) : []),
        ...(text.includes(CUT) ? cutSpans(text, forms) : []),
      ]),
  };
}

function spellingSpans(text: string, each: RegExp): Span[] {
  return [...text.matchAll(each)].map((m) => [m.index, m.index + (m[1] as string).length]);
}

/** A shape's last group, when it has one, is the credential; the rest of the match names it. */
function shapeSpans(text: string): Span[] {
  if (!SHAPE_HEADS.test(text)) return [];
  return SECRET_SHAPES.flatMap((shape) =>
    [...text.matchAll(shape)].map((m): Span => {
      const end = m.index + m[0].length;
      const secret = m.at(-1);
      return [m.length > 1 && secret !== undefined ? end - secret.length : m.index, end];
    }),
  );
}

/** Spellings inside base64 that is wrapped across lines, found with the line breaks taken out. */
function wrappedSpans(text: string, each: RegExp): Span[] {
  const spans: Span[] = [];
  for (const block of text.matchAll(WRAPPED)) {
    // For each character of the joined block, where it stands in `text`.
    const at: number[] = [];
    let joined = "";
    let copied = 0;
    for (const gap of block[0].matchAll(LINE_BREAK)) {
      for (let i = copied; i < gap.index; i++) at.push(block.index + i);
      joined += block[0].slice(copied, gap.index);
      copied = gap.index + gap[0].length;
    }
    for (let i = copied; i < block[0].length; i++) at.push(block.index + i);
    joined += block[0].slice(copied);
    for (const [from, to] of spellingSpans(joined, each)) {
      spans.push([at[from] as number, (at[to - 1] as number) + 1]);
    }
  }
  return spans;
}

/**
 * The head of a spelling right before a cut mark: `truncate` ran before the secret was known,
 * and the rest of it is gone.
 */
function cutSpans(text: string, forms: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (let cut = text.indexOf(CUT); cut !== -1; cut = text.indexOf(CUT, cut + 1)) {
    let longest = 0;
    for (const form of forms) {
      const first = form.charCodeAt(0);
      for (let length = Math.min(form.length - 1, cut); length > longest; length--) {
        if (length < MIN_CUT_HEAD) break;
        if (text.charCodeAt(cut - length) !== first) continue;
        if (text.startsWith(form.slice(0, length), cut - length)) {
          longest = length;
          break;
        }
      }
    }
    if (longest > 0) spans.push([cut - longest, cut]);
  }
  return spans;
}

/** Sorted, overlapping or touching stretches joined: no piece of a secret is left between. */
function merge(spans: Span[]): Span[] {
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const [from, to] of spans) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}
