// State detection latency: from the moment a volume really reaches `available` (the server's
// own log line, millisecond timestamps) to the moment the harness's waiter notices it, against
// a fixed 1 s poll (Tempest's build_interval) of the same volume whose first poll falls at a
// random moment of its first second, as an unsynchronised poller's would.
// Fast transitions, over in well under a second on this target: a new volume (creating →
// available, cinder-volume) and a Nova detach (in-use → detaching → available, cinder-api's
// attachment delete). A slow one: a second Nova detach read through a loopback proxy that
// answers `detaching` for a random 2–5 s after the call, as a real cloud's slower back end
// would. Also: the waiter's request rate per resource, on these waits and on a long one (a
// state that never comes).
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Clients } from "../src/clients/clients.ts";
import { loadTargetDescription } from "../src/config/description.ts";
import { loadContract } from "../src/contract/load-spec.ts";
import type { Scenario } from "../src/engine/scenario.ts";
import type { ScenarioSession } from "../src/engine/target.ts";
import {
  type ProxyRule,
  startLoopbackProxy,
  throughProxies,
} from "../src/interpose/loopback-proxy.ts";
import { CleanupStack } from "../src/resources/cleanup.ts";
import { Fixtures } from "../src/resources/fixtures.ts";
import { resourceName } from "../src/resources/names.ts";
import {
  type Waiting,
  waitAttachmentGone,
  waitVolumeGone,
  waitVolumeStatus,
} from "../src/resources/states.ts";
import { DEFAULT_BUDGET, pollDelay, WaitTimeoutError } from "../src/resources/waiters.ts";
import { createLiveTarget } from "../src/targets/live.ts";
import { type BenchOptions, progress } from "./lib/options.ts";
import { OPENSTACK_LOGS, OWN_TARGET_FILE } from "./lib/paths.ts";
import { percentile, round, type Spread, spread } from "./lib/stats.ts";

/** Stand-ins for scenario ids: resource names become `conformance-<run>-benchlat-…`. */
const WAITER = "benchlat-waiter";
const TEMPEST = "benchtmp-fixed-1s";
/** Tempest's default build_interval. */
const FIXED_POLL_MS = 1000;
/** How long the proxy holds a volume at `detaching` in the slow transition: random in range. */
const HOLD_MS = { min: 2000, max: 5000 };

type Kind = "create" | "detach" | "held-detach";

interface Probe {
  who: string;
  method: string;
  url: string;
  sentAt: number;
  doneAt: number;
}

export interface Transition {
  kind: Kind;
  volumeId: string;
  /**
   * Epoch ms: the moment a poll could first see `available` (the server's log line; for a held
   * detach, the later of it and the hold's end), the waiter's start, and when each poller noticed.
   */
  serverAt: number;
  startAt: number;
  waiterAt: number;
  fixedAt: number;
  /** When the fixed poller's first poll went out, after startAt. */
  fixedPhaseMs: number;
  /** How long the proxy held `detaching` (held detach only). */
  holdMs?: number;
  waiterProbes: number;
}

export interface RateFigures {
  what: string;
  probes: number;
  durationMs: number;
  /** Probes per second over the whole wait; `null` for waits shorter than a second. */
  averageRps: number | null;
  /** Probes per second from the wait's second second on; `null` for waits shorter than 2 s. */
  steadyRps: number | null;
  /** Most probes that any 1 s window of the wait holds. */
  peakPerSecond: number;
}

export interface StateLatencyResult {
  samples: number;
  /** Latency from the server's moment to noticing it, ms, per kind and poller; fast: the first two. */
  latency: Record<
    Kind | "fast",
    { waiter: Spread; fixed: Spread; waiterP90: number; fixedP90: number }
  >;
  hold: { minMs: number; maxMs: number };
  transitions: Transition[];
  /** The waiter on a server boot, on the waits above, and on a wait that never ends. */
  rates: RateFigures[];
  /** The waiter's schedule on its own (zero response time): probes in the first second, and per second after. */
  schedule: { delaysMs: number[]; firstSecond: number; steadyRps: number };
  skippedSamples: string[];
  target: { medianMs: number; rps: number };
}

export async function measure(options: BenchOptions): Promise<StateLatencyResult> {
  const description = loadTargetDescription(OWN_TARGET_FILE);
  const contract = await loadContract();
  const probes: Probe[] = [];
  // Every request of the bench, timed on the wall clock the server's log lines use.
  const interpose = (fetchFn: typeof fetch, scenario: Scenario) =>
    (async (url: string | URL, init?: RequestInit) => {
      const sentAt = Date.now();
      const response = await fetchFn(url, init);
      probes.push({
        who: scenario.id,
        method: (init?.method ?? "GET").toUpperCase(),
        url: String(url),
        sentAt,
        doneAt: Date.now(),
      });
      return response;
    }) as typeof fetch;
  const target = await createLiveTarget({ description, contract, interpose });
  const waiterSession = await target.openScenario(benchScenario(WAITER));
  const fixedSession = await target.openScenario(benchScenario(TEMPEST));
  // The slow transition's readers: both pollers see Cinder through the holding proxy.
  const volumeEndpoint = description.endpoints?.volume;
  if (!volumeEndpoint) throw new Error(`${OWN_TARGET_FILE} gives no volume endpoint`);
  const holds = new Map<string, number>();
  const proxy = await startLoopbackProxy(volumeEndpoint, holdDetaching(holds));
  const heldTarget = await createLiveTarget({
    description: throughProxies(description, { volume: proxy.origin }),
    contract,
    interpose,
  });
  const held: Held = {
    holds,
    waiter: (await heldTarget.openScenario(benchScenario(WAITER))).member,
    fixed: (await heldTarget.openScenario(benchScenario(TEMPEST))).member,
  };
  // No progress lines: this bench's waits are short, and stderr carries the bench's own.
  const waiting: Waiting = { clock: waiterSession.waiting.clock, budget: DEFAULT_BUDGET };
  const fixtures = (cleanup: CleanupStack) => fixturesOf(waiterSession, cleanup, waiting);
  const serverCleanup = new CleanupStack();
  const transitions: Transition[] = [];
  const skipped: string[] = [];
  const rates: RateFigures[] = [];
  try {
    const bootStart = Date.now();
    const server = await fixtures(serverCleanup).ownServer();
    rates.push(
      rateOf(
        "server boot (waitServerStatus ACTIVE)",
        probes.filter((p) => p.who === WAITER && p.url.endsWith(`/servers/${server.id}`)),
        bootStart,
        Date.now(),
      ),
    );
    for (let i = 0; i < options.latencySamples; i++) {
      const cleanup = new CleanupStack();
      try {
        const sample = await oneSample(
          i,
          server.id,
          waiterSession,
          fixedSession,
          fixtures(cleanup),
          cleanup,
          waiting,
          probes,
          held,
        );
        transitions.push(...sample.transitions);
        skipped.push(...sample.skipped);
        progress(
          `latency ${i + 1}/${options.latencySamples}: ${sample.transitions
            .map(
              (t) =>
                `${t.kind} waiter ${t.waiterAt - t.serverAt} ms, 1 s poll (phase ${t.fixedPhaseMs} ms) ${t.fixedAt - t.serverAt} ms`,
            )
            .join("; ")}`,
        );
      } finally {
        const leftovers = await cleanup.run();
        for (const leftover of leftovers)
          skipped.push(`left behind: ${leftover.label} (${leftover.error})`);
      }
    }
    rates.push(await longWait(waiterSession, serverCleanup, waiting, probes));
  } finally {
    const leftovers = await serverCleanup.run();
    for (const leftover of leftovers)
      skipped.push(`left behind: ${leftover.label} (${leftover.error})`);
    await target.close();
    await heldTarget.close();
    await proxy.close();
  }

  const waitNames: Record<Kind, string> = {
    create: "volume creation",
    detach: "volume Nova detach",
    "held-detach": `volume Nova detach held at detaching ${HOLD_MS.min / 1000}–${HOLD_MS.max / 1000} s`,
  };
  for (const kind of ["create", "detach", "held-detach"] as const) {
    const waits = transitions.filter((t) => t.kind === kind);
    if (waits.length === 0) continue;
    const perWait = waits.map((t) => rateOf("", waiterProbesOf(probes, t), t.startAt, t.waiterAt));
    const probeCount = perWait.reduce((sum, r) => sum + r.probes, 0);
    const durationMs = perWait.reduce((sum, r) => sum + r.durationMs, 0);
    // From each wait's second second on; only waits that last beyond it count.
    const long = waits.filter((t) => t.waiterAt - t.startAt >= 2000);
    const laterProbes = long.reduce(
      (sum, t) =>
        sum + waiterProbesOf(probes, t).filter((p) => p.sentAt >= t.startAt + 1000).length,
      0,
    );
    const laterMs = long.reduce((sum, t) => sum + t.waiterAt - t.startAt - 1000, 0);
    rates.push({
      what: `${waitNames[kind]} (waitVolumeStatus available), ${waits.length} waits`,
      probes: probeCount,
      durationMs,
      averageRps: durationMs >= 1000 ? round(probeCount / (durationMs / 1000), 1) : null,
      steadyRps: long.length > 0 ? round(laterProbes / (laterMs / 1000), 1) : null,
      peakPerSecond: Math.max(...perWait.map((r) => r.peakPerSecond)),
    });
  }

  const latency = (list: Transition[]) => {
    const waiter = list.map((t) => t.waiterAt - t.serverAt);
    const fixed = list.map((t) => t.fixedAt - t.serverAt);
    return {
      waiter: spread(waiter),
      fixed: spread(fixed),
      waiterP90: percentile(waiter, 90),
      fixedP90: percentile(fixed, 90),
    };
  };
  const of = (kind: Kind) => transitions.filter((t) => t.kind === kind);
  return {
    samples: options.latencySamples,
    latency: {
      create: latency(of("create")),
      detach: latency(of("detach")),
      fast: latency([...of("create"), ...of("detach")]),
      "held-detach": latency(of("held-detach")),
    },
    hold: { minMs: HOLD_MS.min, maxMs: HOLD_MS.max },
    transitions,
    rates,
    schedule: schedule(),
    skippedSamples: skipped,
    target: { medianMs: 250, rps: 5 },
  };
}

async function oneSample(
  i: number,
  serverId: string,
  waiterSession: ScenarioSession,
  fixedSession: ScenarioSession,
  fixtures: Fixtures,
  cleanup: CleanupStack,
  waiting: Waiting,
  probes: Probe[],
  held: Held,
): Promise<{ transitions: Transition[]; skipped: string[] }> {
  const member = waiterSession.member;
  const transitions: Transition[] = [];
  const skipped: string[] = [];
  const volumeLog = logCursor("cinder-volume.log");
  const resources = waiterSession.resources;
  const created = await member.evs.createVolume({
    volume: {
      size: 1,
      name: resourceName(waiterSession.runId, WAITER, `vol${i}`),
      ...(resources.volumeAvailabilityZone && {
        availability_zone: resources.volumeAvailabilityZone,
      }),
    },
  });
  const id = created.id;
  cleanup.defer(`delete volume ${id}`, async () => {
    await member.evs.deleteVolume(id);
    await waitVolumeGone(member.evs, id, waiting);
  });
  const creation = await race(member, fixedSession.member, id, waiting);
  const createdAt = await volumeLog.find(`Volume volume-${id} (${id}): created successfully`);
  pushOrSkip("create", id, creation, createdAt, probes, transitions, skipped);

  for (const kind of ["detach", "held-detach"] as const) {
    await fixtures.serverAttachment(serverId, id);
    const attachmentId = (await member.evs.showVolume(id)).attachments?.[0]?.attachment_id;
    const apiLog = logCursor("cinder-api.log");
    const detach = await member.bms.detachServerVolume(serverId, id);
    if (detach.response.status >= 300) {
      skipped.push(`sample ${i}: Nova detach answered ${detach.response.status}`);
      return { transitions, skipped };
    }
    let readers = { waiter: member, fixed: fixedSession.member };
    let hold: { ms: number; until: number } | undefined;
    if (kind === "held-detach") {
      const ms = HOLD_MS.min + Math.round(Math.random() * (HOLD_MS.max - HOLD_MS.min));
      hold = { ms, until: Date.now() + ms };
      held.holds.set(id, hold.until);
      readers = held;
    }
    const detaching = await race(readers.waiter, readers.fixed, id, waiting);
    held.holds.delete(id);
    // Nova deletes the Cinder attachment; Cinder marks the volume available within that request.
    const detachedAt = attachmentId
      ? await apiLog.find(`/attachments/${attachmentId} returned with HTTP 200`)
      : undefined;
    // Held, `available` is visible only once both the server and the proxy let it through.
    const visibleAt =
      detachedAt === undefined || hold === undefined
        ? detachedAt
        : Math.max(detachedAt, hold.until);
    pushOrSkip(kind, id, detaching, visibleAt, probes, transitions, skipped, hold?.ms);
    // Nova drops its attachment record after Cinder's: attach again only once it is gone.
    await waitAttachmentGone(member.bms, serverId, id, waiting);
  }
  return { transitions, skipped };
}

/** The slow transition's two readers, through the proxy, and the holds it applies. */
interface Held {
  /** Volume id → epoch ms until which the proxy answers `detaching`. */
  holds: Map<string, number>;
  waiter: Clients;
  fixed: Clients;
}

/** Answers `detaching` for a held volume's GET until its hold ends; everything else as is. */
function holdDetaching(holds: Map<string, number>): ProxyRule {
  return async (request, forward) => {
    const response = await forward();
    const id = /\/volumes\/([0-9a-f-]{36})$/.exec(request.path)?.[1];
    const until = id === undefined ? undefined : holds.get(id);
    if (request.method !== "GET" || until === undefined || Date.now() >= until) {
      return { kind: "respond", response };
    }
    if (response.status !== 200) return { kind: "respond", response };
    const body = JSON.parse(response.body) as { volume: Record<string, unknown> };
    return {
      kind: "respond",
      response: {
        ...response,
        body: JSON.stringify({ volume: { ...body.volume, status: "detaching" } }),
      },
    };
  };
}

function pushOrSkip(
  kind: Transition["kind"],
  volumeId: string,
  seen: { startAt: number; waiterAt: number; fixedAt: number; fixedPhaseMs: number },
  serverAt: number | undefined,
  probes: Probe[],
  transitions: Transition[],
  skipped: string[],
  holdMs?: number,
): void {
  if (serverAt === undefined) {
    skipped.push(`${kind} of ${volumeId}: no log line found`);
    return;
  }
  // The log's local time must fall between the start of the wait and the waiter's notice.
  if (serverAt < seen.startAt - 5000 || serverAt > seen.waiterAt + 1000) {
    skipped.push(
      `${kind} of ${volumeId}: log time ${serverAt} outside the wait (clock or time zone?)`,
    );
    return;
  }
  transitions.push({
    kind,
    volumeId,
    serverAt,
    ...seen,
    ...(holdMs !== undefined && { holdMs }),
    waiterProbes: waiterProbesOf(probes, { volumeId, ...seen }).length,
  });
}

/**
 * The waiter's own rate on a long wait: a volume that stays `available` while the waiter
 * wants `in-use`, with a 5 s budget (the state changes above are over too soon to show it).
 */
async function longWait(
  session: ScenarioSession,
  cleanup: CleanupStack,
  waiting: Waiting,
  probes: Probe[],
): Promise<RateFigures> {
  const member = session.member;
  const volume = await fixturesOf(session, cleanup, waiting).volume("steady");
  const budget = { intervalMs: DEFAULT_BUDGET.intervalMs, budgetMs: 5000 };
  const startAt = Date.now();
  await waitVolumeStatus(member.evs, volume.id, ["in-use"], { ...waiting, budget }).then(
    () => {
      throw new Error(`volume ${volume.id} became in-use by itself`);
    },
    (error: unknown) => {
      if (!(error instanceof WaitTimeoutError)) throw error;
    },
  );
  const endAt = Date.now();
  return rateOf(
    `a wait that never ends (waitVolumeStatus in-use on an available volume, ${budget.budgetMs / 1000} s budget)`,
    waiterProbesOf(probes, { volumeId: volume.id, startAt, waiterAt: endAt }),
    startAt,
    endAt,
  );
}

/** The waiter's polls of one volume during one wait. */
function waiterProbesOf(
  probes: Probe[],
  wait: { volumeId: string; startAt: number; waiterAt: number },
): Probe[] {
  return probes.filter(
    (p) =>
      p.who === WAITER &&
      p.method === "GET" &&
      p.url.endsWith(`/volumes/${wait.volumeId}`) &&
      p.sentAt >= wait.startAt &&
      p.sentAt <= wait.waiterAt,
  );
}

/**
 * The harness's waiter, started right after the call, and a fixed 1 s poller on the same
 * volume whose first poll falls at a random moment of its first second: a poller not in step
 * with the call, which is what a fixed interval amounts to on average.
 */
async function race(member: Clients, other: Clients, volumeId: string, waiting: Waiting) {
  const startAt = Date.now();
  const fixedPhaseMs = Math.floor(Math.random() * FIXED_POLL_MS);
  const [waiterAt, fixedAt] = await Promise.all([
    waitVolumeStatus(member.evs, volumeId, ["available"], waiting).then(() => Date.now()),
    fixedPoll(other, volumeId, startAt, fixedPhaseMs),
  ]);
  return { startAt, waiterAt, fixedAt, fixedPhaseMs };
}

/** Tempest's way: show, and while not there, sleep build_interval and show again. */
async function fixedPoll(
  clients: Clients,
  volumeId: string,
  startAt: number,
  phaseMs: number,
): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, phaseMs));
  for (;;) {
    const volume = await clients.evs.showVolume(volumeId);
    if (volume.status === "available") return Date.now();
    if (volume.status.startsWith("error"))
      throw new Error(`volume ${volumeId} reached ${volume.status}`);
    if (Date.now() - startAt > DEFAULT_BUDGET.budgetMs)
      throw new Error(`volume ${volumeId} never became available`);
    await new Promise((resolve) => setTimeout(resolve, FIXED_POLL_MS));
  }
}

/** Lines appended to one of the target's logs since the cursor was made. */
function logCursor(file: string) {
  const path = join(OPENSTACK_LOGS, file);
  const offset = sizeOf(path);
  return {
    /** Epoch ms of the first new line containing `needle`; waits up to 3 s for it. */
    async find(needle: string): Promise<number | undefined> {
      const deadline = Date.now() + 3000;
      for (;;) {
        const text = readFileSync(path).subarray(offset).toString("utf8");
        const line = text.split("\n").find((l) => l.includes(needle));
        if (line) return logTime(line);
        if (Date.now() > deadline) return undefined;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** `2026-11-24 09:39:23.044 …`: oslo.log's local time with milliseconds. */
function logTime(line: string): number | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})/.exec(line);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

function rateOf(what: string, list: Probe[], startAt: number, endAt: number): RateFigures {
  const times = list.map((p) => p.sentAt).sort((a, b) => a - b);
  let peak = 0;
  for (const [i, t] of times.entries()) {
    let n = 0;
    for (let j = i; j < times.length && (times[j] as number) < t + 1000; j++) n++;
    peak = Math.max(peak, n);
  }
  const durationMs = Math.max(1, endAt - startAt);
  const later = times.filter((t) => t >= startAt + 1000).length;
  return {
    what,
    probes: times.length,
    durationMs: round(durationMs),
    averageRps: durationMs >= 1000 ? round(times.length / (durationMs / 1000), 1) : null,
    steadyRps: durationMs >= 2000 ? round(later / ((durationMs - 1000) / 1000), 1) : null,
    peakPerSecond: peak,
  };
}

/** waitFor's sleeps (pollDelay), with zero response time. */
function schedule() {
  const delaysMs: number[] = [];
  const times = [0];
  for (let attempt = 0; (times.at(-1) as number) < 10_000; attempt++) {
    const delay = pollDelay(attempt, DEFAULT_BUDGET);
    if (attempt < 6) delaysMs.push(delay);
    times.push((times.at(-1) as number) + delay);
  }
  return {
    delaysMs,
    firstSecond: times.filter((t) => t < 1000).length,
    steadyRps: 1000 / DEFAULT_BUDGET.intervalMs,
  };
}

function fixturesOf(session: ScenarioSession, cleanup: CleanupStack, waiting: Waiting): Fixtures {
  return new Fixtures({
    member: session.member,
    resources: session.resources,
    cleanup,
    waiting,
    name: (label) => resourceName(session.runId, WAITER, label),
    uuid: (label) => session.uuid(label),
    // The bench boots its own server: it times the boot's waits.
    ownsServer: true,
  });
}

/** Only `id` matters: it names resources and tags this bench's requests. */
function benchScenario(id: string): Scenario {
  return {
    id,
    title: "bench: state detection latency",
    operation: "detachVolume",
    category: "happy-path",
    documented: "",
    expect: { status: 202 },
    arrange: async () => undefined,
    act: async () => {
      throw new Error("not a scenario");
    },
  };
}
