// Reads one cloud of clouds.yaml the way openstacksdk finds it: the first clouds.yaml on the
// search path, with the same cloud of secure.yaml (where people keep passwords) merged over it.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { AuthError, CREDENTIAL_SOURCES } from "./auth-error.ts";

/** A cloud entry; values as YAML gives them (a numeric password is a number). */
export interface CloudConfig {
  profile?: unknown;
  auth?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface FoundCloud {
  file: string;
  cloud: CloudConfig;
}

type Env = Record<string, string | undefined>;

/** openstacksdk's vendor profile for Open Telekom Cloud gives the IAM URL per region. */
const OTC_PROFILE_AUTH_URL = (region: string) => `https://iam.${region}.otc.t-systems.com/v3`;

function configPaths(fileName: string, env: Env, cwd: string): string[] {
  const configHome = env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), ".config");
  const override =
    fileName === "clouds.yaml" ? env.OS_CLIENT_CONFIG_FILE : env.OS_CLIENT_SECURE_FILE;
  return [
    ...(override ? [override] : []),
    join(cwd, fileName),
    join(configHome, "openstack", fileName),
    join("/etc/openstack", fileName),
  ];
}

export function readCloud(name: string, env: Env, cwd: string): FoundCloud {
  const searched = configPaths("clouds.yaml", env, cwd);
  const file = searched.find((path) => existsSync(path));
  if (!file) {
    throw new AuthError(
      "missing-credentials",
      `missing credentials: OS_CLOUD=${name} but no clouds.yaml was found (searched ${searched.join(", ")}). ${CREDENTIAL_SOURCES}`,
    );
  }
  const clouds = cloudsOf(file);
  const cloud = clouds[name];
  if (!cloud) {
    const known = Object.keys(clouds).join(", ");
    const fix = known
      ? `(clouds: ${known}); set OS_CLOUD to one of them.`
      : `and lists no cloud at all; add "${name}" under "clouds:" there, or unset OS_CLOUD.`;
    throw new AuthError(
      "missing-credentials",
      `missing credentials: OS_CLOUD=${name} but ${file} has no cloud "${name}" ${fix}`,
    );
  }
  const secureFile = configPaths("secure.yaml", env, cwd).find((path) => existsSync(path));
  const secure = secureFile ? cloudsOf(secureFile)[name] : undefined;
  const merged: CloudConfig = { ...cloud, ...secure, auth: { ...cloud.auth, ...secure?.auth } };
  if (merged.profile === "otc" && merged.auth?.auth_url === undefined) {
    const region = typeof merged.region_name === "string" ? merged.region_name : "eu-de";
    merged.auth = { ...merged.auth, auth_url: OTC_PROFILE_AUTH_URL(region) };
  }
  return { file, cloud: merged };
}

function cloudsOf(file: string): Record<string, CloudConfig | undefined> {
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new AuthError("missing-credentials", `${file} cannot be read as YAML: ${reason}`);
  }
  const clouds = (document as { clouds?: unknown } | null)?.clouds;
  return typeof clouds === "object" && clouds !== null
    ? (clouds as Record<string, CloudConfig>)
    : {};
}
