import { defineScenario } from "../../../src/engine/scenario.ts";
import { leftServer } from "../final-state.ts";
import { serverWithVolume } from "./attached-server.ts";

export const bmsHappyPath = [
  defineScenario({
    id: "0feb9397-1fa4-4309-8ecf-8d141c5133c8",
    title: "BMS detach of an attached data volume",
    operation: "detachServerVolume",
    category: "happy-path",
    requires: ["server"],
    versions: ["unversioned", "newest", "legacy-v2"],
    documented:
      "BMS page: normal status 200, no response body ('N/A'). The disk then leaves the server and becomes available (docs/sources.md#upstream-nova-detach; the page does not state the sequence). The microversion headers are optional; Nova answers 202 in every microversion and serves the same call on the legacy /v2 path (docs/sources.md#upstream-microversions).",
    expect: { status: 200 },
    arrange: serverWithVolume,
    act: (ctx, s) => ctx.member.bms.detachServerVolume(s.serverId, s.volumeId, ctx.version.request),
    settle: leftServer,
  }),
];
