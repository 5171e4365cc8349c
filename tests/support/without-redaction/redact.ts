// The redaction module with redaction switched off, for the leak test's negative control only
// (see register.mjs). It keeps the real module's API and learns as it does, and hides nothing.

import type { ScenarioOutcome } from "../../../src/engine/outcome.ts";
import * as real from "../../../src/redaction/redact.ts";
import type { Exchange } from "../../../src/transport/exchange.ts";

export const REDACTED = real.REDACTED;
export const base64Cores = real.base64Cores;

export class Redactor extends real.Redactor {
  override exchange(exchange: Exchange): Exchange {
    this.learn(exchange);
    return exchange;
  }
  override text(text: string): string {
    return text;
  }
  override value<T>(value: T): T {
    return value;
  }
}

export function redactorFor(outcomes: ScenarioOutcome[], knownSecrets: string[]): Redactor {
  const redactor = new Redactor();
  redactor.remember(...knownSecrets);
  for (const exchange of outcomes.flatMap((outcome) => outcome.exchanges)) redactor.learn(exchange);
  return redactor;
}

export function redactSecrets(text: string, _knownSecrets: string[]): string {
  return text;
}

export function renderRedacted(
  outcomes: ScenarioOutcome[],
  _knownSecrets: string[],
  render: (clean: ScenarioOutcome[]) => string,
): string {
  return render(outcomes);
}
