import type { Role } from "../config/description.ts";

/**
 * Which credential a request carried, never the credential itself: the token of a role's
 * session, no token at all, or a token the scenario made up. The one list of kinds; OTC's AK/SK
 * signature will be one more.
 */
export type CredentialKind = Role | "none" | "invalid";

/** One HTTP request and its response, as the harness saw them on the wire. */
export interface Exchange {
  /** The contract operation this call was made for; absent for calls outside the contract. */
  operationId?: string;
  request: {
    method: string;
    url: string;
    /** Who sent it: a replay must send it with the same kind of credential. */
    credentialKind?: CredentialKind;
    headers: Record<string, string>;
    body?: string;
  };
  response: {
    status: number;
    headers: Record<string, string>;
    /** Raw body text: checks must see what the server sent, not what a parser made of it. */
    bodyText: string;
  };
  /**
   * Set when the harness asked again instead of taking this answer (a read answered 429 or
   * 503): why, and after how long. Such an answer is kept for the record but not judged.
   */
  retried?: string;
}

/** Parses a JSON body; `undefined` when the body is empty or not JSON. */
export function jsonBody(exchange: Exchange): unknown {
  const text = exchange.response.bodyText;
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function headersToRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name.toLowerCase()] = value;
  return out;
}

/** Fetches through `fetchFn` and buffers the response so both the caller and observers can read it. */
export async function exchangeOf(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit & { body?: string },
  operationId?: string,
): Promise<Exchange> {
  const response = await fetchFn(url, init);
  const bodyText = await response.text();
  return {
    ...(operationId ? { operationId } : {}),
    request: {
      method: (init.method ?? "GET").toUpperCase(),
      url,
      // As they go on the wire: fetch adds a Content-Type to a text body that has none.
      headers: headersToRecord(new Request(url, init).headers),
      ...(init.body !== undefined ? { body: init.body } : {}),
    },
    response: { status: response.status, headers: headersToRecord(response.headers), bodyText },
  };
}
