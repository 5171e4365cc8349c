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

describe("serviceBaseUrl: what counts as the version segment", () => {
  it.each([
    ["http://h/v10/p", "http://h"],
    ["http://h/v2.10/p", "http://h"],
    ["http://h/xv3/v3/p", "http://h/xv3"],
    ["http://h/v3x/v3/p", "http://h/v3x"],
    ["http://h/v3./v3/p", "http://h/v3."],
    ["http://h/v/v3/p", "http://h/v"],
    ["http://h//api//v2/p", "http://h/api"],
    ["http://h/api", "http://h/api"],
    ["http://h/a/b/v3/p", "http://h/a/b"],
  ])("%s → %s", (url, base) => {
    expect(serviceBaseUrl(url)).toBe(base);
  });
});

describe("catalogEndpoint: every catalog type of a service, in order", () => {
  const entry = (type: string, endpoints: { interface: string; region?: string }[]) => ({
    type,
    endpoints: endpoints.map((e) => ({ ...e, url: `https://${type}.example/v3/p` })),
  });
  const publicIn = (region: string) => [{ interface: "public", region }];

  it.each(["volumev3", "block-storage", "volumev2", "volume", "evs"])(
    "finds the volume service registered as %s",
    (type) => {
      expect(catalogEndpoint([entry(type, publicIn("r"))], "volume")).toBe(
        `https://${type}.example`,
      );
    },
  );

  it("prefers volumev3, then block-storage, volumev2, volume and evs", () => {
    const order = ["volumev3", "block-storage", "volumev2", "volume", "evs"];
    for (const [i, better] of order.entries()) {
      for (const worse of order.slice(i + 1)) {
        // The catalog's own order does not matter.
        const catalog = [entry(worse, publicIn("r")), entry(better, publicIn("r"))];
        expect(catalogEndpoint(catalog, "volume")).toBe(`https://${better}.example`);
      }
    }
  });

  it("takes only public endpoints, of the region when one is given", () => {
    const catalog = [
      entry("volumev3", [{ interface: "internal", region: "r" }, ...publicIn("other")]),
      entry("volumev2", publicIn("r")),
    ];
    expect(catalogEndpoint(catalog, "volume", "r")).toBe("https://volumev2.example");
    expect(catalogEndpoint(catalog, "volume")).toBe("https://volumev3.example");
    expect(catalogEndpoint(catalog, "volume", "nowhere")).toBeUndefined();
    expect(catalogEndpoint([entry("compute", publicIn("r"))], "compute", "r")).toBe(
      "https://compute.example",
    );
  });
});
