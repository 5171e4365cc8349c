import { Redactor } from "../redaction/redact.ts";
import type { Exchange } from "../transport/exchange.ts";

/** A set-up or state call answered otherwise than the contract's normal status. */
export class SupportCallError extends Error {
  constructor(
    readonly exchange: Exchange,
    expected: number[],
  ) {
    // The message is printed and reported: it quotes the answer with the call's credentials
    // (and any secret the answer names) taken out.
    const { request, response } = new Redactor().exchange(exchange);
    const { method, url } = request;
    const { status, bodyText } = response;
    super(
      `${exchange.operationId ?? "call"} ${method} ${url} answered ${status} (expected ${expected.join(" or ")}): ${bodyText.slice(0, 300)}`,
    );
    this.name = "SupportCallError";
  }
}

/** The parsed body of a support call, which must succeed for a scenario to go on. */
export function expectStatus<T>(exchange: Exchange, ...statuses: number[]): T {
  if (!statuses.includes(exchange.response.status)) throw new SupportCallError(exchange, statuses);
  const text = exchange.response.bodyText;
  return (text === "" ? undefined : JSON.parse(text)) as T;
}
