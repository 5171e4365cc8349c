import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pauseProcess } from "../../src/resources/compute-pause.ts";

/** The process state letter of /proc/<pid>/stat: T when stopped, S when sleeping. */
function stateOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("pauseProcess", () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill("SIGKILL");
  });

  const pidFileOf = (content: string) => {
    const file = join(mkdtempSync(join(tmpdir(), "pause-")), "nova-compute.pid");
    writeFileSync(file, content);
    return file;
  };

  it("stops the process the pid file names until resumed, once", async () => {
    const child = spawn("sleep", ["30"]);
    children.push(child);
    const pid = child.pid as number;
    const resume = pauseProcess(pidFileOf(`${pid}\n`));
    await until(() => stateOf(pid) === "T");
    expect(stateOf(pid)).toBe("T");
    await resume();
    await until(() => stateOf(pid) === "S");
    expect(stateOf(pid)).toBe("S");
    await expect(resume()).resolves.toBeUndefined();
  });

  it("lets the process run only once every pause of it is given up", async () => {
    const child = spawn("sleep", ["30"]);
    children.push(child);
    const pid = child.pid as number;
    const file = pidFileOf(`${pid}`);
    const first = pauseProcess(file);
    const second = pauseProcess(file);
    await until(() => stateOf(pid) === "T");
    await first();
    await first();
    await new Promise((r) => setTimeout(r, 50));
    expect(stateOf(pid)).toBe("T");
    await second();
    await until(() => stateOf(pid) === "S");
    expect(stateOf(pid)).toBe("S");
  });

  it("says which file it cannot read and how to fix it", () => {
    expect(() => pauseProcess("/nonexistent/nova-compute.pid")).toThrow(
      /cannot read the compute pid file \/nonexistent\/nova-compute.pid \(resources.computePidFile\); start the target/,
    );
  });

  it("refuses a file without a process id", () => {
    expect(() => pauseProcess(pidFileOf("-1"))).toThrow(/holds no process id \(found "-1"\)/);
    expect(() => pauseProcess(pidFileOf("1"))).toThrow(/holds no process id/);
  });
});
