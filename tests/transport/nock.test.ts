import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { createTransport } from "../../src/transport/transport.ts";
import { TransportError } from "../../src/transport/transport-error.ts";

// Replay depends on this: nock answers global fetch even when an undici dispatcher is passed.
describe("createTransport under nock", () => {
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("gets its response from nock, not from the network", async () => {
    nock.disableNetConnect();
    const scope = nock("http://127.0.0.1:8776")
      .post("/v3/p/volumes/v/action", { "os-detach": {} })
      .reply(202, "", { "x-openstack-request-id": "req-1" });
    const transport = createTransport({ env: {} });

    const response = await transport.fetch("http://127.0.0.1:8776/v3/p/volumes/v/action", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ "os-detach": {} }),
    });

    expect(response.status).toBe(202);
    expect(response.headers.get("x-openstack-request-id")).toBe("req-1");
    scope.done();
    await transport.close();
  });

  it("reports a request that nock cannot answer as a missing recording", async () => {
    nock.disableNetConnect();
    const transport = createTransport({ env: {} });
    const error = await transport.fetch("http://127.0.0.1:8776/v3/p/volumes").catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toContain("no recorded response matches");
    await transport.close();
  });
});
