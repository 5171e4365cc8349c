// Seeds the loopback OpenStack target through its REST APIs and writes target.json.
// Called by start.sh; plain Node (no dependencies) so it runs before `npm ci`.
//
//   node seed.mjs keystone         projects, roles, users, catalog; fresh conformance passwords
//   node seed.mjs check <what>     one readiness probe (token | cinder | conductor | compute)
//   node seed.mjs resources        volume type `multiattach`, flavor `conformance.tiny`
//   node seed.mjs target           checks the users' tokens, writes target.json (0600)
//
// Inputs come from the environment (start.sh exports them from secrets.env):
// OPENSTACK_STATE, ADMIN_PASS, NOVA_PASS, CINDER_PASS, PLACEMENT_PASS.
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { IMAGE_ID } from "./glance-stub.mjs";

const KEYSTONE = "http://127.0.0.1:5000/v3";
const VOLUME = "http://127.0.0.1:8776";
const COMPUTE = "http://127.0.0.1:8774";
const PLACEMENT = "http://127.0.0.1:8778";
const PROJECT = "conformance";
const ADMIN_USER = "conformance-admin";
const MEMBER_USER = "conformance-member";
/** Only `reader` on the project: the detach policies must refuse it (policy/detach.yaml). */
const READER_USER = "conformance-reader";
const FLAVOR = { id: "conformance.tiny", name: "conformance.tiny", vcpus: 1, ram: 512, disk: 1 };
const MULTIATTACH_TYPE = "multiattach";
const COMPUTE_HOST = "openstack-loopback";

const CATALOG = [
  { type: "compute", name: "nova", url: `${COMPUTE}/v2.1` },
  { type: "volumev3", name: "cinderv3", url: `${VOLUME}/v3/%(tenant_id)s` },
  { type: "placement", name: "placement", url: PLACEMENT },
  { type: "network", name: "neutron", url: "http://127.0.0.1:9696" },
];
const INTERFACES = ["public", "internal", "admin"];

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (seed.mjs is run by start.sh)`);
  return value;
}

const REPO = join(import.meta.dirname, "..", "..");
const stateDir = () => env("OPENSTACK_STATE");
const seedFile = () => join(stateDir(), "run", "seed.json");

/** Writes JSON readable by the owner only; the rename makes it appear complete or not at all. */
function writePrivateJson(path, value) {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

async function call(method, url, { token, body, headers = {}, expect } = {}) {
  const res = await fetch(url, {
    method,
    headers: {
      Accept: "application/json",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...(token ? { "X-Auth-Token": token } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (expect && !expect.includes(res.status)) {
    throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 400)}`);
  }
  return { status: res.status, headers: res.headers, json };
}

async function issueToken(username, password, projectName) {
  const domain = { name: "Default" };
  const body = {
    auth: {
      identity: { methods: ["password"], password: { user: { name: username, domain, password } } },
      scope: { project: { name: projectName, domain } },
    },
  };
  const res = await call("POST", `${KEYSTONE}/auth/tokens`, { body, expect: [201] });
  return { token: res.headers.get("x-subject-token"), projectId: res.json.token.project.id };
}

// ---- keystone ------------------------------------------------------------------------------

async function findByName(token, collection, name, extra = "") {
  const url = `${KEYSTONE}/${collection}?name=${encodeURIComponent(name)}${extra}`;
  const res = await call("GET", url, { token, expect: [200] });
  return res.json[collection][0];
}

async function ensureNamed(token, collection, key, name, fields = {}) {
  const found = await findByName(token, collection, name);
  if (found) return found;
  const body = { [key]: { name, ...fields } };
  const res = await call("POST", `${KEYSTONE}/${collection}`, { token, body, expect: [201] });
  return res.json[key];
}

async function passwordWorks(username, password) {
  try {
    await issueToken(username, password, "service");
    return true;
  } catch {
    return false;
  }
}

/** Creates the user or sets its password (only when it changed: a change revokes tokens). */
async function ensureUser(token, name, password, projectId, { alwaysReset }) {
  const found = await findByName(token, "users", name, "&domain_id=default");
  if (!found) {
    const body = { user: { name, password, domain_id: "default", default_project_id: projectId } };
    return (await call("POST", `${KEYSTONE}/users`, { token, body, expect: [201] })).json.user;
  }
  if (alwaysReset || !(await passwordWorks(name, password))) {
    const body = { user: { password } };
    await call("PATCH", `${KEYSTONE}/users/${found.id}`, { token, body, expect: [200] });
  }
  return found;
}

async function grant(token, projectId, userId, roleId) {
  const url = `${KEYSTONE}/projects/${projectId}/users/${userId}/roles/${roleId}`;
  await call("PUT", url, { token, expect: [204] });
}

async function ensureEndpoints(token, entry) {
  const services = await call("GET", `${KEYSTONE}/services?type=${entry.type}`, {
    token,
    expect: [200],
  });
  let service = services.json.services[0];
  if (!service) {
    const body = { service: { type: entry.type, name: entry.name, enabled: true } };
    service = (await call("POST", `${KEYSTONE}/services`, { token, body, expect: [201] })).json
      .service;
  }
  const listed = await call("GET", `${KEYSTONE}/endpoints?service_id=${service.id}`, {
    token,
    expect: [200],
  });
  for (const iface of INTERFACES) {
    const endpoint = listed.json.endpoints.find((e) => e.interface === iface);
    if (!endpoint) {
      const body = {
        endpoint: {
          service_id: service.id,
          interface: iface,
          url: entry.url,
          region_id: "RegionOne",
        },
      };
      await call("POST", `${KEYSTONE}/endpoints`, { token, body, expect: [201] });
    } else if (endpoint.url !== entry.url) {
      const body = { endpoint: { url: entry.url } };
      await call("PATCH", `${KEYSTONE}/endpoints/${endpoint.id}`, { token, body, expect: [200] });
    }
  }
}

async function seedKeystone() {
  const { token } = await issueToken("admin", env("ADMIN_PASS"), "admin");
  const domain = { domain_id: "default" };
  const service = await ensureNamed(token, "projects", "project", "service", domain);
  const project = await ensureNamed(token, "projects", "project", PROJECT, {
    ...domain,
    description: "Contract tests of the detach APIs",
  });
  const roles = {};
  for (const name of ["admin", "member", "reader", "service"]) {
    roles[name] = await ensureNamed(token, "roles", "role", name);
  }

  // Service users: admin for privileged calls, `service` so their service tokens count.
  const serviceUsers = { nova: "NOVA_PASS", cinder: "CINDER_PASS", placement: "PLACEMENT_PASS" };
  for (const [name, secret] of Object.entries(serviceUsers)) {
    const user = await ensureUser(token, name, env(secret), service.id, { alwaysReset: false });
    await grant(token, service.id, user.id, roles.admin.id);
    await grant(token, service.id, user.id, roles.service.id);
  }

  // Fresh passwords on every start; they are written only to target.json (0600).
  const users = { admin: ADMIN_USER, member: MEMBER_USER, reader: READER_USER };
  const passwords = {};
  for (const [role, name] of Object.entries(users)) {
    passwords[role] = randomBytes(18).toString("base64url");
    const user = await ensureUser(token, name, passwords[role], project.id, { alwaysReset: true });
    await grant(token, project.id, user.id, roles[role].id);
  }

  for (const entry of CATALOG) await ensureEndpoints(token, entry);
  writePrivateJson(seedFile(), { projectId: project.id, passwords });
}

// ---- readiness probes and resources ---------------------------------------------------------

function readSeed() {
  return JSON.parse(readFileSync(seedFile(), "utf8"));
}

async function adminSession() {
  const seed = readSeed();
  const { token } = await issueToken(ADMIN_USER, seed.passwords.admin, PROJECT);
  return { token, projectId: seed.projectId };
}

/** Why a check is not ready yet; start.sh prints the last reason when it gives up. */
class NotReady extends Error {}

const checks = {
  async token() {
    await adminSession();
  },

  /** cinder-scheduler and cinder-volume up, and the scheduler knows the fake pool. */
  async cinder() {
    const { token, projectId } = await adminSession();
    const base = `${VOLUME}/v3/${projectId}`;
    const services = (await call("GET", `${base}/os-services`, { token, expect: [200] })).json
      .services;
    for (const binary of ["cinder-scheduler", "cinder-volume"]) {
      const up = services.some((s) => s.binary === binary && s.state === "up");
      if (!up) throw new NotReady(`${binary} is not up in os-services`);
    }
    const pools = (await call("GET", `${base}/scheduler-stats/get_pools`, { token, expect: [200] }))
      .json.pools;
    if (pools.length === 0) throw new NotReady("cinder-scheduler knows no pool yet");
  },

  /** nova-conductor up: nova-compute waits 10 s per attempt when it starts before it. */
  async conductor() {
    const { token } = await adminSession();
    const url = `${COMPUTE}/v2.1/os-services?binary=nova-conductor`;
    const services = (await call("GET", url, { token, expect: [200] })).json.services;
    if (!services.some((s) => s.state === "up")) {
      throw new NotReady("nova-conductor is not up in os-services");
    }
  },

  /** nova-compute up, and its resource provider has inventory in Placement. */
  async compute() {
    const { token } = await adminSession();
    const services = (
      await call("GET", `${COMPUTE}/v2.1/os-services?binary=nova-compute`, { token, expect: [200] })
    ).json.services;
    if (!services.some((s) => s.state === "up")) {
      throw new NotReady("nova-compute is not up in os-services");
    }
    const headers = { "OpenStack-API-Version": "placement 1.14" };
    const providers = (
      await call("GET", `${PLACEMENT}/resource_providers?name=${COMPUTE_HOST}`, {
        token,
        headers,
        expect: [200],
      })
    ).json.resource_providers;
    if (providers.length === 0) throw new NotReady("no resource provider in Placement yet");
    const inventories = (
      await call("GET", `${PLACEMENT}/resource_providers/${providers[0].uuid}/inventories`, {
        token,
        headers,
        expect: [200],
      })
    ).json.inventories;
    if (!inventories.VCPU) throw new NotReady("the resource provider has no VCPU inventory yet");
  },
};

async function ensureResources() {
  const { token, projectId } = await adminSession();
  const types = `${VOLUME}/v3/${projectId}/types`;
  const listed = await call("GET", `${types}?is_public=None`, { token, expect: [200] });
  let type = listed.json.volume_types.find((t) => t.name === MULTIATTACH_TYPE);
  const specs = { multiattach: "<is> True" };
  if (!type) {
    const body = {
      volume_type: {
        name: MULTIATTACH_TYPE,
        description: "Volumes that may be attached to several servers",
        "os-volume-type-access:is_public": true,
        extra_specs: specs,
      },
    };
    type = (await call("POST", types, { token, body, expect: [200] })).json.volume_type;
  } else if (type.extra_specs?.multiattach !== specs.multiattach) {
    const url = `${types}/${type.id}/extra_specs`;
    await call("POST", url, { token, body: { extra_specs: specs }, expect: [200] });
  }

  const flavor = await call("GET", `${COMPUTE}/v2.1/flavors/${FLAVOR.id}`, { token });
  if (flavor.status === 404) {
    const body = { flavor: { ...FLAVOR, "os-flavor-access:is_public": true } };
    await call("POST", `${COMPUTE}/v2.1/flavors`, { token, body, expect: [200] });
  } else if (flavor.status !== 200) {
    throw new Error(`GET flavor ${FLAVOR.id} answered ${flavor.status}`);
  }
}

async function writeTarget() {
  const seed = readSeed();
  // Readiness includes token issuance for every user, exactly as the suite will log in.
  await issueToken(ADMIN_USER, seed.passwords.admin, PROJECT);
  await issueToken(MEMBER_USER, seed.passwords.member, PROJECT);
  await issueToken(READER_USER, seed.passwords.reader, PROJECT);
  const target = {
    name: "openstack-loopback",
    family: "upstream-openstack",
    auth: {
      url: KEYSTONE,
      projectName: PROJECT,
      projectId: seed.projectId,
      projectDomainName: "Default",
      userDomainName: "Default",
      admin: { username: ADMIN_USER, password: seed.passwords.admin },
      member: { username: MEMBER_USER, password: seed.passwords.member },
      reader: { username: READER_USER, password: seed.passwords.reader },
    },
    endpoints: { volume: VOLUME, compute: COMPUTE },
    pathPrefixes: { volume: { "/v2/": "/v3/" } },
    resources: {
      multiattachVolumeType: MULTIATTACH_TYPE,
      flavorId: FLAVOR.id,
      imageId: IMAGE_ID,
      availabilityZone: "nova",
      volumeAvailabilityZone: "nova",
      // Lets the task-state scenario pause nova-compute (SIGSTOP); the pid file start.sh writes.
      // Relative to the repository, where the suite runs.
      computePidFile: relative(REPO, join(stateDir(), "pids", "nova-compute.pid")),
    },
  };
  const path = join(stateDir(), "target.json");
  writePrivateJson(path, target);
  process.stdout.write(`${path}\n`);
}

async function main([command, what]) {
  if (command === "keystone") return seedKeystone();
  if (command === "resources") return ensureResources();
  if (command === "target") return writeTarget();
  if (command === "check" && what && Object.hasOwn(checks, what)) return checks[what]();
  throw new Error("usage: seed.mjs keystone | check <probe> | resources | target");
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error instanceof NotReady ? "not ready" : "error"}: ${error.message}\n`);
  process.exit(1);
});
