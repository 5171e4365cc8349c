// Turns whatever global fetch + undici throw into one typed error whose message says what is
// wrong and what to do. undici wraps the real reason in `cause` (often two levels deep), so the
// whole chain is searched for a known error code.

export type TransportErrorKind =
  | "refused"
  | "dns"
  | "tls"
  | "timeout"
  | "reset"
  | "truncated"
  | "other";

export class TransportError extends Error {
  override readonly name = "TransportError";

  constructor(
    readonly kind: TransportErrorKind,
    readonly method: string,
    readonly url: string,
    message: string,
    /** The error code found in the cause chain (e.g. ECONNREFUSED), if any. */
    readonly code: string | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

export interface FailedRequest {
  method: string;
  url: string;
  connectMs: number;
  readMs: number;
  /** `body` when the status and headers had arrived: a reset then cut the answer short. */
  phase?: "headers" | "body";
}

const CA_HINT =
  "if the server uses a private CA, give its CA bundle (tls.caFile in the target description, OS_CACERT, or cacert in clouds.yaml)";

const TLS_CODE = /CERT|SELF_SIGNED|^UNABLE_TO_|^ERR_TLS_|^ERR_SSL_|^EPROTO$/;

export function toTransportError(error: unknown, request: FailedRequest): TransportError {
  const { method, url } = request;
  // fetch also fails on a malformed URL; then there is no origin to name.
  const { origin, hostname } = URL.canParse(url) ? new URL(url) : { origin: url, hostname: url };
  const found = findCode(error);
  const code = found?.code;
  const reason = found?.message ?? describe(error);
  const make = (kind: TransportErrorKind, message: string) =>
    new TransportError(kind, method, url, message, code, { cause: error });

  // nock's replay errors carry network-like codes (ENETUNREACH) and multi-line JSON messages.
  if (found?.name === "NetConnectNotAllowedError" || code === "ERR_NOCK_NO_MATCH") {
    return make(
      "other",
      `${method} ${url}: no recorded response matches and the network is closed (nock): record again, or check that the request still matches the recording.`,
    );
  }
  switch (code) {
    case "ECONNREFUSED":
      return make(
        "refused",
        `cannot connect to ${origin} (connection refused): is the endpoint up?`,
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return make(
        "dns",
        `cannot resolve host ${hostname} (${code}) for ${origin}: check the URL in the target description, OS_AUTH_URL or clouds.yaml, and your DNS or proxy settings (HTTPS_PROXY, NO_PROXY).`,
      );
    case "UND_ERR_CONNECT_TIMEOUT":
    case "ETIMEDOUT":
      return make(
        "timeout",
        `cannot connect to ${origin} within ${request.connectMs} ms: check the network, firewall and proxy settings (HTTPS_PROXY, NO_PROXY); raise timeouts.connectMs for a slow link.`,
      );
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return make(
        "timeout",
        `${method} ${url}: no ${code === "UND_ERR_HEADERS_TIMEOUT" ? "response" : "complete response body"} within ${request.readMs} ms: the server is stalled or slow; check its logs, or raise timeouts.readMs if that is expected.`,
      );
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
      if (request.phase === "body") {
        return make(
          "truncated",
          `${method} ${url}: the response body was cut off after the status and headers had arrived (${code}: ${reason}): the server or a proxy closed the connection mid-answer; check its logs.`,
        );
      }
      return make(
        "reset",
        `${method} ${url}: the connection was closed by the server or a proxy (${code}: ${reason}): check the server's logs; retry if it was restarting.`,
      );
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return make(
        "other",
        `cannot reach ${origin} (${code}): no network route to the host; check VPN, firewall and proxy settings (HTTPS_PROXY).`,
      );
  }
  // fetch refuses some ports outright (the Fetch standard's "bad ports", e.g. 1, 25, 6000).
  if (/\bbad port\b/.test(reason)) {
    const { port } = URL.canParse(url) ? new URL(url) : { port: "" };
    return make(
      "other",
      `cannot connect to ${origin}: fetch never connects to port ${port} (a port the Fetch standard blocks); check the port in the URL.`,
    );
  }
  if (code !== undefined && TLS_CODE.test(code)) {
    const plainHttp = code.includes("WRONG_VERSION_NUMBER")
      ? "the server may speak plain HTTP: try http:// instead"
      : CA_HINT;
    return make("tls", `TLS with ${origin} failed (${code}: ${reason}): ${plainHttp}.`);
  }
  return make("other", `${method} ${url} failed: ${oneLine(reason)}`);
}

interface CodedError {
  name: string;
  code: string;
  message: string;
}

function findCode(error: unknown): CodedError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return { name: e.name, code, message: e.message };
  }
  return undefined;
}

function describe(error: unknown): string {
  const messages: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) messages.push(e.message);
  return messages.length > 0 ? messages.join(": ") : String(error);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
