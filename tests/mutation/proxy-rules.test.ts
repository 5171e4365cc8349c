import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract } from "../../src/contract/load-spec.ts";
import { defineScenario } from "../../src/engine/scenario.ts";
import { startLoopbackProxy } from "../../src/interpose/loopback-proxy.ts";
import { classifier } from "../../src/mutation/classify.ts";
import { newObservation } from "../../src/mutation/interposer.ts";
import { mutantById } from "../../src/mutation/mutants.ts";
import { tracked } from "../../src/mutation/phases.ts";
import {
  mutationRule,
  RUN_HEADER,
  RunRegistry,
  taggingInterposer,
} from "../../src/mutation/proxy-rules.ts";

// The live path of a mutant: the scenario's requests are tagged with their run, the loopback
// proxy forwards them to the real server and changes the answer in the mutant's phases only.

const PATH = "/v3/p/volumes/fd115a2e-69cd-4351-953b-c86f992c2bba/action";
let upstream: Server;
let origin: string;
const seenHeaders: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seenHeaders.push(req.headers);
    res.writeHead(202, { "content-type": "application/json" });
    res.end();
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

const scenario = defineScenario({
  id: "00000000-0000-4000-8000-00000000bbbb",
  title: "t",
  operation: "detachVolume",
  category: "happy-path",
  documented: "d",
  expect: { status: 202 },
  arrange: async () => ({}),
  act: async () => {
    throw new Error("not called");
  },
});

describe("a mutant behind the loopback proxy", () => {
  it("changes the real answer in its phase only, and the server never sees the tag", async () => {
    const contract = await loadContract();
    const observed = newObservation();
    const registry = new RunRegistry(observed);
    const rule = mutationRule(mutantById("evs-202-as-200"), classifier(contract), registry);
    const proxy = await startLoopbackProxy(origin, rule);
    try {
      const { scenario: wrapped, tracker } = tracked(scenario);
      const fetchFn = taggingInterposer(registry)(fetch, wrapped);
      const detach = () =>
        fetchFn(`${proxy.origin}${PATH}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"os-detach":{}}',
        });
      // Set-up: not the mutant's phase.
      expect((await detach()).status).toBe(202);
      await tracker.enter("act");
      expect((await detach()).status).toBe(200);
      await tracker.enter("cleanup");
      expect((await detach()).status).toBe(202);
      expect(seenHeaders).toHaveLength(3);
      for (const headers of seenHeaders) expect(headers[RUN_HEADER]).toBeUndefined();
      expect([...(observed.touched.get(scenario.id) ?? [])]).toEqual([
        "arrange detachVolume",
        "act detachVolume",
        "cleanup detachVolume",
      ]);
    } finally {
      await proxy.close();
    }
  });
});
