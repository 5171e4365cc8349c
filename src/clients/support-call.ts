import type { Exchange } from "./exchange.ts";

/** A set-up or state call answered otherwise than the contract's normal status. */
export class SupportCallError extends Error {
  constructor(
    readonly exchange: Exchange,
    expected: number[],
  ) {
    const { method, url } = exchange.request;
    const { status, bodyText } = exchange.response;
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
