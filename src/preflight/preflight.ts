// Before a live run creates anything: is the target described well enough for the catalog?
// Reads the token catalog, each service's version document and a few lists, with GET only.
import { openSession, type Session } from "../auth/session.ts";
import { SETUP_MICROVERSION } from "../clients/bms.ts";
import { mapPath, type Role, type Service, type TargetDescription } from "../config/description.ts";
import { type Contract, loadContract } from "../contract/load-spec.ts";
import type { Scenario } from "../engine/scenario.ts";
import { shortId } from "../engine/scenario.ts";
import { SERVICE_OF_DOCUMENT, unmetRequirement } from "../targets/wiring.ts";
import { createTransport, type Transport } from "../transport/transport.ts";

export type Level = "ok" | "warn" | "fail";

export interface PreflightCheck {
  level: Level;
  /** What was checked: `member`, `volume API`, `flavor` … */
  subject: string;
  message: string;
  /** What to change in the target description. */
  fix?: string;
}

export interface PreflightReport {
  target: string;
  checks: PreflightCheck[];
  skipped: { id: string; title: string; reason: string }[];
}

/** One served API version, as a version document lists it. */
export interface ServedVersion {
  id: string;
  status: string;
  /** The path it is served under, relative to the service's base URL, e.g. `/v3/`. */
  prefix: string;
  /** Microversion range; empty when the version has none. */
  minVersion: string;
  maxVersion: string;
}

const SERVICES: readonly Service[] = ["volume", "compute"];

/**
 * Checks `description` against the live target without creating anything, and says what to fix:
 * served versions and the `pathPrefixes` they need, whether each role works, whether the named
 * flavor, availability zones, multiattach type and server exist, and which scenarios will be
 * skipped and why.
 */
export async function preflight(
  description: TargetDescription,
  transport: Transport,
  contract: Contract,
  scenarios: readonly Scenario[],
): Promise<PreflightReport> {
  const checks: PreflightCheck[] = [];
  const report: PreflightReport = {
    target: description.name,
    checks,
    skipped: skippedScenarios(description, scenarios),
  };
  const member = await session(description, "member", transport, checks);
  if (!member) return report;

  // Later probes use the prefixes that will work, so one wrong prefix is reported once.
  const fixed: TargetDescription = {
    ...description,
    pathPrefixes: { ...description.pathPrefixes },
  };
  for (const service of SERVICES) {
    const prefixes = await versions(description, service, member, transport, contract, checks);
    if (prefixes && fixed.pathPrefixes) {
      fixed.pathPrefixes[service] = { ...fixed.pathPrefixes[service], ...prefixes };
    }
  }
  const probe = prober(fixed, member, transport);
  await roleReads(description, transport, probe, checks);
  await resources(description, contract, probe, checks, scenarios);
  return report;
}

async function session(
  description: TargetDescription,
  role: Role,
  transport: Transport,
  checks: PreflightCheck[],
): Promise<Session | undefined> {
  const user = description.auth[role];
  const who = user?.username ?? user?.userId ?? "the given token";
  try {
    const opened = await openSession(description, role, transport);
    checks.push({
      level: "ok",
      subject: role,
      message: `${who} gets a token for project ${opened.projectId}`,
    });
    return opened;
  } catch (error) {
    checks.push({ level: "fail", subject: role, message: (error as Error).message });
    return undefined;
  }
}

/**
 * Reads the service's version document (GET of its base URL) and checks that every documented
 * path prefix, mapped by `pathPrefixes`, is served. Returns the prefixes to use when one is not.
 */
async function versions(
  description: TargetDescription,
  service: Service,
  member: Session,
  transport: Transport,
  contract: Contract,
  checks: PreflightCheck[],
): Promise<Record<string, string> | undefined> {
  const subject = `${service} API`;
  let base: string;
  try {
    base = await member.endpoint(service);
  } catch (error) {
    checks.push({ level: "fail", subject, message: (error as Error).message });
    return undefined;
  }
  const source = description.endpoints?.[service] ? `endpoints.${service}` : "the token's catalog";
  let served: ServedVersion[];
  try {
    const response = await transport.fetch(base, { headers: { accept: "application/json" } });
    served = parseVersions(await response.json(), base);
  } catch {
    served = [];
  }
  if (served.length === 0) {
    checks.push({
      level: "warn",
      subject,
      message: `${base} (from ${source}) gives no version document; cannot tell which API versions it serves`,
    });
    return undefined;
  }
  const list = served.map(describeVersion).join(", ");
  checks.push({ level: "ok", subject, message: `${base} (from ${source}) serves ${list}` });
  if (service === "compute") checks.push(microversionCheck(served));

  const documented = documentedPrefixes(contract, service);
  const fixes: Record<string, string> = {};
  for (const prefix of documented) {
    const mapped = mapPath(description, service, prefix);
    if (served.some((v) => v.prefix === mapped)) continue;
    const best = served.find((v) => v.status === "CURRENT") ?? (served.at(-1) as ServedVersion);
    fixes[prefix] = best.prefix;
  }
  if (Object.keys(fixes).length === 0) {
    checks.push({
      level: "ok",
      subject,
      message: `documented ${documented.map((p) => `${p} → ${mapPath(description, service, p)}`).join(", ")}: served`,
    });
    return undefined;
  }
  const wanted = { ...description.pathPrefixes?.[service], ...fixes };
  checks.push({
    level: "fail",
    subject,
    message: `the documented paths ${Object.keys(fixes).join(", ")} are not served here (it serves ${served.map((v) => v.prefix).join(", ")}); every call would answer 404`,
    fix: `set "pathPrefixes": { "${service}": ${JSON.stringify(wanted)} } in the target description`,
  });
  return fixes;
}

/** `{"versions": [...]}` (Cinder, Nova answer 300 with it) or `{"version": {...}}`. */
export function parseVersions(body: unknown, base: string): ServedVersion[] {
  const document = body as { versions?: unknown; version?: unknown } | undefined;
  const entries = Array.isArray(document?.versions)
    ? document.versions
    : document?.version
      ? [document.version]
      : [];
  const basePath = new URL(base).pathname.replace(/\/+$/, "");
  return entries.flatMap((entry: Record<string, unknown>) => {
    if (typeof entry?.id !== "string") return [];
    const links = Array.isArray(entry.links) ? (entry.links as Record<string, unknown>[]) : [];
    const self = links.find((l) => l.rel === "self" && typeof l.href === "string");
    let prefix = `/${entry.id.replace(/\.0$/, "")}/`;
    if (self) {
      const path = new URL(String(self.href), base).pathname;
      if (path.startsWith(basePath)) prefix = `${path.slice(basePath.length).replace(/\/?$/, "/")}`;
    }
    return [
      {
        id: entry.id,
        status: String(entry.status ?? ""),
        prefix,
        minVersion: String(entry.min_version ?? ""),
        maxVersion: String(entry.version ?? ""),
      },
    ];
  });
}

function describeVersion(v: ServedVersion): string {
  const range = v.maxVersion ? `, microversions ${v.minVersion}–${v.maxVersion}` : "";
  return `${v.id} at ${v.prefix} (${v.status}${range})`;
}

/** Set-up calls ask Nova for SETUP_MICROVERSION (multiattach needs it). */
function microversionCheck(served: ServedVersion[]): PreflightCheck {
  const top = served.filter((v) => v.maxVersion).map((v) => v.maxVersion);
  const enough = top.some((max) => compareVersions(max, SETUP_MICROVERSION) >= 0);
  return enough
    ? {
        level: "ok",
        subject: "compute API",
        message: `set-up calls' microversion ${SETUP_MICROVERSION} is served`,
      }
    : {
        level: "warn",
        subject: "compute API",
        message: `no served version reaches microversion ${SETUP_MICROVERSION} (highest: ${top.join(", ") || "none"}); attaching multiattach volumes will fail`,
      };
}

function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split(".").map(Number);
  const [bm = 0, bn = 0] = b.split(".").map(Number);
  return am - bm || an - bn;
}

/**
 * `/v2/`, `/v2.1/`: the first path segment of every documented operation of the service; the
 * version document at the root (`/`) has none.
 */
function documentedPrefixes(contract: Contract, service: Service): string[] {
  const prefixes = contract.operations
    .filter((op) => SERVICE_OF_DOCUMENT[op.document] === service)
    .map((op) => op.path.split("/")[1])
    .filter((segment) => segment)
    .map((segment) => `/${segment}/`);
  return [...new Set(prefixes)];
}

type Probe = (
  service: Service,
  documentedPath: string,
  as?: Session,
) => Promise<{ status: number; body: unknown }>;

/** GET of a documented path (`{project_id}` filled in, prefixes mapped) with the role's token. */
function prober(description: TargetDescription, member: Session, transport: Transport): Probe {
  return async (service, documentedPath, as = member) => {
    const path = mapPath(description, service, documentedPath).replace(
      "{project_id}",
      as.projectId,
    );
    const response = await transport.fetch(`${await as.endpoint(service)}${path}`, {
      headers: { accept: "application/json", "x-auth-token": await as.token() },
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  };
}

/** A read each role must be allowed: the member lists volumes, the admin lists Cinder's services. */
async function roleReads(
  description: TargetDescription,
  transport: Transport,
  probe: Probe,
  checks: PreflightCheck[],
): Promise<void> {
  const volumes = await attempt(() => probe("volume", "/v2/{project_id}/volumes?limit=1"));
  checks.push(
    volumes?.status === 200
      ? { level: "ok", subject: "member", message: "may list volumes" }
      : {
          level: "fail",
          subject: "member",
          message: `listing volumes answered ${volumes?.status ?? "nothing"}; the member needs a role that may create, attach and detach volumes`,
        },
  );
  if (!description.auth.admin) return;
  const admin = await session(description, "admin", transport, checks);
  if (!admin) return;
  // Admin-only by Cinder's default policy; the admin scenarios reset a volume's status.
  const services = await attempt(() => probe("volume", "/v2/{project_id}/os-services", admin));
  checks.push(
    services?.status === 200
      ? { level: "ok", subject: "admin", message: "may read admin-only resources (os-services)" }
      : {
          level: "warn",
          subject: "admin",
          message: `the admin-only os-services list answered ${services?.status ?? "nothing"}: auth.admin may lack the admin role, and scenarios needing it would fail`,
        },
  );
}

async function resources(
  description: TargetDescription,
  contract: Contract,
  probe: Probe,
  checks: PreflightCheck[],
  scenarios: readonly Scenario[],
): Promise<void> {
  const wanted = description.resources ?? {};
  const needing = (kinds: string[]) =>
    scenarios.filter((s) => s.requires?.some((r) => kinds.includes(r))).length;
  const flavors = contract.operation("listFlavors").path;
  if (wanted.flavorId) {
    const list = await names(() => probe("compute", flavors), "flavors");
    const found = list?.includes(wanted.flavorId);
    checks.push(
      found
        ? { level: "ok", subject: "flavor", message: `${wanted.flavorId} exists` }
        : {
            level: "fail",
            subject: "flavor",
            message: `resources.flavorId ${wanted.flavorId} ${list ? "is not among the flavors" : "could not be looked up"}; ${needing(["server", "own-server"])} scenarios create servers with it`,
            ...(list && { fix: pickOne("resources.flavorId", list, NONE.flavor) }),
          },
    );
  }
  if (wanted.imageId) {
    // Nova's image proxy (microversions below 2.36): the compute endpoint is all a target names.
    const answer = await attempt(() =>
      probe("compute", `/v2.1/{project_id}/images/${encodeURIComponent(wanted.imageId ?? "")}`),
    );
    checks.push(
      answer?.status === 200
        ? { level: "ok", subject: "image", message: `${wanted.imageId} exists` }
        : {
            level: answer?.status === 404 ? "fail" : "warn",
            subject: "image",
            message: `resources.imageId ${wanted.imageId} ${answer?.status === 404 ? "is not an image here" : `could not be looked up (${answer?.status ?? "no answer"})`}; servers boot from it, ${needing(["server", "own-server", "image"])} scenarios need one`,
            ...(answer?.status === 404 && {
              fix: "set resources.imageId to an image the member may boot, or remove it to boot servers from volumes",
            }),
          },
    );
  }
  const zones: [string | undefined, Service, string, string][] = [
    [
      wanted.availabilityZone,
      "compute",
      "/v2.1/{project_id}/os-availability-zone",
      "availabilityZone",
    ],
    [
      wanted.volumeAvailabilityZone,
      "volume",
      "/v2/{project_id}/os-availability-zone",
      "volumeAvailabilityZone",
    ],
  ];
  for (const [zone, service, path, field] of zones) {
    if (!zone) continue;
    const answer = await attempt(() => probe(service, path));
    const info = (answer?.body as { availabilityZoneInfo?: { zoneName?: string }[] } | undefined)
      ?.availabilityZoneInfo;
    const list = info?.map((z) => String(z.zoneName));
    checks.push(
      list?.includes(zone)
        ? { level: "ok", subject: `${service} zone`, message: `${zone} exists` }
        : {
            level: list ? "fail" : "warn",
            subject: `${service} zone`,
            message: `resources.${field} ${zone} ${list ? "is not a zone of this service" : `could not be looked up (${answer?.status ?? "no answer"})`}`,
            ...(list && { fix: pickOne(`resources.${field}`, list, NONE.zone(field)) }),
          },
    );
  }
  if (wanted.multiattachVolumeType) {
    const answer = await attempt(() => probe("volume", contract.operation("listVolumeTypes").path));
    const types = (answer?.body as { volume_types?: Record<string, unknown>[] } | undefined)
      ?.volume_types;
    const type = types?.find(
      (t) => t.name === wanted.multiattachVolumeType || t.id === wanted.multiattachVolumeType,
    );
    const specs = type?.extra_specs as Record<string, string> | undefined;
    checks.push(
      !type
        ? {
            level: "fail",
            subject: "multiattach type",
            message: `resources.multiattachVolumeType ${wanted.multiattachVolumeType} ${types ? "is not a volume type here" : "could not be looked up"}; ${needing(["multiattach"])} scenarios need it`,
            ...(types && {
              fix:
                types.length === 0
                  ? NONE.volumeType
                  : `set resources.multiattachVolumeType to a type with extra spec multiattach="<is> True" (types: ${types.map((t) => t.name).join(", ")})`,
            }),
          }
        : specs && specs.multiattach !== "<is> True"
          ? {
              level: "warn",
              subject: "multiattach type",
              message: `${wanted.multiattachVolumeType} exists, but its extra spec multiattach is ${specs.multiattach ?? "unset"}, not "<is> True"`,
            }
          : {
              level: "ok",
              subject: "multiattach type",
              message: `${wanted.multiattachVolumeType} exists`,
            },
    );
  }
  if (wanted.serverId) {
    const path = contract.operation("showServer").path.replace("{server_id}", wanted.serverId);
    const answer = await attempt(() => probe("compute", path));
    checks.push(
      answer?.status === 200
        ? { level: "ok", subject: "server", message: `${wanted.serverId} exists` }
        : {
            level: "fail",
            subject: "server",
            message: `resources.serverId ${wanted.serverId} answered ${answer?.status ?? "nothing"}; it must be a server of the member's project`,
          },
    );
  }
}

/** What to do when the list a field must name one of is empty: nothing here to pick. */
const NONE = {
  flavor:
    "the target lists no flavor the member may use; an admin creates one " +
    "(`openstack flavor create --ram 512 --disk 1 --vcpus 1 conformance`), or ask the cloud's operator; " +
    "on OTC, pick a BMS flavor from the console",
  zone: (field: string) =>
    `the service lists no availability zone; remove resources.${field} to let it choose, or ask the cloud's operator which zone to name`,
  volumeType:
    "the target lists no volume type; an admin creates one " +
    '(`openstack volume type create --property multiattach="<is> True" multiattach`), or ask the cloud\'s operator; ' +
    "or remove resources.multiattachVolumeType to skip the multiattach scenarios",
};

/** "set <field> to one of: …", or what to do when there is none to pick. */
function pickOne(field: string, list: readonly string[], none: string): string {
  return list.length > 0 ? `set ${field} to one of: ${list.join(", ")}` : none;
}

/** Names and ids from a Nova list (`{"flavors": [{id, name}]}`). */
async function names(
  call: () => Promise<{ status: number; body: unknown }>,
  key: string,
): Promise<string[] | undefined> {
  const answer = await attempt(call);
  const items = (answer?.body as Record<string, { id?: string; name?: string }[]> | undefined)?.[
    key
  ];
  const all = items?.flatMap((item) => [item.id, item.name].filter((v): v is string => !!v));
  return all && [...new Set(all)];
}

async function attempt<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch {
    return undefined;
  }
}

function skippedScenarios(description: TargetDescription, scenarios: readonly Scenario[]) {
  return scenarios.flatMap((scenario) => {
    const reason = (scenario.requires ?? [])
      .map((requirement) => unmetRequirement(description, requirement, scenario))
      .find((r) => r !== undefined);
    return reason ? [{ id: scenario.id, title: scenario.title, reason }] : [];
  });
}

const MARK: Record<Level, string> = { ok: "ok  ", warn: "warn", fail: "FAIL" };

/** The report as the command line prints it; the last line says whether to go ahead. */
export function renderPreflight(report: PreflightReport): string {
  const width = Math.max(...report.checks.map((c) => c.subject.length));
  const lines = [`preflight of ${report.target} (reads only; nothing is created)`, ""];
  for (const check of report.checks) {
    lines.push(`${MARK[check.level]}  ${check.subject.padEnd(width)}  ${check.message}`);
    if (check.fix) lines.push(`${" ".repeat(width + 8)}fix: ${check.fix}`);
  }
  lines.push("", `${report.skipped.length} scenarios will be skipped`);
  for (const s of report.skipped) lines.push(`  ${shortId(s.id)} ${s.title}: ${s.reason}`);
  const failed = report.checks.filter((c) => c.level === "fail").length;
  lines.push(
    "",
    failed === 0
      ? "ready: the catalog can run against this target"
      : `not ready: ${failed} problem${failed === 1 ? "" : "s"} to fix first`,
    "",
  );
  return lines.join("\n");
}

export function preflightPassed(report: PreflightReport): boolean {
  return report.checks.every((check) => check.level !== "fail");
}

/**
 * The `preflight` command, and what a live run can call before it starts: checks the target,
 * writes the report to `out`, and gives the exit code (0 ready, 1 something to fix).
 */
export async function runPreflight(
  description: TargetDescription,
  scenarios: readonly Scenario[],
  out: { write(text: string): unknown } = process.stdout,
): Promise<number> {
  const transport = createTransport(description);
  try {
    const report = await preflight(description, transport, await loadContract(), scenarios);
    out.write(renderPreflight(report));
    return preflightPassed(report) ? 0 : 1;
  } finally {
    await transport.close();
  }
}
