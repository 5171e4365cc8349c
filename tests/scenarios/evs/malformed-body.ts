import { defineScenario, type Scenario } from "../../../src/engine/scenario.ts";
import { volumeEnds } from "../final-state.ts";
import { attachedVolume } from "./attached-volume.ts";

/** A body the contract forbids, sent to an attached volume that must stay attached. */
function malformed(
  id: string,
  title: string,
  body: (attachmentId: string) => string,
  contentType: string | null = "application/json",
): Scenario {
  return defineScenario({
    id,
    title,
    operation: "detachVolume",
    category: "malformed-body",
    documented:
      "EVS error codes: 400 EVS.5400, the request is invalid (malformed body or bad parameter); the disk stays attached.",
    expect: { status: 400, fault: "badRequest" },
    arrange: attachedVolume,
    act: (ctx, s) =>
      ctx.member.evs.detachVolumeRaw(s.volumeId, body(s.attachmentId), contentType ?? undefined),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", s.attached),
  });
}

/**
 * `attachment_id: null`: the page types the field as a String, so null is a bad parameter.
 * A server that takes null for "no id" detaches the only attachment instead: the answer and
 * the state must agree either way.
 */
const nullAttachmentId = defineScenario({
  id: "5d0e6b8a-7c41-4f2e-9b1a-3e8f2c6d4a17",
  title: "EVS detach with attachment_id null",
  operation: "detachVolume",
  category: "malformed-body",
  documented:
    "EVS page: attachment_id is a String; error codes: 400 EVS.5400 for a bad parameter. A refused detach leaves the disk attached, an accepted one detaches it.",
  expect: { status: 400, fault: "badRequest" },
  arrange: async (ctx) => ({ ...(await attachedVolume(ctx)), answer: 0 }),
  async act(ctx, s) {
    const exchange = await ctx.member.evs.detachVolumeRaw(
      s.volumeId,
      JSON.stringify({ "os-detach": { attachment_id: null } }),
      "application/json",
    );
    s.answer = exchange.response.status;
    return exchange;
  },
  settle: (ctx, s) =>
    s.answer < 300
      ? volumeEnds(ctx, s.volumeId, "available")
      : volumeEnds(ctx, s.volumeId, "in-use", s.attached),
});

export const evsMalformedBody = [
  nullAttachmentId,
  malformed(
    "2e92a7ca-2e8b-48fb-9090-9406fd550e9f",
    "EVS detach with a body that is not JSON",
    () => "os-detach=please",
  ),
  malformed(
    "c5185694-ecbe-49fd-bf20-bb1df5d4da3e",
    "EVS detach with attachment_id of the wrong type",
    () => JSON.stringify({ "os-detach": { attachment_id: 5 } }),
  ),
  malformed(
    "a8ee0bdc-fc94-4787-99ad-405f8a93fe98",
    "EVS detach with an extra property in os-detach",
    (attachmentId) => JSON.stringify({ "os-detach": { attachment_id: attachmentId, force: true } }),
  ),
  malformed(
    "dc278845-27c8-44a7-966c-674ad037e800",
    "EVS detach with os-detach null instead of an object",
    () => JSON.stringify({ "os-detach": null }),
  ),
  malformed(
    "c9f2945e-8fe6-4052-8048-8737ee755fd6",
    "EVS detach with a JSON body sent as text/plain",
    (attachmentId) => JSON.stringify({ "os-detach": { attachment_id: attachmentId } }),
    "text/plain",
  ),
  malformed(
    "270dcbaa-3677-4db0-b1bf-0ae13a6ed738",
    "EVS detach with a JSON body and no Content-Type",
    (attachmentId) => JSON.stringify({ "os-detach": { attachment_id: attachmentId } }),
    null,
  ),
  malformed(
    "ffd96606-57ad-430f-8c76-042848e8a9a3",
    "EVS detach with an XML body",
    (attachmentId) =>
      `<os-detach xmlns="http://docs.openstack.org/volume/api/v2" attachment_id="${attachmentId}"/>`,
    "application/xml",
  ),
  malformed(
    "576434ea-6c3f-41bb-a1c1-0c20f3e30669",
    "EVS detach with an empty JSON object",
    () => "{}",
  ),
  malformed(
    "da7d9997-3fef-4f28-975f-373d48a2082b",
    "EVS detach with an extra top-level key",
    (attachmentId) =>
      JSON.stringify({
        "os-detach": { attachment_id: attachmentId },
        "os-extend": { new_size: 2 },
      }),
  ),
  malformed(
    "1b097f0e-401f-45f3-8a6c-68bfb7a788cb",
    "EVS detach with an unknown action",
    (attachmentId) => JSON.stringify({ "os-detachx": { attachment_id: attachmentId } }),
  ),
  malformed("6af5d999-93d9-490a-a3db-443c053ed6d4", "EVS detach with an empty body", () => ""),
  malformed(
    "6aac9bd5-c88d-4b92-9b11-ddc6261c25b4",
    "EVS detach with a JSON array",
    (attachmentId) => JSON.stringify([{ "os-detach": { attachment_id: attachmentId } }]),
  ),
  malformed(
    "1876b272-17d8-45df-b734-1002d799afc6",
    "EVS detach with an attachment_id that is not a UUID",
    () => JSON.stringify({ "os-detach": { attachment_id: "not-a-uuid" } }),
  ),
];
