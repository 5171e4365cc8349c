// The harness's configuration of one target: where it is, who may call it, and its quirks.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { DEVIATIONS_DIR, ROOT } from "../paths.ts";
import { credentialsFromEnvironment } from "./environment.ts";

export type Service = "volume" | "compute";
export type Role = "admin" | "member" | "reader";

export interface TargetUser {
  username?: string | undefined;
  userId?: string | undefined;
  password: string;
}

export interface TargetAuth {
  /** Keystone v3 (OTC: IAM) URL; required unless only a token is given. */
  url?: string | undefined;
  projectId?: string | undefined;
  projectName?: string | undefined;
  /** Defaults to the users' domain. */
  projectDomainName?: string | undefined;
  projectDomainId?: string | undefined;
  userDomainName?: string | undefined;
  userDomainId?: string | undefined;
  /** Optional: scenarios that need an admin are skipped without one. */
  admin?: TargetUser | undefined;
  /** Required unless `token` is given. */
  member?: TargetUser | undefined;
  /** Optional: a user with only `reader` on the project, for the 403 scenarios. */
  reader?: TargetUser | undefined;
  /** Used as the member's token; needs `projectId` and `endpoints`, and cannot be renewed. */
  token?: string | undefined;
}

export interface TargetResources {
  multiattachVolumeType?: string;
  flavorId?: string;
  availabilityZone?: string;
  volumeAvailabilityZone?: string;
  /** An existing server, for BMS scenarios that cannot create one. */
  serverId?: string;
  /** An image to boot a server from, for the one scenario that needs a server not booted from a volume. */
  imageId?: string;
  /**
   * Pid file of the target's nova-compute, for the scenario that pauses it (a target on this
   * machine only); relative to the working directory.
   */
  computePidFile?: string;
  [name: string]: string | undefined;
}

export interface TargetDescription {
  name: string;
  /** Selects the reviewed deviations file (tests/deviations/<family>.yaml). */
  family: string;
  /** Filters the service catalog. */
  region?: string | undefined;
  auth: TargetAuth;
  /** Base URLs; they win over the catalog. */
  endpoints?: Partial<Record<Service, string | undefined>> | undefined;
  /** Served path prefix per documented prefix, e.g. `{ "/v2/": "/v3/" }`. */
  pathPrefixes?: Partial<Record<Service, Record<string, string>>> | undefined;
  resources?: TargetResources | undefined;
  tls?: { caFile?: string } | undefined;
  timeouts?: { connectMs?: number; readMs?: number } | undefined;
}

/** Where the project's own OpenStack start script writes its description. */
export const DEFAULT_TARGET_FILE = ".state/openstack/target.json";

const README = 'see README "Running against your cloud"';

// `description` says what a value must be; validation messages quote it.
const nonEmpty = { type: "string", minLength: 1, description: "a non-empty string" };
const httpUrl = {
  type: "string",
  pattern: "^https?://[^/\\s]+",
  description: "an http(s) URL such as https://iam.eu-de.otc.t-systems.com/v3",
};
const user = {
  type: "object",
  additionalProperties: false,
  required: ["password"],
  properties: { username: nonEmpty, userId: nonEmpty, password: nonEmpty },
};
const prefixes = {
  type: "object",
  propertyNames: { pattern: "^/" },
  additionalProperties: { type: "string", pattern: "^/", description: "a path starting with /" },
};
const milliseconds = { type: "integer", minimum: 1, description: "a positive whole number of ms" };

/** JSON Schema (2020-12) of a target description; cross-field rules are checked in code. */
export const targetDescriptionSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  required: ["name", "family", "auth"],
  properties: {
    $schema: { type: "string" },
    name: nonEmpty,
    family: {
      type: "string",
      pattern: "^[a-z0-9][a-z0-9-]*$",
      description: "lower-case words joined by '-', such as upstream-openstack",
    },
    region: nonEmpty,
    auth: {
      type: "object",
      additionalProperties: false,
      properties: {
        url: httpUrl,
        projectId: nonEmpty,
        projectName: nonEmpty,
        projectDomainName: nonEmpty,
        projectDomainId: nonEmpty,
        userDomainName: nonEmpty,
        userDomainId: nonEmpty,
        admin: user,
        member: user,
        reader: user,
        token: nonEmpty,
      },
    },
    endpoints: {
      type: "object",
      additionalProperties: false,
      properties: { volume: httpUrl, compute: httpUrl },
    },
    pathPrefixes: {
      type: "object",
      additionalProperties: false,
      properties: { volume: prefixes, compute: prefixes },
    },
    resources: {
      type: "object",
      additionalProperties: nonEmpty,
      properties: {
        multiattachVolumeType: nonEmpty,
        flavorId: nonEmpty,
        availabilityZone: nonEmpty,
        volumeAvailabilityZone: nonEmpty,
        serverId: nonEmpty,
        imageId: nonEmpty,
        computePidFile: nonEmpty,
      },
    },
    tls: { type: "object", additionalProperties: false, properties: { caFile: nonEmpty } },
    timeouts: {
      type: "object",
      additionalProperties: false,
      properties: { connectMs: milliseconds, readMs: milliseconds },
    },
  },
} as const;

/** Fixes for missing fields. */
const HINTS: Record<string, string> = {
  name: 'give the target a short name for reports, such as "otc-eu-de"',
  family: 'give the family whose reviewed deviations apply, such as "upstream-openstack"',
  auth: "give the Keystone URL, the project and the member user",
  "auth.url": "give the Keystone v3 (OTC: IAM) URL, such as https://iam.eu-de.otc.t-systems.com/v3",
  "auth.member": "give the member user's username and password, or auth.token",
  "auth.projectName": "give the project to work in (or auth.projectId)",
  "auth.userDomainName":
    'give the users\' domain (or auth.userDomainId), such as "Default"; on OTC the tenant\'s domain "OTC000…"',
  "auth.projectDomainName": "give the project's domain (or auth.projectDomainId)",
  "auth.projectId": "a token given directly needs the id of the project it is scoped to",
};

export class TargetDescriptionError extends Error {
  override readonly name = "TargetDescriptionError";

  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

// Compiled on first use: a replay never checks a description, and compiling (Ajv's 2020-12
// meta-schema first) costs a few hundred ms of start-up.
let validateShape: ValidateFunction | undefined;

/**
 * Checks a parsed description; `label` (a file name, or where credentials came from) starts
 * every message.
 */
export function validateTargetDescription(value: unknown, label: string): TargetDescription {
  validateShape ??= new Ajv2020({ allErrors: true, verbose: true }).compile(
    targetDescriptionSchema,
  );
  const valid = validateShape(value);
  const shape = (valid ? [] : (validateShape.errors ?? []))
    // A bad key also yields its inner pattern error; the propertyNames error says it better.
    .filter((error) => error.propertyName === undefined)
    .map(shapeProblem);
  // Every problem at once: the rules beyond the shape run whenever their fields are there, and
  // only add what the shape did not already say of the same field.
  const problems = [...shape];
  const beyond = [
    ...familyProblems(value),
    ...(hasAuth(value) ? crossFieldProblems(value as TargetDescription) : []),
  ];
  for (const problem of beyond) {
    const field = problem.split(" ")[0] ?? "";
    if (!shape.some((said) => said.startsWith(`${field} `))) problems.push(problem);
  }
  if (problems.length > 0) {
    throw new TargetDescriptionError(problems.map((problem) => `${label}: ${problem}`));
  }
  return value as TargetDescription;
}

/** Reads and checks a description; a relative `tls.caFile` is relative to the file. */
export function loadTargetDescription(path: string): TargetDescription {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TargetDescriptionError([
      `${path}: cannot be read (${code}); give the path of a target description (${README}), or run \`npm run target:start\` to write ${DEFAULT_TARGET_FILE}`,
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const { line, column } = lineAndColumn(text, jsonErrorOffset(text, error as Error));
    const reason = (error as Error).message
      .replace(/ in JSON at position \d+$/, "")
      .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, "");
    throw new TargetDescriptionError([
      `${path}:${line}:${column}: is not valid JSON (${reason}); fix it there`,
    ]);
  }
  const description = validateTargetDescription(parsed, path);
  const caFile = description.tls?.caFile;
  return caFile ? { ...description, tls: { caFile: resolve(dirname(path), caFile) } } : description;
}

/**
 * The same structure from OS_CLOUD + clouds.yaml or OS_* variables. Only a member user comes
 * from there; the family is "otc" for Open Telekom Cloud URLs, else "upstream-openstack".
 */
export function targetFromEnvironment(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): TargetDescription {
  const { source, ...found } = credentialsFromEnvironment(env, cwd);
  const urls = [found.auth.url, found.endpoints?.volume, found.endpoints?.compute];
  const otc = urls.some((url) => url && /^https?:\/\/[^/]*\.otc\.t-systems\.com([:/]|$)/.test(url));
  return validateTargetDescription(
    { ...found, family: otc ? "otc" : "upstream-openstack" },
    source,
  );
}

/** Applies the longest matching path prefix of the service: `/v2/p/volumes` → `/v3/p/volumes`. */
export function mapPath(description: TargetDescription, service: Service, path: string): string {
  const prefixes = description.pathPrefixes?.[service] ?? {};
  const from = Object.keys(prefixes)
    .filter((prefix) => path.startsWith(prefix))
    .sort((a, b) => b.length - a.length)[0];
  return from === undefined ? path : `${prefixes[from]}${path.slice(from.length)}`;
}

function hasAuth(value: unknown): boolean {
  const auth = (value as { auth?: unknown } | null)?.auth;
  return typeof auth === "object" && auth !== null && !Array.isArray(auth);
}

/**
 * Where JSON.parse failed in `text`. V8 names the position in most messages but not in all
 * ("Unexpected token …", "Unexpected end …"); then the shortest prefix that fails for a reason
 * other than running out of input ends at the offending character.
 */
function jsonErrorOffset(text: string, error: Error): number {
  const stated = /at position (\d+)/.exec(error.message)?.[1];
  if (stated !== undefined) return Number(stated);
  const brokenWithin = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (cause) {
      const message = (cause as Error).message;
      const at = /at position (\d+)/.exec(message)?.[1];
      if (at !== undefined) return Number(at) < length;
      return !message.startsWith("Unexpected end of JSON input");
    }
  };
  let [low, high] = [0, text.length];
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (brokenWithin(middle)) high = middle;
    else low = middle + 1;
  }
  return Math.max(0, Math.min(low, text.length) - (brokenWithin(low) ? 1 : 0));
}

/** 1-based line and column of a 0-based offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function shapeProblem(error: ErrorObject): string {
  const field = error.instancePath
    .split("/")
    .slice(1)
    .map((key) => key.replaceAll("~1", "/").replaceAll("~0", "~"))
    .join(".");
  const at = (key: string) => (field ? `${field}.${key}` : key);
  switch (error.keyword) {
    case "required":
      return missing(at(error.params.missingProperty as string));
    case "additionalProperties": {
      const known = Object.keys(error.parentSchema?.properties ?? {}).join(", ");
      return `${at(error.params.additionalProperty as string)} is not a known field; check its spelling (known: ${known})`;
    }
    case "propertyNames":
      return `${at(error.params.propertyName as string)} is not a path prefix; prefixes start with /`;
    default: {
      const expected =
        (error.parentSchema?.description as string | undefined) ??
        (error.keyword === "type" ? `of type ${error.params.type}` : error.message);
      return `${field} must be ${expected} (got ${JSON.stringify(error.data)})`;
    }
  }
}

/**
 * A family selects its reviewed deviations; one without a file would be judged with no ledger
 * at all, so a misspelt family is refused rather than silently trusted.
 */
function familyProblems(value: unknown): string[] {
  const family = (value as { family?: unknown } | null)?.family;
  if (typeof family !== "string") return [];
  const known = readdirSync(DEVIATIONS_DIR)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => name.slice(0, -".yaml".length))
    .sort();
  if (known.includes(family)) return [];
  const ledger = relative(ROOT, join(DEVIATIONS_DIR, `${family}.yaml`));
  return [
    `family must be one with reviewed deviations: ${known.join(", ")} (got ${JSON.stringify(family)}); check its spelling, or add ${ledger} for a new family`,
  ];
}

function crossFieldProblems({ auth, endpoints }: TargetDescription): string[] {
  const problems: string[] = [];
  const users = [auth.admin, auth.member, auth.reader];
  const usesPassword = users.some((u) => u !== undefined);
  if (auth.token === undefined && auth.member === undefined) problems.push(missing("auth.member"));
  if (usesPassword) {
    if (auth.url === undefined) problems.push(missing("auth.url"));
    if (auth.projectId === undefined && auth.projectName === undefined) {
      problems.push(missing("auth.projectName"));
    }
    for (const role of ["admin", "member", "reader"] as const) {
      const user = auth[role];
      if (user && user.username === undefined && user.userId === undefined) {
        problems.push(missing(`auth.${role}.username`));
      }
    }
    const userDomain = auth.userDomainName ?? auth.userDomainId;
    const byName = users.some((u) => u?.username !== undefined);
    if (byName && userDomain === undefined) problems.push(missing("auth.userDomainName"));
    const projectDomain = auth.projectDomainName ?? auth.projectDomainId ?? userDomain;
    if (
      auth.projectId === undefined &&
      auth.projectName !== undefined &&
      projectDomain === undefined
    ) {
      problems.push(missing("auth.projectDomainName"));
    }
  }
  if (auth.token !== undefined) {
    if (auth.projectId === undefined) problems.push(missing("auth.projectId"));
    for (const service of ["volume", "compute"] as const) {
      if (endpoints?.[service] === undefined) problems.push(missing(`endpoints.${service}`));
    }
  }
  return problems;
}

function missing(field: string): string {
  return `${field} is missing; ${hintFor(field) ?? "add it"} (${README})`;
}

function hintFor(field: string): string | undefined {
  const user = /^auth\.(admin|member|reader)\.(\w+)$/.exec(field);
  if (user) {
    const [, role, key] = user;
    return key === "password"
      ? `give the ${role} user's password`
      : `give the ${role} user's name (or auth.${role}.userId)`;
  }
  const service = /^endpoints\.(\w+)$/.exec(field)?.[1];
  if (service) {
    return `a token given directly comes without a service catalog, so give the ${service} base URL, such as http://127.0.0.1:8776`;
  }
  return HINTS[field];
}
