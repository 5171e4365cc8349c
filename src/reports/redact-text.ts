import type { ScenarioOutcome } from "../engine/outcome.ts";
import { REDACTED, Redactor } from "../targets/redact.ts";

export { REDACTED };

/**
 * Replaces each known secret value in `text` with REDACTED, also as a JSON string literal spells
 * it. Uses the recorder's Redactor so reports and cassettes agree on what a secret looks like;
 * like it, ignores values shorter than 4 characters, which would shred the text and hide nothing.
 */
export function redactSecrets(text: string, knownSecrets: string[]): string {
  return redactorFor([], knownSecrets).text(text);
}

/**
 * Renders a report with no secret in it. The secrets are the known ones plus every credential
 * the outcomes' exchanges carry (auth headers, token request bodies). They are removed from every
 * string before rendering, because escaping changes how a secret reads (`&` becomes `&amp;` in
 * XML, `|` becomes `\|` in Markdown), and once more from the final text.
 */
export function renderRedacted(
  outcomes: ScenarioOutcome[],
  knownSecrets: string[],
  render: (clean: ScenarioOutcome[]) => string,
): string {
  const redactor = redactorFor(outcomes, knownSecrets);
  return redactor.text(render(scrub(outcomes, redactor)));
}

function redactorFor(outcomes: ScenarioOutcome[], knownSecrets: string[]): Redactor {
  const redactor = new Redactor();
  redactor.remember(...knownSecrets);
  // Called for what it learns: the redacted copies are not needed here.
  for (const exchange of outcomes.flatMap((outcome) => outcome.exchanges)) {
    redactor.exchange(exchange);
  }
  return redactor;
}

function scrub<T>(value: T, redactor: Redactor): T {
  if (typeof value === "string") return redactor.text(value) as T;
  if (Array.isArray(value)) return value.map((item) => scrub(item, redactor)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, scrub(item, redactor)]),
    ) as T;
  }
  return value;
}
