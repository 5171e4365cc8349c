import { defineScenario, type Scenario } from "../../../src/engine/scenario.ts";
import { volumeEnds } from "../final-state.ts";
import { attachedVolume } from "./attached-volume.ts";

/** An os-detach that Keystone's middleware must refuse before Cinder sees it; never renewed. */
function unauthenticated(id: string, title: string, token: (invalid: string) => string | null) {
  return defineScenario({
    id,
    title,
    operation: "detachVolume",
    category: "auth",
    documented:
      "EVS error codes (research otc-docs.md): 401 EVS.5401, authentication failed. Upstream the refusal comes from keystonemiddleware as Keystone's 'error' body with WWW-Authenticate (research upstream-openstack.md); the disk stays attached.",
    expect: { status: 401, fault: "error" },
    arrange: attachedVolume,
    act: (ctx, s) =>
      ctx.member.evs.detachVolumeRequest(s.volumeId, {
        json: { "os-detach": { attachment_id: s.attachmentId } },
        token: token(ctx.uuid("invalid-token")),
      }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", s.attached),
  });
}

export const evsAuth: Scenario[] = [
  unauthenticated("b1305343-35d3-462b-a9f0-a8c80111d587", "EVS detach without a token", () => null),
  unauthenticated(
    "c42ce105-321d-4dad-9fb3-39a83509e8d3",
    "EVS detach with an invalid token",
    (invalid) => invalid,
  ),
];
