import { defineScenario, type Scenario } from "../../../src/engine/scenario.ts";
import { volumeEnds } from "../final-state.ts";
import { attachedVolume } from "./attached-volume.ts";

/** A body the contract forbids, sent to an attached volume that must stay attached. */
function malformed(
  id: string,
  title: string,
  body: (attachmentId: string) => string,
  contentType = "application/json",
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
    act: (ctx, s) => ctx.member.evs.detachVolumeRaw(s.volumeId, body(s.attachmentId), contentType),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", s.attached),
  });
}

export const evsMalformedBody = [
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
];
