// End-to-end check of a running loopback target (the engineer's own check, not the
// project's smoke test): logs in as both users, boots a server from a volume, attaches and
// detaches through Nova, attaches and detaches through Cinder's legacy actions, and does the
// same for a multiattach volume with two attachments. Prints every call with its status.
//
//   node scripts/openstack/smoke.mjs [path/to/target.json]
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

const target = JSON.parse(readFileSync(process.argv[2] ?? ".state/openstack/target.json", "utf8"));
const { auth, endpoints } = target;
const VOLUME_MV = { "OpenStack-API-Version": "volume 3.0" };
const BOOT_MV = { "OpenStack-API-Version": "compute 2.37" }; // "networks": "none" needs 2.37
const cleanups = [];

/** The body, shortened; volumes as status, multiattach flag and attachments. */
function show(text) {
  if (text === "") return "(empty body)";
  const volume = JSON.parse(text).volume;
  if (volume) {
    const attachments = (volume.attachments ?? []).map((a) => `${a.attachment_id}@${a.server_id}`);
    return `volume status=${volume.status} multiattach=${volume.multiattach} type=${volume.volume_type} attachments=[${attachments.join(", ")}]`;
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

async function call(token, method, url, body, headers = {}, { quiet = false } = {}) {
  const started = performance.now();
  const res = await fetch(url, {
    method,
    headers: {
      Accept: "application/json",
      ...(token ? { "X-Auth-Token": token } : {}),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = (performance.now() - started).toFixed(0);
  if (!quiet) {
    const version = res.headers.get("openstack-api-version") ?? "";
    const sent = body === undefined ? "" : ` ${JSON.stringify(body).slice(0, 200)}`;
    console.log(
      `${method} ${url.replace(/^http:\/\/127.0.0.1:/, ":")}${sent} → ${res.status} ${ms} ms`,
    );
    console.log(`    ${version ? `[${version}] ` : ""}${show(text)}`);
  }
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

async function login(user) {
  const domain = { name: auth.userDomainName };
  const res = await call(
    undefined,
    "POST",
    `${auth.url}/auth/tokens`,
    {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: user.username, domain, password: user.password } },
        },
        scope: { project: { name: auth.projectName, domain: { name: auth.projectDomainName } } },
      },
    },
    {},
    { quiet: true },
  );
  console.log(
    `POST /v3/auth/tokens as ${user.username} → ${res.status}, token ${res.headers.get("x-subject-token")?.length} chars`,
  );
  return res.headers.get("x-subject-token");
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls every 50 ms until `done(json)`; returns the seconds it took. */
async function waitFor(what, token, url, done, timeoutS = 120) {
  const started = performance.now();
  let last;
  while (performance.now() - started < timeoutS * 1000) {
    last = await call(token, "GET", url, undefined, {}, { quiet: true });
    if (done(last)) {
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      console.log(`    … ${what} after ${seconds} s`);
      return seconds;
    }
    if (last.json?.volume?.status === "error" || last.json?.server?.status === "ERROR") break;
    await sleep(50);
  }
  throw new Error(`${what}: gave up, last answer ${last?.status} ${JSON.stringify(last?.json)}`);
}

const VOLUMES = `${endpoints.volume}/v3/${auth.projectId}/volumes`;
const volumeStatus = (status) => (res) => res.json?.volume?.status === status;

async function createVolume(token, name, extra = {}) {
  const res = await call(
    token,
    "POST",
    VOLUMES,
    { volume: { size: 1, name, ...extra } },
    VOLUME_MV,
  );
  const id = res.json.volume.id;
  cleanups.push(() => call(token, "DELETE", `${VOLUMES}/${id}`, undefined, {}, { quiet: true }));
  await waitFor(`volume ${name} available`, token, `${VOLUMES}/${id}`, volumeStatus("available"));
  return id;
}

const action = (token, id, body, headers = VOLUME_MV) =>
  call(token, "POST", `${VOLUMES}/${id}/action`, body, headers);

async function legacyAttach(token, id, instance = randomUUID()) {
  await action(token, id, { "os-reserve": null });
  await action(token, id, { "os-attach": { instance_uuid: instance, mountpoint: "/dev/vdb" } });
  return instance;
}

async function novaFlow(member, admin) {
  console.log("\n== Nova: server booted from a volume, attach and detach a second volume");
  const boot = await createVolume(member, "smoke-boot");
  await action(member, boot, { "os-set_bootable": { bootable: true } });
  const servers = `${endpoints.compute}/v2.1/${auth.projectId}/servers`;
  const created = await call(
    member,
    "POST",
    servers,
    {
      server: {
        name: "smoke-server",
        flavorRef: target.resources.flavorId,
        networks: "none",
        block_device_mapping_v2: [
          {
            boot_index: 0,
            uuid: boot,
            source_type: "volume",
            destination_type: "volume",
            delete_on_termination: false,
          },
        ],
      },
    },
    BOOT_MV,
  );
  const server = created.json.server.id;
  cleanups.push(async () => {
    await call(admin, "DELETE", `${servers}/${server}`, undefined, {}, { quiet: true });
    await waitFor("server deleted", admin, `${servers}/${server}`, (r) => r.status === 404);
  });
  await waitFor(
    "server ACTIVE",
    member,
    `${servers}/${server}`,
    (r) => r.json?.server?.status === "ACTIVE",
  );
  await call(member, "GET", `${servers}/${server}`);
  await call(member, "GET", `${servers}/${server}`, undefined, {
    "OpenStack-API-Version": "compute latest",
  });

  const data = await createVolume(member, "smoke-data");
  const attachments = `${servers}/${server}/os-volume_attachments`;
  await call(member, "POST", attachments, { volumeAttachment: { volumeId: data } });
  await waitFor("data volume in-use", member, `${VOLUMES}/${data}`, volumeStatus("in-use"));
  await call(member, "GET", attachments);
  const inUse = await call(member, "GET", `${VOLUMES}/${data}`);
  // Nova's attachment has connection info: Cinder refuses a member's os-detach (409).
  const novaAttachment = inUse.json.volume.attachments[0].attachment_id;
  await action(member, data, { "os-detach": { attachment_id: novaAttachment } });

  await call(member, "DELETE", `${attachments}/${boot}`); // root volume: 400 expected
  const detachStarted = performance.now();
  await call(member, "DELETE", `${attachments}/${data}`);
  await call(member, "GET", `${VOLUMES}/${data}`, undefined, VOLUME_MV);
  await waitFor(
    "Nova detach → volume available",
    member,
    `${VOLUMES}/${data}`,
    volumeStatus("available"),
  );
  const seconds = ((performance.now() - detachStarted) / 1000).toFixed(2);
  await call(member, "GET", attachments);
  await call(member, "DELETE", `${attachments}/${data}`); // not attached any more: 404 expected
  return seconds;
}

async function legacyFlow(member) {
  console.log("\n== Cinder: legacy os-reserve + os-attach, then os-detach with attachment_id");
  const id = await createVolume(member, "smoke-legacy");
  await legacyAttach(member, id);
  const attached = await call(member, "GET", `${VOLUMES}/${id}`);
  const attachment = attached.json.volume.attachments[0].attachment_id;
  const started = performance.now();
  await action(member, id, { "os-detach": { attachment_id: attachment } });
  const answered = ((performance.now() - started) / 1000).toFixed(2);
  await waitFor(
    `os-detach (answered in ${answered} s) → available`,
    member,
    `${VOLUMES}/${id}`,
    volumeStatus("available"),
  );
}

async function multiattachFlow(member) {
  console.log("\n== Cinder: multiattach volume with two legacy attachments");
  const id = await createVolume(member, "smoke-multi", {
    volume_type: target.resources.multiattachVolumeType,
  });
  await legacyAttach(member, id);
  await legacyAttach(member, id);
  const attached = await call(member, "GET", `${VOLUMES}/${id}`);
  const [first, second] = attached.json.volume.attachments.map((a) => a.attachment_id);
  await action(member, id, { "os-detach": {} }); // two attachments, no id: 409 expected
  await action(member, id, { "os-detach": { attachment_id: first } });
  await call(member, "GET", `${VOLUMES}/${id}`);
  await action(member, id, { "os-detach": { attachment_id: second } });
  await waitFor(
    "multiattach volume available",
    member,
    `${VOLUMES}/${id}`,
    volumeStatus("available"),
  );
}

async function main() {
  const member = await login(auth.member);
  const admin = await login(auth.admin);
  let novaSeconds;
  try {
    novaSeconds = await novaFlow(member, admin);
    await legacyFlow(member);
    await multiattachFlow(member);
  } finally {
    console.log("\n== cleanup");
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error) => console.log(`    cleanup failed: ${error.message}`));
    }
  }
  console.log(`\nsmoke passed; ${novaSeconds} s from Nova DELETE to \`available\` (50 ms polls)`);
}

main().catch((error) => {
  console.error(`smoke FAILED: ${error.stack}`);
  process.exit(1);
});
