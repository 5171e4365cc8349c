import type { ScenarioContext } from "../../../src/engine/context.ts";
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
      "EVS error codes (docs/sources.md#otc-evs-error-codes): 401 EVS.5401, authentication failed. Upstream the refusal comes from keystonemiddleware as Keystone's 'error' body with WWW-Authenticate (docs/sources.md#upstream-unauthenticated); the disk stays attached.",
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

function readerOf(ctx: ScenarioContext) {
  if (!ctx.reader) throw new Error("needs the reader-only user");
  return ctx.reader;
}

/** A user who may read the project's disks but not change them: the policy refuses the detach. */
const readerRefused = defineScenario({
  id: "e3f53dc4-3f7c-4bbf-8e47-9a4d143152ec",
  title: "EVS detach by a user with only the reader role",
  operation: "detachVolume",
  category: "auth",
  requires: ["reader"],
  documented:
    "EVS error codes (docs/sources.md#otc-evs-error-codes): 403 EVS.5403, forbidden / no permission. Upstream Cinder's policy volume_extension:volume_actions:detach refuses a user with only the reader role on the project, fault 'forbidden' (docs/sources.md#upstream-policies); the disk stays attached.",
  expect: { status: 403, fault: "forbidden" },
  arrange: attachedVolume,
  act: (ctx, s) =>
    readerOf(ctx).evs.detachVolumeRequest(s.volumeId, {
      json: { "os-detach": { attachment_id: s.attachmentId } },
    }),
  settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", s.attached),
});

export const evsAuth: Scenario[] = [
  unauthenticated("b1305343-35d3-462b-a9f0-a8c80111d587", "EVS detach without a token", () => null),
  unauthenticated(
    "c42ce105-321d-4dad-9fb3-39a83509e8d3",
    "EVS detach with an invalid token",
    (invalid) => invalid,
  ),
  readerRefused,
];
