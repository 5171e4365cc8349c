import type { Volume } from "../clients/evs.ts";
import { CleanupStack, type Leftover } from "./cleanup.ts";
import { type FixtureDependencies, Fixtures } from "./fixtures.ts";

/**
 * Plain volumes the run lends to its scenarios, one scenario at a time. Creating and deleting
 * a volume costs the cloud more than the rest of a typical case, so a volume the scenario
 * gives back as new (available, unattached, no flag or metadata set) goes to the next one;
 * any other is lent no more. Every volume is deleted when the run ends.
 */
export class RunVolumes {
  private readonly idle: Volume[] = [];
  private created = 0;
  private released = false;
  /** Deletes every volume created, lent or not, when the run ends. */
  private readonly cleanup = new CleanupStack(true, true);

  constructor(
    private readonly deps: Omit<
      FixtureDependencies,
      "cleanup" | "sharedServer" | "sharedVolume" | "ownsServer"
    >,
  ) {}

  /** A volume as new, to the caller alone until it gives it back. */
  async lend(): Promise<Volume> {
    if (this.released) throw new Error("the run has ended: it lends no more volumes");
    const idle = this.idle.pop();
    if (idle) return idle;
    this.created += 1;
    return new Fixtures({ ...this.deps, cleanup: this.cleanup, ownsServer: false }).ownVolume(
      `volume-${this.created}`,
    );
  }

  /**
   * Takes a lent volume back, as the borrower last saw it once its clean-up had run. One that
   * does not read as new is lent no more; the run deletes it with the others.
   */
  giveBack(volume: Volume): void {
    if (!this.released && asNew(volume)) this.idle.push(volume);
  }

  /** Deletes every volume the run created and returns what could not be removed. */
  async release(): Promise<Leftover[]> {
    this.released = true;
    this.idle.length = 0;
    return this.cleanup.run();
  }
}

/**
 * Metadata a volume keeps after a read-write attachment: Cinder records the attach mode and
 * shows it as `readonly` from then on, detached or not.
 */
const ATTACH_RESIDUE: Record<string, string> = { readonly: "False" };

/** Whether a volume reads as one just created: what a scenario may rely on. */
export function asNew(volume: Volume): boolean {
  return (
    volume.status === "available" &&
    (volume.attachments ?? []).length === 0 &&
    volume.bootable !== "true" &&
    volume.multiattach !== true &&
    Object.entries(volume.metadata ?? {}).every(([key, value]) => ATTACH_RESIDUE[key] === value)
  );
}
