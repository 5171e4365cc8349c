// Credentials the way OpenStack users already hold them: OS_CLOUD + clouds.yaml, or OS_* variables.
import { resolve } from "node:path";
import { AuthError, CREDENTIAL_SOURCES } from "./auth-error.ts";
import { readCloud } from "./clouds-yaml.ts";
import type { TargetDescription } from "./description.ts";

export type FoundCredentials = Pick<
  TargetDescription,
  "name" | "region" | "auth" | "endpoints" | "tls"
> & {
  /** Where they came from, for messages: "OS_* variables" or "OS_CLOUD=x (path/clouds.yaml)". */
  source: string;
};

type Env = Record<string, string | undefined>;

/** Each setting's names: OS_* variables first, then clouds.yaml keys; aliases after the main name. */
const NAMES = {
  authUrl: { env: ["OS_AUTH_URL"], cloud: ["auth.auth_url"] },
  username: { env: ["OS_USERNAME"], cloud: ["auth.username"] },
  userId: { env: ["OS_USER_ID"], cloud: ["auth.user_id"] },
  password: { env: ["OS_PASSWORD"], cloud: ["auth.password"] },
  projectId: {
    env: ["OS_PROJECT_ID", "OS_TENANT_ID"],
    cloud: ["auth.project_id", "auth.tenant_id"],
  },
  projectName: {
    env: ["OS_PROJECT_NAME", "OS_TENANT_NAME"],
    cloud: ["auth.project_name", "auth.tenant_name"],
  },
  userDomainName: { env: ["OS_USER_DOMAIN_NAME"], cloud: ["auth.user_domain_name"] },
  userDomainId: { env: ["OS_USER_DOMAIN_ID"], cloud: ["auth.user_domain_id"] },
  projectDomainName: { env: ["OS_PROJECT_DOMAIN_NAME"], cloud: ["auth.project_domain_name"] },
  projectDomainId: { env: ["OS_PROJECT_DOMAIN_ID"], cloud: ["auth.project_domain_id"] },
  // openstacksdk uses domain_* for both the user's and the project's domain when those are unset.
  domainName: { env: ["OS_DOMAIN_NAME"], cloud: ["auth.domain_name"] },
  domainId: { env: ["OS_DOMAIN_ID"], cloud: ["auth.domain_id"] },
  token: { env: ["OS_AUTH_TOKEN", "OS_TOKEN"], cloud: ["auth.token"] },
  region: { env: ["OS_REGION_NAME"], cloud: ["region_name"] },
  cacert: { env: ["OS_CACERT"], cloud: ["cacert"] },
  volumeEndpoint: {
    env: ["OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE", "OS_VOLUME_ENDPOINT_OVERRIDE"],
    cloud: ["block_storage_endpoint_override", "volume_endpoint_override"],
  },
  computeEndpoint: { env: ["OS_COMPUTE_ENDPOINT_OVERRIDE"], cloud: ["compute_endpoint_override"] },
} as const;

type Setting = keyof typeof NAMES;

interface Source {
  label: string;
  cloudName?: string;
  read(setting: Setting): string | undefined;
  nameOf(setting: Setting): string;
}

/** From OS_CLOUD's clouds.yaml entry when OS_CLOUD is set, else from the OS_* variables. */
export function credentialsFromEnvironment(env: Env, cwd: string): FoundCredentials {
  return build(env.OS_CLOUD ? cloudSource(env.OS_CLOUD, env, cwd) : envSource(env), cwd);
}

function envSource(env: Env): Source {
  return {
    label: "OS_* variables",
    read: (setting) => firstOf(NAMES[setting].env.map((name) => env[name])),
    nameOf: (setting) => NAMES[setting].env[0],
  };
}

function cloudSource(name: string, env: Env, cwd: string): Source {
  const { file, cloud } = readCloud(name, env, cwd);
  // Like the openstack CLI, OS_REGION_NAME picks the region even with OS_CLOUD.
  const at = (path: string) =>
    path === "region_name" && env.OS_REGION_NAME
      ? env.OS_REGION_NAME
      : path
          .split(".")
          .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], cloud);
  return {
    label: `OS_CLOUD=${name} (${file})`,
    cloudName: name,
    read: (setting) => firstOf(NAMES[setting].cloud.map(at)),
    nameOf: (setting) => `clouds.${name}.${NAMES[setting].cloud[0]}`,
  };
}

// YAML may give numbers (a numeric password); empty values count as unset.
function firstOf(values: readonly unknown[]): string | undefined {
  const value = values.find((v) => v !== undefined && v !== null && v !== "");
  return value === undefined ? undefined : String(value);
}

function build(source: Source, cwd: string): FoundCredentials {
  const get = (setting: Setting) => source.read(setting);
  const userDomainName = get("userDomainName") ?? get("domainName");
  const userDomainId = get("userDomainId") ?? get("domainId");
  const projectDomainName = get("projectDomainName") ?? get("domainName");
  const projectDomainId = get("projectDomainId") ?? get("domainId");
  const password = get("password");
  const token = password === undefined ? get("token") : undefined;

  const missing: string[] = [];
  const need = (present: unknown, ...settings: Setting[]) => {
    if (!present) missing.push(settings.map(source.nameOf).join(" or "));
  };
  if (token) {
    need(get("projectId"), "projectId");
    need(get("volumeEndpoint"), "volumeEndpoint");
    need(get("computeEndpoint"), "computeEndpoint");
  } else {
    need(get("authUrl"), "authUrl");
    need(get("username") ?? get("userId"), "username", "userId");
    need(password, "password");
    need(get("projectName") ?? get("projectId"), "projectName", "projectId");
    if (get("username")) need(userDomainName ?? userDomainId, "userDomainName", "userDomainId");
    if (get("projectName") && !get("projectId")) {
      const domain = projectDomainName ?? projectDomainId ?? userDomainName ?? userDomainId;
      need(domain, "projectDomainName", "projectDomainId");
    }
  }
  if (missing.length > 0) {
    const verb = missing.length === 1 ? "is" : "are";
    throw new AuthError(
      "missing-credentials",
      `missing credentials: ${missing.join(", ")} ${verb} not set (${source.label}). ${CREDENTIAL_SOURCES}`,
    );
  }

  const authUrl = get("authUrl");
  const volume = get("volumeEndpoint");
  const compute = get("computeEndpoint");
  const cacert = get("cacert");
  return {
    source: source.label,
    name: source.cloudName ?? hostOf(authUrl ?? volume) ?? "os-environment",
    region: get("region"),
    auth: {
      url: authUrl,
      projectId: get("projectId"),
      projectName: get("projectName"),
      projectDomainName,
      projectDomainId,
      userDomainName,
      userDomainId,
      member: password ? { username: get("username"), userId: get("userId"), password } : undefined,
      token,
    },
    endpoints: volume || compute ? { volume, compute } : undefined,
    // Relative paths are relative to the working directory, as for the openstack CLI.
    tls: cacert ? { caFile: resolve(cwd, cacert) } : undefined,
  };
}

function hostOf(url: string | undefined): string | undefined {
  return url && URL.canParse(url) ? new URL(url).hostname : undefined;
}
