import { describe, expect, it } from "vitest";
import { catalogEndpoint, serviceBaseUrl } from "../../src/auth/catalog.ts";

describe("serviceBaseUrl", () => {
  it("drops the API version and what follows", () => {
    expect(serviceBaseUrl("http://127.0.0.1:8776/v3/0123abcd")).toBe("http://127.0.0.1:8776");
    expect(serviceBaseUrl("https://ecs.eu-de.otc.t-systems.com/v2.1")).toBe(
      "https://ecs.eu-de.otc.t-systems.com",
    );
    expect(serviceBaseUrl("http://127.0.0.1:8774/")).toBe("http://127.0.0.1:8774");
  });

  it("keeps a prefix before the version, as devstack serves /volume/v3", () => {
    expect(serviceBaseUrl("http://10.0.0.5/volume/v3/0123abcd")).toBe("http://10.0.0.5/volume");
  });
});

describe("catalogEndpoint", () => {
  const entry = (type: string, url: string) => ({
    type,
    endpoints: [{ interface: "public", region: "eu-de", url }],
  });

  it("tries the volume service types in order", () => {
    const catalog = [
      entry("evs", "https://evs.example/v2/p"),
      entry("volumev2", "https://v2.example/v2/p"),
    ];
    expect(catalogEndpoint(catalog, "volume")).toBe("https://v2.example");
    expect(catalogEndpoint([entry("evs", "https://evs.example/v2/p")], "volume", "eu-de")).toBe(
      "https://evs.example",
    );
    expect(catalogEndpoint(catalog, "compute")).toBeUndefined();
  });
});
