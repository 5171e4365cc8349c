// Interrupts live runs at random points and counts what they leave behind.
//
//   npx tsx scripts/interrupt-check.ts [--runs 20] [--min 1] [--max 8] [--signal SIGINT]
//                                      [--to group|process] [--target file.json]
//
// Each run is `npx otc-detach-conformance run`, started in its own process group. After a
// random 1–8 s it gets SIGINT: by default the whole group, as Ctrl-C in a terminal does;
// `--to process` signals only the command line (started with node without npx, because
// npm's `sh -c` does not pass a signal on). Then the script measures how long the run took to
// end, and counts the volumes, servers and attachments still named with the run's id
// (src/resources/leftovers.ts). What it finds it reports, then removes. Exit code 1 when any
// run left something or did not end within --limit seconds.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Clients } from "../src/clients/clients.ts";
import { DEFAULT_TARGET_FILE, loadTargetDescription } from "../src/config/description.ts";
import { loadContract } from "../src/contract/load-spec.ts";
import { findLeftovers, removeLeftovers } from "../src/resources/leftovers.ts";
import { NAME_PREFIX } from "../src/resources/names.ts";
import { roleClients } from "../src/targets/wiring.ts";
import { realClock } from "../src/transport/clock.ts";
import { createTransport } from "../src/transport/transport.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    min: { type: "string", default: "1" },
    max: { type: "string", default: "8" },
    signal: { type: "string", default: "SIGINT" },
    to: { type: "string", default: "group" },
    target: { type: "string", default: DEFAULT_TARGET_FILE },
    limit: { type: "string", default: "90" },
    logs: { type: "string" },
  },
});
const runs = Number(values.runs);
const [minMs, maxMs] = [Number(values.min) * 1000, Number(values.max) * 1000];
const signal = values.signal as NodeJS.Signals;
const toGroup = values.to !== "process";
const limitMs = Number(values.limit) * 1000;

interface Outcome {
  run: number;
  runId: string | undefined;
  afterMs: number;
  /** From the signal to the exit of the command line. */
  endedMs: number;
  /** The exit code, or the signal the process died of (npm re-raises it after its child ended). */
  exit: string;
  /** The run had finished before the signal came. */
  finishedFirst: boolean;
  volumes: number;
  servers: number;
  attachments: number;
  left: string[];
}

const description = loadTargetDescription(values.target);
const transport = createTransport(description);
const contract = await loadContract();
const clients = await roleClients(description, "member", transport, contract);
const admin = description.auth.admin
  ? await roleClients(description, "admin", transport, contract)
  : undefined;
const reports = mkdtempSync(join(tmpdir(), "interrupt-check-"));
/** Where each run's output goes, `<n>.log`; kept. */
const logs = values.logs ?? mkdtempSync(join(tmpdir(), "interrupt-check-logs-"));
mkdirSync(logs, { recursive: true });
const outcomes: Outcome[] = [];

try {
  for (let run = 1; run <= runs; run++) {
    const outcome = await interruptOnce(run);
    outcomes.push(outcome);
    process.stdout.write(
      `run ${String(run).padStart(2)}  id ${outcome.runId ?? "(none yet)"}  ${signal} after ${(outcome.afterMs / 1000).toFixed(1)} s  ended ${(outcome.endedMs / 1000).toFixed(2)} s later  exit ${outcome.exit}${outcome.finishedFirst ? " (had finished)" : ""}  left: ${outcome.volumes} volume(s), ${outcome.servers} server(s), ${outcome.attachments} attachment(s)\n`,
    );
    for (const line of outcome.left) process.stdout.write(`        ${line}\n`);
  }
} finally {
  rmSync(reports, { recursive: true, force: true });
}

const interrupted = outcomes.filter((o) => !o.finishedFirst);
const total = (key: "volumes" | "servers" | "attachments") =>
  outcomes.reduce((sum, o) => sum + o[key], 0);
const ended = interrupted.map((o) => o.endedMs).sort((a, b) => a - b);
const everything = await findLeftovers(clients);
process.stdout.write(
  [
    "",
    `${outcomes.length} runs, ${interrupted.length} interrupted while running (${signal} to the ${toGroup ? "process group" : "command line only"})`,
    `left behind: ${total("volumes")} volume(s), ${total("servers")} server(s), ${total("attachments")} attachment(s)`,
    ended.length > 0
      ? `time from ${signal} to exit: median ${sec(ended[Math.floor(ended.length / 2)])}, max ${sec(ended.at(-1))}`
      : "",
    `exits: ${[...new Set(outcomes.map((o) => o.exit))].join(", ")}; each run's output: ${logs}/<run>.log`,
    `now named ${NAME_PREFIX}* on ${description.name} (all runs, anyone's): ${everything.volumes.length} volume(s), ${everything.servers.length} server(s)`,
    "",
  ].join("\n"),
);
await transport.close();
const bad =
  total("volumes") + total("servers") + total("attachments") > 0 ||
  outcomes.some((o) => o.endedMs > limitMs);
process.exitCode = bad ? 1 : 0;

function sec(ms: number | undefined): string {
  return ms === undefined ? "-" : `${(ms / 1000).toFixed(2)} s`;
}

async function interruptOnce(run: number): Promise<Outcome> {
  const afterMs = minMs + Math.random() * (maxMs - minMs);
  const [command, args] = toGroup
    ? ["npx", ["otc-detach-conformance", "run"]]
    : [process.execPath, [join("scripts", "otc-detach-conformance.mjs"), "run"]];
  const child = spawn(
    command,
    [...args, "--target", values.target, "--reports", join(reports, String(run))],
    { detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<string>((resolve) =>
    child.on("close", (code, killedBy) => resolve(code === null ? String(killedBy) : String(code))),
  );
  let exitedAt: number | undefined;
  void exited.then(() => {
    exitedAt = performance.now();
  });
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, afterMs))]);
  const signalledAt = performance.now();
  const finishedFirst = exitedAt !== undefined;
  if (!finishedFirst && child.pid !== undefined) {
    process.kill(toGroup ? -child.pid : child.pid, signal);
  }
  const exit = await exited;
  const endedMs = finishedFirst ? 0 : (exitedAt ?? performance.now()) - signalledAt;
  writeFileSync(join(logs, `${run}.log`), output);
  const runId = /run (\w+): its resources are named/.exec(output)?.[1];
  const counted = runId
    ? await count(clients, runId)
    : { volumes: 0, servers: 0, attachments: 0, left: [] };
  return { run, runId, afterMs, endedMs, exit, finishedFirst, ...counted };
}

/** What the run left: its volumes, servers and the attachments among them; then removes them. */
async function count(clients: Clients, runId: string) {
  const found = await findLeftovers(clients, runId);
  let attachments = 0;
  const left: string[] = [];
  for (const volume of found.volumes) {
    const shown = await clients.evs.showVolumeExchange(volume.id);
    const current =
      shown.response.status === 200 ? JSON.parse(shown.response.bodyText).volume : undefined;
    const attached = current?.attachments?.length ?? 0;
    attachments += attached;
    left.push(
      `volume ${volume.id} ${volume.name} ${current?.status ?? "?"}${attached ? `, ${attached} attachment(s)` : ""}`,
    );
  }
  for (const server of found.servers) left.push(`server ${server.id} ${server.name}`);
  if (left.length > 0) {
    await removeLeftovers(
      clients,
      found,
      { clock: realClock, budget: { intervalMs: 200, budgetMs: 60_000 } },
      admin,
    );
  }
  return { volumes: found.volumes.length, servers: found.servers.length, attachments, left };
}
