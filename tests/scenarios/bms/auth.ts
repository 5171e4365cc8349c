import type { ScenarioContext } from "../../../src/engine/context.ts";
import { defineScenario, type Scenario } from "../../../src/engine/scenario.ts";
import { stayedOnServer } from "../final-state.ts";
import { serverWithVolume } from "./attached-server.ts";

/** A Nova detach that Keystone's middleware must refuse before Nova sees it; never renewed. */
function unauthenticated(id: string, title: string, token: (invalid: string) => string | null) {
  return defineScenario({
    id,
    title,
    operation: "detachServerVolume",
    category: "auth",
    requires: ["server"],
    documented:
      "BMS page: other returned values in Status Codes, where 401 means authentication failed. Upstream the refusal comes from keystonemiddleware as Keystone's 'error' body with WWW-Authenticate (docs/sources.md#upstream-unauthenticated); the disk stays attached.",
    expect: { status: 401, fault: "error" },
    arrange: serverWithVolume,
    act: (ctx, s) =>
      ctx.member.bms.detachServerVolumeRequest(s.serverId, s.volumeId, {
        token: token(ctx.uuid("invalid-token")),
      }),
    settle: stayedOnServer,
  });
}

function readerOf(ctx: ScenarioContext) {
  if (!ctx.reader) throw new Error("needs the reader-only user");
  return ctx.reader;
}

/** A user who may read the project's servers but not change them: the policy refuses the detach. */
const readerRefused = defineScenario({
  id: "68487528-0a21-461c-81da-ad913bc6e3de",
  title: "BMS detach by a user with only the reader role",
  operation: "detachServerVolume",
  category: "auth",
  requires: ["server", "reader"],
  documented:
    "BMS page: other returned values in Status Codes, where 403 means forbidden. Upstream Nova's policy os_compute_api:os-volumes-attachments:delete refuses a user with only the reader role on the project, fault 'forbidden' (docs/sources.md#upstream-policies); the disk stays attached.",
  expect: { status: 403, fault: "forbidden" },
  arrange: serverWithVolume,
  act: (ctx, s) => readerOf(ctx).bms.detachServerVolumeRequest(s.serverId, s.volumeId, {}),
  settle: stayedOnServer,
});

export const bmsAuth: Scenario[] = [
  unauthenticated("2ab1b06e-d12e-4d7d-bf33-b99e097e97c8", "BMS detach without a token", () => null),
  unauthenticated(
    "c8e36b9b-1de4-4fe2-93a8-1cbe61fecd90",
    "BMS detach with an invalid token",
    (invalid) => invalid,
  ),
  readerRefused,
];
