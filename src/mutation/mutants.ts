import type { Mutant, RunMemory, WireRequest, WireResponse } from "./core.ts";
import type { Phase } from "./phases.ts";

// The catalog of mutants: each breaks the server's answers in one controlled way. The kill
// matrix (`npm run conformance -- mutate`) runs every scenario that calls a mutant's
// operations with the mutant in place; a mutant is killed when a green verdict turns red.

const EVS = "detachVolume";
const BMS = "detachServerVolume";
const ACT: readonly Phase[] = ["act"];
const SETTLE: readonly Phase[] = ["settle"];
const ANOTHER_SERVER = "0b5e3d1c-7c3e-4f4a-9d1e-6f0a2b9c8d7e";
const REQUEST_ID_HEADERS = ["x-openstack-request-id", "x-compute-request-id"];

type Change = (
  response: WireResponse,
  request: WireRequest,
  memory: RunMemory,
) => WireResponse | undefined;

function mutant(
  id: string,
  description: string,
  operations: readonly string[],
  phases: readonly Phase[],
  mutate: Change,
  equivalent?: string,
): Mutant {
  return { id, description, operations, phases, mutate, ...(equivalent && { equivalent }) };
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function withJson(response: WireResponse, value: unknown): WireResponse {
  return {
    ...response,
    headers: { ...response.headers, "content-type": "application/json" },
    body: JSON.stringify(value),
  };
}

const isSuccess = (response: WireResponse) => response.status >= 200 && response.status < 300;
const isError = (response: WireResponse) => response.status >= 400;

/** `{fault: {message, code}}` split up, when the body is one. */
function envelope(response: WireResponse): { fault: string; inner: Json } | undefined {
  const body = parse(response.body);
  if (!isObject(body)) return undefined;
  const keys = Object.keys(body);
  const fault = keys[0];
  if (keys.length !== 1 || fault === undefined || !isObject(body[fault])) return undefined;
  return { fault, inner: body[fault] };
}

/** Changes the error envelope's inner object (or its name); only on errors with an envelope. */
function onEnvelope(change: (fault: string, inner: Json) => Json): Change {
  return (response) => {
    if (!isError(response)) return undefined;
    const found = envelope(response);
    return found && withJson(response, change(found.fault, { ...found.inner }));
  };
}

function status(from: (status: number) => boolean, to: number): Change {
  return (response) => (from(response.status) ? { ...response, status: to } : undefined);
}

function contentType(type: string, when: (response: WireResponse) => boolean): Change {
  return (response) =>
    when(response) && response.body !== ""
      ? { ...response, headers: { ...response.headers, "content-type": type } }
      : undefined;
}

function requestIds(value: string | undefined): Change {
  return (response) => {
    if (!REQUEST_ID_HEADERS.some((name) => name in response.headers)) return undefined;
    const headers = { ...response.headers };
    for (const name of REQUEST_ID_HEADERS) {
      if (!(name in headers)) continue;
      if (value === undefined) delete headers[name];
      else headers[name] = value;
    }
    return { ...response, headers };
  };
}

/** The served-microversion header set to `value`, on successes that send one. */
function servedVersion(value: string): Change {
  return (response) =>
    response.status < 300 && "openstack-api-version" in response.headers
      ? { ...response, headers: { ...response.headers, "openstack-api-version": value } }
      : undefined;
}

/** Ids in a request path, e.g. `volumes` → the volume id. */
function idAfter(path: string, segment: string): string {
  const parts = path.split("?")[0]?.split("/") ?? [];
  return parts[parts.indexOf(segment) + 1] ?? "";
}

/** Upstream's integer code turned into another status's: 400, or 404 where it was 400. */
function codeOtherThan(code: unknown): unknown {
  if (typeof code !== "number") return code;
  return code === 400 ? 404 : 400;
}

/** The fault's message replaced, on answers of `status` only. */
function withMessage(status: number, message: string): Change {
  const change = onEnvelope((fault, inner) => ({ [fault]: { ...inner, message } }));
  return (response, request, memory) =>
    response.status === status ? change(response, request, memory) : undefined;
}

const refusalAccepted: Change = (response) =>
  isError(response) ? { status: 202, headers: { ...response.headers }, body: "" } : undefined;

/** Changes `volume` of a showVolume answer. */
function onVolume(
  change: (volume: Json, request: WireRequest, memory: RunMemory) => Json | undefined,
): Change {
  return (response, request, memory) => {
    const body = parse(response.body);
    if (response.status !== 200 || !isObject(body) || !isObject(body.volume)) return undefined;
    const changed = change({ ...body.volume }, request, memory);
    return changed && withJson(response, { ...body, volume: changed });
  };
}

/** The volume as the last showVolume before the call under test showed it. */
function volumeBefore(request: WireRequest, memory: RunMemory): Json | undefined {
  const before = memory.before.get(`GET ${request.path}`);
  const body = before && parse(before.body);
  return isObject(body) && isObject(body.volume) ? body.volume : undefined;
}

/** Only after an accepted call under test of `operation`. */
function afterAccepted(operation: string, memory: RunMemory): boolean {
  return (
    memory.operation === operation && memory.callStatus !== undefined && memory.callStatus < 300
  );
}

const attachments = (volume: Json): Json[] =>
  Array.isArray(volume.attachments) ? volume.attachments.filter(isObject) : [];

/** The volume the arrange phase attached to the server of this attachment list, if any. */
function attachedBefore(request: WireRequest, memory: RunMemory): unknown {
  const attach = memory.before.get(`POST ${request.path}`);
  const attached = attach && parse(attach.body);
  return isObject(attached) && isObject(attached.volumeAttachment)
    ? attached.volumeAttachment.volumeId
    : undefined;
}

/**
 * After a call under test refused with one of `statuses` (of `operation`, when given), the disk
 * is detached all the same: the volume `available` without attachments, the server no longer
 * listing it.
 */
function detachedAnyway(statuses: readonly number[], operation?: string): Change {
  const volume = onVolume((shown) => ({ ...shown, status: "available", attachments: [] }));
  return (response, request, memory) => {
    const other = operation !== undefined && memory.operation !== operation;
    if (other || !statuses.includes(memory.callStatus ?? 0)) {
      return undefined;
    }
    if (request.operationId === "showVolume") return volume(response, request, memory);
    const body = parse(response.body);
    const volumeId = attachedBefore(request, memory);
    if (!isObject(body) || !Array.isArray(body.volumeAttachments) || !volumeId) return undefined;
    return withJson(response, {
      ...body,
      volumeAttachments: body.volumeAttachments.filter(
        (a) => !isObject(a) || a.volumeId !== volumeId,
      ),
    });
  };
}

export const MUTANTS: readonly Mutant[] = [
  // EVS os-detach: the documented success.
  mutant(
    "evs-202-as-200",
    "EVS detach answers 200 instead of 202",
    [EVS],
    ACT,
    status((s) => s === 202, 200),
  ),
  mutant(
    "evs-202-as-204",
    "EVS detach answers 204 instead of 202",
    [EVS],
    ACT,
    status((s) => s === 202, 204),
  ),
  mutant(
    "evs-202-as-201",
    "EVS detach answers 201 instead of 202",
    [EVS],
    ACT,
    status((s) => s === 202, 201),
  ),
  mutant(
    "evs-202-with-body",
    "EVS detach answers its 202 with a JSON body, where the page documents none",
    [EVS],
    ACT,
    (response, request) =>
      response.status === 202
        ? withJson(response, {
            volume: { id: idAfter(request.path, "volumes"), status: "detaching" },
          })
        : undefined,
  ),
  // EVS os-detach: the documented errors.
  mutant(
    "evs-404-as-400",
    "EVS detach answers 400 where it answered 404 (fault kept)",
    [EVS],
    ACT,
    status((s) => s === 404, 400),
  ),
  mutant(
    "evs-409-as-400",
    "EVS detach answers 400 where it answered 409 (fault kept)",
    [EVS],
    ACT,
    status((s) => s === 409, 400),
  ),
  mutant(
    "evs-400-as-409",
    "EVS detach answers 409 where it answered 400 (fault kept)",
    [EVS],
    ACT,
    status((s) => s === 400, 409),
  ),
  mutant(
    "evs-error-as-500",
    "EVS detach answers a refusal with 500 computeFault",
    [EVS],
    ACT,
    (response) =>
      isError(response) && response.status !== 500
        ? withJson(
            { ...response, status: 500 },
            {
              computeFault: { message: "The server has either erred or is incapable.", code: 500 },
            },
          )
        : undefined,
  ),
  mutant(
    "evs-refusal-accepted",
    "EVS detach answers 202 to a request that must fail",
    [EVS],
    ACT,
    refusalAccepted,
  ),
  mutant(
    "evs-fault-renamed",
    "EVS error envelope's fault key renamed (badRequest → BadRequest)",
    [EVS],
    ACT,
    (response) => {
      if (!isError(response)) return undefined;
      const found = envelope(response);
      if (!found) return undefined;
      const renamed = `${found.fault[0]?.toUpperCase()}${found.fault.slice(1)}`;
      return withJson(response, { [renamed]: found.inner });
    },
  ),
  mutant(
    "evs-fault-dropped",
    "EVS error body without the fault key: message and code at the top",
    [EVS],
    ACT,
    (response) => {
      if (!isError(response)) return undefined;
      const found = envelope(response);
      return found && withJson(response, found.inner);
    },
  ),
  mutant(
    "evs-fault-other-name",
    "EVS error envelope names another documented fault than its status's (e.g. badRequest on a 409)",
    [EVS],
    ACT,
    (response) => {
      if (!isError(response)) return undefined;
      const found = envelope(response);
      if (!found) return undefined;
      const other = found.fault === "badRequest" ? "conflictingRequest" : "badRequest";
      return withJson(response, { [other]: found.inner });
    },
  ),
  mutant(
    "evs-message-dropped",
    "EVS error envelope without message",
    [EVS],
    ACT,
    onEnvelope((fault, { message: _, ...inner }) => ({ [fault]: inner })),
  ),
  mutant(
    "evs-code-dropped",
    "EVS error envelope without code",
    [EVS],
    ACT,
    onEnvelope((fault, { code: _, ...inner }) => ({ [fault]: inner })),
  ),
  mutant(
    "bms-code-not-status",
    "BMS error envelope's integer code is another status than the response's (400 on a 404)",
    [BMS],
    ACT,
    onEnvelope((fault, inner) => ({ [fault]: { ...inner, code: codeOtherThan(inner.code) } })),
  ),
  mutant(
    "bms-409-not-locked",
    "BMS detach answers 409 conflictingRequest for another conflict than a locked server",
    [BMS],
    ACT,
    withMessage(409, "Cannot 'detach_volume' instance while it is in task_state deleting"),
  ),
  mutant(
    "evs-message-number",
    "EVS error envelope's message is a number",
    [EVS],
    ACT,
    onEnvelope((fault, inner) => ({ [fault]: { ...inner, message: 42 } })),
  ),
  mutant(
    "evs-code-null",
    "EVS error envelope's code is null (neither the documented string nor upstream's integer)",
    [EVS],
    ACT,
    onEnvelope((fault, inner) => ({ [fault]: { ...inner, code: null } })),
  ),
  // Each of these is let through by a deviation entry as wide as its pattern alone, and
  // caught only by the entry's condition on the response (tests/deviations).
  mutant(
    "evs-code-not-status",
    "EVS error envelope's integer code is another status than the response's (400 on a 404)",
    [EVS],
    ACT,
    onEnvelope((fault, inner) => ({ [fault]: { ...inner, code: codeOtherThan(inner.code) } })),
  ),
  mutant(
    "evs-409-other-conflict",
    "EVS detach answers 409 conflictingRequest for another conflict than Cinder's attachment check",
    [EVS],
    ACT,
    withMessage(409, "Invalid volume: Volume status must be available or in-use."),
  ),
  mutant(
    "evs-415-other-reason",
    "EVS detach answers 415 badMediaType for another reason than the Content-Type",
    [EVS],
    ACT,
    withMessage(415, "Unsupported Accept header"),
  ),
  mutant(
    "evs-error-html",
    "EVS detach answers a refusal with an HTML page",
    [EVS],
    ACT,
    (response) =>
      isError(response)
        ? {
            ...response,
            headers: { ...response.headers, "content-type": "text/html; charset=UTF-8" },
            body: `<html><body><h1>${response.status}</h1></body></html>`,
          }
        : undefined,
  ),
  mutant(
    "evs-error-text-plain",
    "EVS detach's error envelope declared as text/plain",
    [EVS],
    ACT,
    contentType("text/plain", isError),
  ),
  mutant(
    "evs-error-empty",
    "EVS detach answers a refusal without a body",
    [EVS],
    ACT,
    (response) =>
      isError(response) && response.body !== "" ? { ...response, body: "" } : undefined,
  ),
  mutant(
    "evs-served-version-other-service",
    "EVS detach names the compute service in OpenStack-API-Version",
    [EVS],
    ACT,
    servedVersion("compute 2.1"),
  ),
  mutant(
    "evs-request-id-malformed",
    "EVS detach's request id headers are not req-<uuid>",
    [EVS],
    ACT,
    requestIds("req-12345"),
  ),
  mutant(
    "evs-request-id-dropped",
    "EVS detach sends no request id headers",
    [EVS],
    ACT,
    requestIds(undefined),
  ),

  // BMS detach.
  {
    ...mutant(
      "bms-202-as-200",
      "BMS detach answers 200 instead of Nova's 202",
      [BMS],
      ACT,
      status((s) => s === 202, 200),
      "200 is the status the BMS page documents for a detach; the deviation bms-detach-202 only accepts Nova's 202 in its place",
    ),
    // Where the documents expect a refusal (an admin on a locked server), a 200 is no more
    // allowed than the 202: there the mutant is not equivalent, and the matrix leaves it out.
    appliesTo: (scenario) => scenario.expect.status === 200,
  },
  mutant(
    "bms-202-as-204",
    "BMS detach answers 204 instead of Nova's 202",
    [BMS],
    ACT,
    status((s) => s === 202, 204),
  ),
  mutant(
    "bms-202-with-body",
    "BMS detach answers its success with a JSON body, where the page documents none",
    [BMS],
    ACT,
    (response, request) =>
      isSuccess(response)
        ? withJson(response, {
            volumeAttachment: {
              id: idAfter(request.path, "os-volume_attachments"),
              volumeId: idAfter(request.path, "os-volume_attachments"),
              serverId: idAfter(request.path, "servers"),
            },
          })
        : undefined,
  ),
  mutant(
    "bms-404-as-400",
    "BMS detach answers 400 where it answered 404 (fault kept)",
    [BMS],
    ACT,
    status((s) => s === 404, 400),
  ),
  mutant(
    "bms-409-as-400",
    "BMS detach answers 400 where it answered 409 (fault kept)",
    [BMS],
    ACT,
    status((s) => s === 409, 400),
  ),
  mutant(
    "bms-refusal-accepted",
    "BMS detach answers 202 to a request that must fail",
    [BMS],
    ACT,
    refusalAccepted,
  ),
  mutant(
    "bms-fault-renamed",
    "BMS error envelope's fault key renamed (itemNotFound → ItemNotFound)",
    [BMS],
    ACT,
    (response) => {
      if (!isError(response)) return undefined;
      const found = envelope(response);
      if (!found) return undefined;
      const renamed = `${found.fault[0]?.toUpperCase()}${found.fault.slice(1)}`;
      return withJson(response, { [renamed]: found.inner });
    },
  ),
  mutant(
    "bms-message-dropped",
    "BMS error envelope without message",
    [BMS],
    ACT,
    onEnvelope((fault, { message: _, ...inner }) => ({ [fault]: inner })),
  ),
  mutant(
    "bms-code-dropped",
    "BMS error envelope without code",
    [BMS],
    ACT,
    onEnvelope((fault, { code: _, ...inner }) => ({ [fault]: inner })),
  ),
  mutant(
    "bms-error-text-html",
    "BMS detach's error envelope declared as text/html",
    [BMS],
    ACT,
    contentType("text/html; charset=UTF-8", isError),
  ),
  mutant(
    "bms-served-version-other-service",
    "BMS detach names the volume service in OpenStack-API-Version",
    [BMS],
    ACT,
    servedVersion("volume 3.0"),
  ),
  mutant(
    "bms-request-id-malformed",
    "BMS detach's request id headers are not req-<uuid>",
    [BMS],
    ACT,
    requestIds("req-12345"),
  ),
  mutant(
    "bms-request-id-dropped",
    "BMS detach sends no request id headers",
    [BMS],
    ACT,
    requestIds(undefined),
  ),

  // The resources' state after the call (support calls while the scenario settles).
  mutant(
    "evs-volume-stays-in-use",
    "after an accepted EVS detach the volume stays in-use with its attachment",
    ["showVolume"],
    SETTLE,
    onVolume((volume, request, memory) =>
      afterAccepted(EVS, memory)
        ? { ...volume, ...volumeBefore(request, memory), status: "in-use" }
        : undefined,
    ),
  ),
  mutant(
    "bms-volume-stuck-detaching",
    "after an accepted BMS detach the volume stays detaching",
    ["showVolume"],
    SETTLE,
    onVolume((volume, request, memory) =>
      afterAccepted(BMS, memory)
        ? { ...volume, ...volumeBefore(request, memory), status: "detaching" }
        : undefined,
    ),
  ),
  mutant(
    "bms-attachment-still-listed",
    "after an accepted BMS detach the server still lists the volume's attachment",
    ["listServerVolumeAttachments"],
    SETTLE,
    (response, request, memory) => {
      const body = parse(response.body);
      if (
        !afterAccepted(BMS, memory) ||
        !isObject(body) ||
        !Array.isArray(body.volumeAttachments)
      ) {
        return undefined;
      }
      const server = idAfter(request.path, "servers");
      const attach = memory.before.get(`POST ${request.path}`);
      const attached = attach && parse(attach.body);
      const listed =
        isObject(attached) && isObject(attached.volumeAttachment)
          ? attached.volumeAttachment
          : undefined;
      if (!listed) return undefined;
      return withJson(response, {
        ...body,
        volumeAttachments: [...body.volumeAttachments, { ...listed, serverId: server }],
      });
    },
  ),
  mutant(
    "attachment-of-another-server",
    "after the call the volume's remaining attachment names another server",
    ["showVolume"],
    SETTLE,
    onVolume((volume) =>
      attachments(volume).length > 0
        ? {
            ...volume,
            attachments: attachments(volume).map((a) => ({ ...a, server_id: ANOTHER_SERVER })),
          }
        : undefined,
    ),
  ),
  mutant(
    "volume-status-undocumented",
    "after the call showVolume reports a status outside the documented enum (detached)",
    ["showVolume"],
    SETTLE,
    onVolume((volume) =>
      volume.status === "available" ? { ...volume, status: "detached" } : undefined,
    ),
  ),
  mutant(
    "attachment-without-id",
    "after the call the volume's attachments lack attachment_id",
    ["showVolume"],
    SETTLE,
    onVolume((volume) =>
      attachments(volume).length > 0
        ? { ...volume, attachments: attachments(volume).map(({ attachment_id: _, ...a }) => a) }
        : undefined,
    ),
  ),
  mutant(
    "show-volume-500",
    "after the call showVolume answers 500 computeFault",
    ["showVolume"],
    SETTLE,
    (response) =>
      withJson(
        { ...response, status: 500 },
        {
          computeFault: { message: "The server has either erred or is incapable.", code: 500 },
        },
      ),
  ),
  mutant(
    "attachments-list-renamed",
    "after the call the server's attachment list comes as `attachments`, not `volumeAttachments`",
    ["listServerVolumeAttachments"],
    SETTLE,
    (response) => {
      const body = parse(response.body);
      if (!isObject(body) || !("volumeAttachments" in body)) return undefined;
      const { volumeAttachments, ...rest } = body;
      return withJson(response, { ...rest, attachments: volumeAttachments });
    },
  ),

  mutant(
    "evs-multiattach-detach-keeps-both",
    "after an accepted EVS detach of one of two attachments, the volume still lists both",
    ["showVolume"],
    SETTLE,
    onVolume((volume, request, memory) => {
      const before = volumeBefore(request, memory);
      return afterAccepted(EVS, memory) && before && attachments(before).length > 1
        ? { ...volume, attachments: before.attachments }
        : undefined;
    }),
  ),
  mutant(
    "forbidden-detached-anyway",
    "a detach refused with 403 (a reader-only user) detaches the disk all the same",
    ["showVolume", "listServerVolumeAttachments"],
    SETTLE,
    detachedAnyway([403]),
  ),
  mutant(
    "evs-conflict-detached-anyway",
    "an EVS detach refused with 409 (a Nova-owned attachment, a volume busy) detaches the disk all the same",
    ["showVolume"],
    SETTLE,
    detachedAnyway([409], EVS),
  ),
  mutant(
    "bms-not-found-detached-anyway",
    "a BMS detach refused with 404 (the disk of another server) detaches the disk all the same",
    ["showVolume", "listServerVolumeAttachments"],
    SETTLE,
    detachedAnyway([404], BMS),
  ),
  mutant(
    "auth-refusal-as-200",
    "a detach without a valid token, or by a reader-only user, answers 200 with no body",
    [EVS, BMS],
    ACT,
    (response) =>
      response.status === 401 || response.status === 403
        ? { status: 200, headers: { ...response.headers }, body: "" }
        : undefined,
  ),

  // Set-up calls.
  mutant(
    "show-volume-text-plain",
    "showVolume declares its JSON body as text/plain",
    ["showVolume"],
    ["arrange", "settle"],
    contentType("text/plain", (response) => response.status === 200),
  ),
  mutant(
    "setup-action-with-body",
    "the set-up volume actions (os-reserve, os-attach, os-set_bootable) answer with a JSON body",
    ["volumeSetupAction"],
    ["arrange"],
    (response, request) =>
      isSuccess(response)
        ? withJson(response, { volume: { id: idAfter(request.path, "volumes") } })
        : undefined,
  ),
  mutant(
    "attach-text-html",
    "the server's attach answer declares its JSON body as text/html",
    ["attachServerVolume"],
    ["arrange"],
    contentType("text/html; charset=UTF-8", (response) => response.status === 200),
  ),
];

export function mutantById(id: string): Mutant {
  const found = MUTANTS.find((m) => m.id === id);
  if (!found) throw new Error(`no mutant ${id}; known: ${MUTANTS.map((m) => m.id).join(", ")}`);
  return found;
}
