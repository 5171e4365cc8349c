import { errors } from "undici";
import { describe, expect, it } from "vitest";
import { toTransportError } from "../../src/transport/transport-error.ts";

// Failures that cannot be provoked reliably on loopback, shaped as global fetch throws them.
const request = {
  method: "POST",
  url: "https://iam.eu-de.example/v3/auth/tokens",
  connectMs: 10_000,
  readMs: 60_000,
};

function fetchFailed(cause: Error): TypeError {
  return new TypeError("fetch failed", { cause });
}

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("toTransportError", () => {
  it("classifies a connect timeout", () => {
    const error = toTransportError(fetchFailed(new errors.ConnectTimeoutError()), request);
    expect(error.kind).toBe("timeout");
    expect(error.message).toBe(
      "cannot connect to https://iam.eu-de.example within 10000 ms: check the network, firewall and proxy settings (HTTPS_PROXY, NO_PROXY); raise timeouts.connectMs for a slow link.",
    );
  });

  it("classifies a DNS failure", () => {
    const cause = coded("ENOTFOUND", "getaddrinfo ENOTFOUND iam.eu-de.example");
    const error = toTransportError(fetchFailed(cause), request);
    expect(error.kind).toBe("dns");
    expect(error.message).toMatch(/^cannot resolve host iam\.eu-de\.example \(ENOTFOUND\)/);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it("points non-loopback refusals at the URL, not at the project's own target", () => {
    const error = toTransportError(
      fetchFailed(coded("ECONNREFUSED", "connect ECONNREFUSED")),
      request,
    );
    expect(error.message).toBe(
      "cannot connect to https://iam.eu-de.example (connection refused): is the endpoint up?",
    );
  });

  it("suggests http:// when a plain HTTP server answers a TLS handshake", () => {
    const cause = coded("ERR_SSL_WRONG_VERSION_NUMBER", "wrong version number");
    const error = toTransportError(fetchFailed(cause), request);
    expect(error.kind).toBe("tls");
    expect(error.message).toContain("the server may speak plain HTTP: try http:// instead");
  });

  it("names a missing recording in replay instead of a network fault", () => {
    const cause = Object.assign(coded("ENETUNREACH", 'Nock: Disallowed net connect for "x"'), {
      name: "NetConnectNotAllowedError",
    });
    const error = toTransportError(cause, request);
    expect(error.kind).toBe("other");
    expect(error.message).toContain(
      "no recorded response matches and the network is closed (nock)",
    );
  });

  it("says that fetch blocks a port instead of a bare 'bad port'", () => {
    const error = toTransportError(
      new TypeError("fetch failed", { cause: new Error("bad port") }),
      {
        ...request,
        url: "http://127.0.0.1:1/v3/auth/tokens",
      },
    );
    expect(error.message).toBe(
      "cannot connect to http://127.0.0.1:1: fetch never connects to port 1 (a port the Fetch standard blocks); check the port in the URL.",
    );
  });

  it("calls a reset after the headers a truncated body", () => {
    const cause = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    const error = toTransportError(new TypeError("terminated", { cause }), {
      ...request,
      phase: "body",
    });
    expect(error.kind).toBe("truncated");
    expect(error.message).toBe(
      "POST https://iam.eu-de.example/v3/auth/tokens: the response body was cut off after the status and headers had arrived (UND_ERR_SOCKET: other side closed): the server or a proxy closed the connection mid-answer; check its logs.",
    );
  });

  it("keeps unknown failures on one line", () => {
    const error = toTransportError(fetchFailed(new Error("first line\n  second line")), request);
    expect(error.kind).toBe("other");
    expect(error.message).toBe(
      "POST https://iam.eu-de.example/v3/auth/tokens failed: fetch failed: first line second line",
    );
  });
});
