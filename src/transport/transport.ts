// The one HTTP path of the harness: Node's global fetch with an npm-undici dispatcher. nock
// intercepts global fetch (dispatcher or not), so live, record and replay runs share this code.
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { Agent, type Dispatcher, EnvHttpProxyAgent } from "undici";
import { toTransportError } from "./transport-error.ts";

/** Shaped like the target description's `tls` and `timeouts`, so a description can be passed as is. */
export interface TransportOptions {
  tls?: { caFile?: string | undefined } | undefined;
  timeouts?: { connectMs?: number | undefined; readMs?: number | undefined } | undefined;
  /** Where HTTP(S)_PROXY / NO_PROXY are read; default process.env. */
  env?: Record<string, string | undefined>;
}

export interface Transport {
  /** Like fetch, but the body is already read, and network failures throw TransportError. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUTS = { connectMs: 10_000, readMs: 60_000 } as const;

export function createTransport(options: TransportOptions = {}): Transport {
  const connectMs = options.timeouts?.connectMs ?? DEFAULT_TIMEOUTS.connectMs;
  const readMs = options.timeouts?.readMs ?? DEFAULT_TIMEOUTS.readMs;
  const dispatcher = createDispatcher(options, connectMs, readMs);
  // npm undici's Dispatcher type and Node's bundled undici-types differ in typing only.
  const fetchDispatcher = dispatcher as unknown as RequestInit["dispatcher"];

  return {
    async fetch(input, init = {}) {
      const request = input instanceof Request ? input : undefined;
      const url = request?.url ?? String(input);
      const method = (init.method ?? request?.method ?? "GET").toUpperCase();
      let phase: "headers" | "body" = "headers";
      try {
        const response = await fetch(input, {
          ...init,
          ...(fetchDispatcher && { dispatcher: fetchDispatcher }),
        });
        phase = "body";
        // Drain a clone now so that a body timeout or reset surfaces here as a TransportError;
        // the original keeps url/redirected and reads the teed chunks from memory.
        await response.clone().arrayBuffer();
        return response;
      } catch (error) {
        // The caller aborted on purpose: that is its decision, not a network fault.
        if ((init.signal ?? request?.signal)?.aborted) throw error;
        throw toTransportError(error, { method, url, connectMs, readMs, phase });
      }
    },
    close: () => dispatcher.close(),
  };
}

function createDispatcher(
  options: TransportOptions,
  connectMs: number,
  readMs: number,
): Dispatcher {
  const tls = {
    timeout: connectMs,
    ...(options.tls?.caFile && { ca: readCa(options.tls.caFile) }),
  };
  const agentOptions = { connect: tls, headersTimeout: readMs, bodyTimeout: readMs };
  const env = options.env ?? process.env;
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY;
  const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY;
  if (!httpProxy && !httpsProxy) return new Agent(agentOptions);
  // Through a proxy, undici takes the origin's TLS options from requestTls, not from connect.
  // Empty strings stop EnvHttpProxyAgent from falling back to process.env.
  return new EnvHttpProxyAgent({
    ...agentOptions,
    requestTls: tls,
    proxyTls: tls,
    httpProxy: httpProxy ?? "",
    httpsProxy: httpsProxy ?? "",
    noProxy: env.no_proxy ?? env.NO_PROXY ?? "",
  });
}

// The given bundle is added to Node's public roots rather than replacing them: a corporate
// proxy's CA must not make the public IAM endpoint untrusted.
function readCa(caFile: string): string[] {
  try {
    return [...rootCertificates, readFileSync(caFile, "utf8")];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `CA bundle ${caFile} cannot be read (${code}): give the path of a PEM file (tls.caFile in the target description, OS_CACERT, or cacert in clouds.yaml).`,
    );
  }
}
