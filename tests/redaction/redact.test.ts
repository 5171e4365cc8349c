import { describe, expect, it } from "vitest";
import { base64Cores, REDACTED, Redactor } from "../../src/redaction/redact.ts";
import { toRecorded } from "../../src/targets/cassette.ts";
import type { Exchange } from "../../src/transport/exchange.ts";

// Canaries: values that must never appear in anything the redactor hands back.
const PASSWORD = "canary-PASSWORD-7f3a91";
const ADMIN_PASSWORD = "canary-ADMIN-PW-52c0e8";
const TOKEN = "gAAAAABcanaryTOKEN-0123456789abcdef";
const RENEWED_TOKEN = "gAAAAABcanaryRENEWED-fedcba9876543210";
const PROJECT = "c685484a8cc2416b97260938705deb65";
const VOLUME = "b104b8db-170d-441b-897a-3c8ba9c5a214";

const tokenRequestBody = (password: string) =>
  JSON.stringify({
    auth: {
      identity: {
        methods: ["password"],
        password: { user: { name: "member", domain: { name: "Default" }, password } },
      },
      scope: { project: { id: PROJECT } },
    },
  });

const catalogBody = JSON.stringify({
  token: {
    methods: ["password"],
    project: { id: PROJECT, name: "conformance" },
    expires_at: "2030-01-01T00:00:00.000000Z",
    catalog: [
      {
        type: "volumev3",
        endpoints: [{ interface: "public", url: `http://127.0.0.1:8776/v3/${PROJECT}` }],
      },
    ],
  },
});

function tokenIssue(password: string, token: string): Exchange {
  return {
    request: {
      method: "POST",
      url: "http://127.0.0.1:5000/v3/auth/tokens",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: tokenRequestBody(password),
    },
    response: {
      status: 201,
      headers: {
        "content-type": "application/json",
        "x-subject-token": token,
        vary: "X-Auth-Token",
      },
      bodyText: catalogBody,
    },
  };
}

function detach(token: string, responseBody: string): Exchange {
  return {
    operationId: "detachVolume",
    request: {
      method: "POST",
      url: `http://127.0.0.1:8776/v3/${PROJECT}/volumes/${VOLUME}/action`,
      headers: { "content-type": "application/json", "x-auth-token": token },
      body: '{"os-detach":{"attachment_id":"d8777f54-84cf-4809-a679-468ffed56cf1"}}',
    },
    response: {
      status: 404,
      headers: {
        "content-type": "application/json",
        "x-openstack-request-id": "req-5f0c6f3a-3c1e-4d2e-9d3b-2f1f0a9b8c7d",
      },
      bodyText: responseBody,
    },
  };
}

function expectNoCanary(value: unknown): void {
  const text = JSON.stringify(value);
  for (const canary of [PASSWORD, ADMIN_PASSWORD, TOKEN, RENEWED_TOKEN]) {
    expect(text).not.toContain(canary);
  }
}

describe("Redactor", () => {
  it("removes the password, the issued token and every echo of it from a Keystone session", () => {
    const redactor = new Redactor();
    const issue = redactor.exchange(tokenIssue(PASSWORD, TOKEN));
    const echoBody = JSON.stringify({
      itemNotFound: { message: `token ${TOKEN} may not see volume ${VOLUME}`, code: "EVS.5404" },
    });
    const call = redactor.exchange(detach(TOKEN, echoBody));
    const tokenInUrl: Exchange = {
      request: {
        method: "GET",
        url: `http://127.0.0.1:8776/v3/${PROJECT}/volumes?token=${TOKEN}`,
        headers: { "X-Custom": `Bearer ${TOKEN}` },
      },
      response: { status: 200, headers: { location: `/x?t=${TOKEN}` }, bodyText: TOKEN },
    };
    const urlCall = redactor.exchange(tokenInUrl);
    const log = redactor.text(`sent ${TOKEN} as ${PASSWORD}`);
    const result = { issue, call, urlCall, log, recorded: [issue, call].map(toRecorded) };

    expectNoCanary(result);
    expect(JSON.parse(issue.request.body ?? "").auth.identity.password.user.password).toBe(
      REDACTED,
    );
    expect(issue.response.headers["x-subject-token"]).toBe(REDACTED);
    expect(call.request.headers["x-auth-token"]).toBe(REDACTED);
    expect(JSON.parse(call.response.bodyText).itemNotFound.message).toBe(
      `token ${REDACTED} may not see volume ${VOLUME}`,
    );
    expect(urlCall.request.url).toBe(
      `http://127.0.0.1:8776/v3/${PROJECT}/volumes?token=${REDACTED}`,
    );
    expect(urlCall.request.headers["X-Custom"]).toBe(`Bearer ${REDACTED}`);
    expect(urlCall.response.headers.location).toBe(`/x?t=${REDACTED}`);
    expect(urlCall.response.bodyText).toBe(REDACTED);
    expect(log).toBe(`sent ${REDACTED} as ${REDACTED}`);
  });

  it("scrubs a renewed token the same way as the first", () => {
    const redactor = new Redactor();
    redactor.exchange(tokenIssue(PASSWORD, TOKEN));
    const renewed = redactor.exchange(tokenIssue(PASSWORD, RENEWED_TOKEN));
    const call = redactor.exchange(detach(RENEWED_TOKEN, `{"echo":"${RENEWED_TOKEN}"}`));
    expectNoCanary([renewed, call]);
    expect(call.response.bodyText).toBe(`{"echo":"${REDACTED}"}`);
  });

  it("learns a token sent as x-auth-token it never saw issued (a token given directly)", () => {
    const redactor = new Redactor();
    const call = redactor.exchange(detach(TOKEN, `{"token":"${TOKEN}"}`));
    expectNoCanary(call);
    expect(redactor.text(`later: ${TOKEN}`)).toBe(`later: ${REDACTED}`);
  });

  it("leaves everything that is not a secret unchanged", () => {
    const redactor = new Redactor();
    const original = tokenIssue(PASSWORD, TOKEN);
    const issue = redactor.exchange(original);
    const body = JSON.stringify({ itemNotFound: { message: "Volume x not found.", code: "E" } });
    const originalCall = detach(TOKEN, body);
    const call = redactor.exchange(originalCall);

    expect(issue.request.method).toBe("POST");
    expect(issue.request.url).toBe(original.request.url);
    expect(issue.request.headers).toEqual(original.request.headers);
    expect(issue.response.status).toBe(201);
    expect(issue.response.bodyText).toBe(catalogBody);
    expect(issue.response.headers.vary).toBe("X-Auth-Token");
    const sent = JSON.parse(issue.request.body ?? "");
    expect(sent.auth.identity.password.user.name).toBe("member");
    expect(sent.auth.scope).toEqual({ project: { id: PROJECT } });

    expect(call.operationId).toBe("detachVolume");
    expect(call.request.url).toBe(originalCall.request.url);
    expect(call.request.body).toBe(originalCall.request.body);
    expect(call.request.headers["content-type"]).toBe("application/json");
    expect(call.response).toEqual(originalCall.response);
  });

  it("does not modify the exchange it is given", () => {
    const redactor = new Redactor();
    const original = tokenIssue(PASSWORD, TOKEN);
    const copy = structuredClone(original);
    redactor.exchange(original);
    expect(original).toEqual(copy);
  });

  it("scrubs remembered passwords from any text, including bodies that are not JSON", () => {
    const redactor = new Redactor();
    redactor.remember(PASSWORD, undefined, ADMIN_PASSWORD, "abc");
    expect(redactor.text(`user=admin&password=${ADMIN_PASSWORD}&again=${ADMIN_PASSWORD}`)).toBe(
      `user=admin&password=${REDACTED}&again=${REDACTED}`,
    );
    const form = redactor.exchange({
      request: {
        method: "POST",
        url: "http://127.0.0.1:5000/login",
        headers: {},
        body: `password=${PASSWORD}`,
      },
      response: { status: 400, headers: {}, bodyText: `bad password ${PASSWORD}` },
    });
    expectNoCanary(form);
    expect(form.request.body).toBe(`password=${REDACTED}`);
    // Values shorter than four characters are not remembered: they would shred ordinary text.
    expect(redactor.text("abcdef")).toBe("abcdef");
  });

  it("redacts the token request's password field whatever its length", () => {
    // Too short to be remembered as a text secret: only the field itself can be replaced.
    const redactor = new Redactor();
    const issue = redactor.exchange(tokenIssue("pw1", TOKEN));
    const sent = JSON.parse(issue.request.body ?? "");
    expect(sent.auth.identity.password.user.password).toBe(REDACTED);
    expect(sent.auth.identity.password.user.name).toBe("member");
  });

  it("redacts a token-method request's token id", () => {
    const redactor = new Redactor();
    const rescope = redactor.exchange({
      request: {
        method: "POST",
        url: "http://127.0.0.1:5000/v3/auth/tokens",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ auth: { identity: { methods: ["token"], token: { id: TOKEN } } } }),
      },
      response: { status: 201, headers: { "x-subject-token": RENEWED_TOKEN }, bodyText: "{}" },
    });
    expectNoCanary(rescope);
    expect(JSON.parse(rescope.request.body ?? "").auth.identity.token.id).toBe(REDACTED);
  });

  it("scrubs a password with JSON-escaped characters that a JSON body echoes", () => {
    const password = 'canary"Pass\\wörd/1';
    const redactor = new Redactor();
    const echo = (json: string) => ({
      ...tokenIssue(password, TOKEN),
      response: { status: 400, headers: {}, bodyText: `{"error":{"message":"bad ${json}"}}` },
    });
    const escaped = JSON.stringify(password).slice(1, -1); // canary\"Pass\\wörd/1
    const python = escaped.replace("ö", "\\u00f6"); // json.dumps' ensure_ascii
    const results = [escaped, python].map((json) => redactor.exchange(echo(json)));
    // As a live recording writes it: the recorded form, serialised, redacted once more, parsed.
    const written = JSON.parse(redactor.text(JSON.stringify(results.map(toRecorded))));

    for (const text of [JSON.stringify(results), JSON.stringify(written)]) {
      for (const form of [password, escaped, python]) expect(text).not.toContain(form);
    }
    expect(JSON.stringify(written)).not.toContain("Pass");
    for (const result of results) {
      expect(JSON.parse(result.response.bodyText).error.message).toBe(`bad ${REDACTED}`);
    }
  });

  it("replaces every secret header even when its value was never seen before", () => {
    const redactor = new Redactor();
    const call = redactor.exchange({
      request: {
        method: "GET",
        url: "http://127.0.0.1:8776/",
        // Values of three characters are too short to be remembered, yet still replaced.
        headers: { authorization: "Basic Zm9vOmJhcg==", cookie: "s=1" },
      },
      response: { status: 200, headers: { "set-cookie": "s=2" }, bodyText: "" },
    });
    expect(call.request.headers).toEqual({ authorization: REDACTED, cookie: REDACTED });
    expect(call.response.headers).toEqual({ "set-cookie": REDACTED });
  });

  it("redacts a secret a response names, and that value wherever it shows up later", () => {
    const redactor = new Redactor();
    const created = redactor.exchange({
      operationId: "createServer",
      request: {
        method: "POST",
        url: `http://127.0.0.1:8774/v2.1/${PROJECT}/servers`,
        headers: { "x-auth-token": TOKEN },
        body: '{"server":{"name":"s"}}',
      },
      response: {
        status: 202,
        headers: { "content-type": "application/json" },
        bodyText: JSON.stringify({
          server: { id: VOLUME, adminPass: ADMIN_PASSWORD, abc_key: "k1" },
        }),
      },
    });
    const body = JSON.parse(created.response.bodyText);
    // Short values are not learned, yet the key alone is enough to replace them.
    expect(body.server).toEqual({ id: VOLUME, adminPass: REDACTED, abc_key: REDACTED });
    expect(redactor.text(`console: root password ${ADMIN_PASSWORD}`)).toBe(
      `console: root password ${REDACTED}`,
    );
  });

  it("finds a learned secret URL-encoded and base64-encoded at every byte offset", () => {
    const redactor = new Redactor();
    const secret = "pä ss/word+1=x";
    redactor.remember(secret);
    expect(redactor.text(`?p=${encodeURIComponent(secret)}&q=1`)).toBe(`?p=${REDACTED}&q=1`);
    for (const prefix of ["", "u", "us", "user:"]) {
      const encoded = Buffer.from(`${prefix}${secret}`).toString("base64");
      expect(redactor.text(`Basic ${encoded}`), prefix).toContain(REDACTED);
      expect(redactor.text(`Basic ${encoded}`), prefix).not.toContain(base64Cores(secret)[0]);
    }
  });

  it("scrubs a deep copy of any value: strings, and strings under secret-naming keys", () => {
    const redactor = new Redactor();
    redactor.remember(PASSWORD);
    const original = {
      reason: `set-up failed: ${PASSWORD}`,
      nested: [{ auth_token: "abc", db_password: "xyz", name: "kept" }],
    };
    expect(redactor.value(original)).toEqual({
      reason: `set-up failed: ${REDACTED}`,
      nested: [{ auth_token: REDACTED, db_password: REDACTED, name: "kept" }],
    });
    expect(original.nested[0]?.auth_token).toBe("abc");
  });
});
