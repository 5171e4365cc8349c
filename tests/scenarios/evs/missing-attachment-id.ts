import { defineScenario } from "../../../src/engine/scenario.ts";
import { volumeEnds } from "../final-state.ts";
import { attachedVolume } from "./attached-volume.ts";
import { twiceAttached } from "./multiattach.ts";

export const evsMissingAttachmentId = [
  defineScenario({
    id: "299296b2-69da-4839-ac32-003855f903bb",
    title: "EVS detach without attachment_id, one attachment",
    operation: "detachVolume",
    category: "missing-attachment-id",
    documented: "EVS page: attachment_id is optional when the disk has only one attachment; 202.",
    expect: { status: 202 },
    arrange: attachedVolume,
    act: (ctx, s) => ctx.member.evs.detachVolume(s.volumeId, { "os-detach": {} }),
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "available"),
  }),
  defineScenario({
    id: "68500576-62e6-4f76-b40a-ffe07aaf46bb",
    title: "EVS detach without attachment_id, two attachments (multiattach)",
    operation: "detachVolume",
    category: "missing-attachment-id",
    tags: ["multiattach"],
    requires: ["multiattach"],
    documented:
      "EVS page (seed): attachment_id optional 'if it has multiple attachments', so 202; OTC's 2025 page calls that a typo and makes it mandatory.",
    expect: { status: 202 },
    arrange: twiceAttached,
    act: (ctx, s) => ctx.member.evs.detachVolume(s.volumeId, { "os-detach": {} }),
    // Whatever the answer, a detach that cannot tell which attachment is meant removes none.
    settle: (ctx, s) => volumeEnds(ctx, s.volumeId, "in-use", [s.first, s.second]),
  }),
];
