import type { ScenarioOutcome } from "../engine/outcome.ts";
import type { Exchange } from "../transport/exchange.ts";
import { curlCommand, TOKEN_VARIABLE } from "./curl.ts";
import { callUnderTest } from "./report-data.ts";

/** A body longer than this is cut in a console line: a log is read, not searched. */
export const CONSOLE_BODY_LIMIT = 2048;

/**
 * The headers that explain a failure: the media types, the microversion asked for and served,
 * the request ids a cloud operator needs, and why authentication was refused. The others are
 * noise in a log, and some may carry credentials.
 */
export function mattersForReproduction(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower === "content-type" ||
    lower === "accept" ||
    lower === "www-authenticate" ||
    lower.endsWith("api-version") ||
    lower.endsWith("request-id")
  );
}

/** The exchange with only the headers that matter (see mattersForReproduction). */
export function withMatteringHeaders(exchange: Exchange): Exchange {
  const pick = (headers: Record<string, string>) =>
    Object.fromEntries(Object.entries(headers).filter(([name]) => mattersForReproduction(name)));
  return {
    ...exchange,
    request: { ...exchange.request, headers: pick(exchange.request.headers) },
    response: { ...exchange.response, headers: pick(exchange.response.headers) },
  };
}

/**
 * The call under test of a red scenario as console lines: request and response with the
 * headers that matter and bodies cut at CONSOLE_BODY_LIMIT, then a curl command that repeats
 * it. Without a call under test, the last exchange is shown: it is where the scenario stopped.
 * `outcome` must already be redacted; the curl command reads the token from $OS_TOKEN.
 */
export function reproductionLines(outcome: ScenarioOutcome): string[] {
  const call = callUnderTest(outcome);
  const shown = call ?? outcome.exchanges.at(-1);
  if (!shown) return [];
  const { request, response } = withMatteringHeaders(shown);
  return [
    call ? "  call under test:" : "  last call before the scenario stopped:",
    `    > ${request.method} ${request.url}`,
    ...headerLines(request.headers, "    > "),
    ...bodyLines(request.body, "    > "),
    `    < ${response.status}`,
    ...headerLines(response.headers, "    < "),
    ...bodyLines(response.bodyText, "    < "),
    `  repeat it (set $${TOKEN_VARIABLE} first):`,
    ...curlCommand(shown)
      .split("\n")
      .map((line) => `    ${line}`),
  ];
}

function headerLines(headers: Record<string, string>, prefix: string): string[] {
  return Object.entries(headers).map(([name, value]) => `${prefix}${name}: ${value}`);
}

function bodyLines(body: string | undefined, prefix: string): string[] {
  if (body === undefined || body === "") return [];
  const cut =
    body.length <= CONSOLE_BODY_LIMIT
      ? body
      : `${body.slice(0, CONSOLE_BODY_LIMIT)}… (${body.length - CONSOLE_BODY_LIMIT} more characters cut)`;
  // Control characters would move the cursor or recolour the terminal.
  return cut.split("\n").map((line) => `${prefix}${line.replace(/(?!\t)\p{Cc}/gu, "?")}`);
}
