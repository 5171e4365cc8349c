import { describe, expect, it } from "vitest";
import { unreachableHint, withUnreachableHint } from "../../src/cli/reachability.ts";
import { DEFAULT_TARGET_FILE } from "../../src/config/description.ts";
import { TransportError } from "../../src/transport/transport-error.ts";

describe("the hint for a target that cannot be reached", () => {
  it("suggests npm run target:start only for the project's own target file", () => {
    expect(unreachableHint(undefined, {})).toContain("npm run target:start");
    expect(unreachableHint(DEFAULT_TARGET_FILE, {})).toContain("npm run target:start");
    const mine = unreachableHint("clouds/eu-de.json", {});
    expect(mine).toBe(
      "check auth.url and the endpoints in clouds/eu-de.json, and the network to them (VPN, proxy, firewall)",
    );
    expect(unreachableHint(undefined, { OS_CLOUD: "otc" })).toMatch(/^check OS_AUTH_URL/);
  });

  it("is added to a refused connection, not to other errors", async () => {
    const refused = new TransportError(
      "refused",
      "POST",
      "http://x/v3",
      "cannot connect to http://x (connection refused): is the endpoint up?",
      "ECONNREFUSED",
      { cause: null },
    );
    await expect(withUnreachableHint("t.json", {}, () => Promise.reject(refused))).rejects.toThrow(
      "cannot connect to http://x (connection refused): is the endpoint up?; check auth.url and the endpoints in t.json",
    );
    const other = new Error("boom");
    await expect(withUnreachableHint("t.json", {}, () => Promise.reject(other))).rejects.toBe(
      other,
    );
  });
});
