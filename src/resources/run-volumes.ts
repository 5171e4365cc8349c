import type { Volume } from "../clients/evs.ts";
import { CleanupStack, type Leftover } from "./cleanup.ts";
import { type FixtureDependencies, Fixtures } from "./fixtures.ts";

/**
 * Plain volumes the run lends to its scenarios, one scenario at a time. Creating and deleting
 * a volume costs the cloud more than the rest of a typical case, so a volume the scenario
 * gives back as new (see `asNew`) goes to the next one; any other is lent no more. Every
 * volume is deleted when the run ends.
 */
export class RunVolumes {
  private readonly idle: Volume[] = [];
  /** Each volume the run created, as first seen available: what "as new" compares with. */
  private readonly originals = new Map<string, Volume>();
  /** Creations under way, awaited by `release` so that none outlives the run. */
  private readonly creating = new Set<Promise<Volume>>();
  private released = false;
  /** Deletes every volume created, lent or not, when the run ends or is interrupted. */
  private readonly cleanup = new CleanupStack(true, true);

  constructor(
    private readonly deps: Omit<
      FixtureDependencies,
      "cleanup" | "sharedServer" | "sharedVolume" | "ownsServer"
    >,
  ) {}

  /** A volume as new, to the caller alone until it gives it back. */
  async lend(): Promise<Volume> {
    // Once the clean-up has begun (the run's end, or an interruption), idle volumes are gone.
    if (this.released || this.cleanup.closed) {
      throw new Error("the run has ended: it lends no more volumes");
    }
    const idle = this.idle.pop();
    if (idle) return idle;
    const creation = new Fixtures({
      ...this.deps,
      cleanup: this.cleanup,
      ownsServer: false,
    }).ownVolume(`volume-${this.originals.size + this.creating.size + 1}`);
    this.creating.add(creation);
    try {
      const volume = await creation;
      this.originals.set(volume.id, volume);
      return volume;
    } finally {
      this.creating.delete(creation);
    }
  }

  /**
   * Takes a lent volume back, as the borrower last saw it once its clean-up had run. One that
   * does not read as new is lent no more; the run deletes it with the others.
   */
  giveBack(volume: Volume): void {
    const original = this.originals.get(volume.id);
    if (this.released || this.cleanup.closed || !original) return;
    if (asNew(volume, original)) this.idle.push(volume);
  }

  /** Deletes every volume the run created and returns what could not be removed. */
  async release(): Promise<Leftover[]> {
    this.released = true;
    this.idle.length = 0;
    await Promise.allSettled(this.creating);
    return this.cleanup.run();
  }
}

/**
 * Metadata a volume keeps after a read-write attachment: Cinder records the attach mode and
 * shows it as `readonly` from then on, detached or not.
 */
const ATTACH_RESIDUE: Record<string, string> = { readonly: "False" };

/** What a scenario may not change of a volume it borrows. */
const KEPT = [
  "size",
  "volume_type",
  "availability_zone",
  "name",
  "description",
  "bootable",
  "multiattach",
] as const;

/**
 * Whether a volume reads as it did when it was created (`original`): available, unattached,
 * with the same size, type, zone, name and flags, and no metadata but Cinder's attach residue.
 */
export function asNew(volume: Volume, original: Volume): boolean {
  const same = KEPT.every((field) => volume[field] === original[field]);
  return (
    same &&
    volume.status === "available" &&
    (volume.attachments ?? []).length === 0 &&
    Object.entries(volume.metadata ?? {}).every(([key, value]) => ATTACH_RESIDUE[key] === value)
  );
}
