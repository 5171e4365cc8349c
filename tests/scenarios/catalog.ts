import { atVersions, type Scenario } from "../../src/engine/scenario.ts";
import { bmsAuth } from "./bms/auth.ts";
import { bmsHappyPath } from "./bms/happy-path.ts";
import { bmsMalformedIds } from "./bms/malformed-ids.ts";
import { bmsNotFound } from "./bms/not-found.ts";
import { bmsOtherServer } from "./bms/other-server.ts";
import { bmsServerStates } from "./bms/server-states.ts";
import { bmsWrongState } from "./bms/wrong-state.ts";
import { evsAuth } from "./evs/auth.ts";
import { evsHappyPath } from "./evs/happy-path.ts";
import { evsMalformedBody } from "./evs/malformed-body.ts";
import { evsMalformedIds } from "./evs/malformed-ids.ts";
import { evsMissingAttachmentId } from "./evs/missing-attachment-id.ts";
import { evsMultiattach } from "./evs/multiattach.ts";
import { evsNotFound } from "./evs/not-found.ts";
import { evsNovaAttachment } from "./evs/nova-attachment.ts";
import { evsVolumeStates } from "./evs/volume-states.ts";
import { evsWrongState } from "./evs/wrong-state.ts";

/**
 * Every case, EVS first, in the order reports list them: each scenario once, a versioned one
 * once per version it names.
 */
export const CATALOG: readonly Scenario[] = atVersions([
  ...evsHappyPath,
  ...evsMissingAttachmentId,
  ...evsMultiattach,
  ...evsNotFound,
  ...evsWrongState,
  ...evsMalformedBody,
  ...evsMalformedIds,
  ...evsNovaAttachment,
  ...evsVolumeStates,
  ...evsAuth,
  ...bmsHappyPath,
  ...bmsNotFound,
  ...bmsWrongState,
  ...bmsOtherServer,
  ...bmsAuth,
  ...bmsServerStates,
  ...bmsMalformedIds,
]);
