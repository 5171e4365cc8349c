import { describe, expect, it } from "vitest";
import { CleanupStack, cleanUpEverything } from "../../src/resources/cleanup.ts";

describe("CleanupStack", () => {
  it("undoes in last-in first-out order (detach before delete)", async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    stack.defer("delete volume", async () => void order.push("delete volume"));
    stack.defer("detach attachment", async () => void order.push("detach attachment"));
    stack.defer("unlock server", async () => void order.push("unlock server"));

    await expect(stack.run()).resolves.toEqual([]);
    expect(order).toEqual(["unlock server", "detach attachment", "delete volume"]);
  });

  it("goes on after a failing step and reports it as a leftover with its label", async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    stack.defer("delete volume v1", async () => void order.push("v1"));
    stack.defer("detach attachment a1", async () => {
      order.push("a1");
      throw new Error("detach answered 409");
    });
    stack.defer("delete volume v2", async () => void order.push("v2"));
    stack.defer("unlock server s1", () => Promise.reject(new Error("server gone")));

    const leftovers = await stack.run();
    expect(order).toEqual(["v2", "a1", "v1"]);
    expect(leftovers).toEqual([
      { label: "unlock server s1", error: "server gone" },
      { label: "detach attachment a1", error: "detach answered 409" },
    ]);
  });

  it("waits for each step before starting the next", async () => {
    const events: string[] = [];
    const stack = new CleanupStack();
    stack.defer("first registered", async () => void events.push("second starts"));
    stack.defer("last registered", async () => {
      events.push("first starts");
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push("first ends");
    });
    await stack.run();
    expect(events).toEqual(["first starts", "first ends", "second starts"]);
  });

  it("runs independent steps side by side, and still lists each that failed", async () => {
    const events: string[] = [];
    const stack = new CleanupStack(true, true);
    for (const volume of ["v1", "v2"]) {
      stack.defer(`delete volume ${volume}`, async () => {
        events.push(`${volume} starts`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`${volume} ends`);
        if (volume === "v1") throw new Error("409");
      });
    }
    const leftovers = await stack.run();
    expect(events.slice(0, 2).sort()).toEqual(["v1 starts", "v2 starts"]);
    expect(leftovers).toEqual([{ label: "delete volume v1", error: "409" }]);
    await expect(stack.run()).resolves.toEqual([]);
  });

  it("runs each step once, even when run twice", async () => {
    let calls = 0;
    const stack = new CleanupStack();
    stack.defer("delete volume", async () => {
      calls++;
    });
    await stack.run();
    await stack.run();
    expect(calls).toBe(1);
  });
});

describe("cleanUpEverything", () => {
  it("runs every stack still open, and only those", async () => {
    const ran: string[] = [];
    const finished = new CleanupStack();
    finished.defer("already undone", async () => void ran.push("already undone"));
    await finished.run();
    ran.length = 0;

    const first = new CleanupStack();
    first.defer("delete volume a", async () => void ran.push("a"));
    first.defer("detach a", async () => void ran.push("detach a"));
    const second = new CleanupStack();
    second.defer("delete server b", () => Promise.reject(new Error("timeout")));

    const leftovers = await cleanUpEverything();
    expect(ran).toEqual(["detach a", "a"]);
    expect(leftovers).toEqual([{ label: "delete server b", error: "timeout" }]);

    // Once run, a stack is no longer open.
    ran.length = 0;
    await expect(cleanUpEverything()).resolves.toEqual([]);
    expect(ran).toEqual([]);
  });
  it("on an interruption, removes what the run shares only after every scenario's stack", async () => {
    const order: string[] = [];
    const run = new CleanupStack(true);
    run.defer("delete shared server", async () => void order.push("delete shared server"));
    const scenario = new CleanupStack();
    scenario.defer("detach from shared server", async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push("detach from shared server");
    });
    await expect(cleanUpEverything()).resolves.toEqual([]);
    expect(order).toEqual(["detach from shared server", "delete shared server"]);
  });
});
