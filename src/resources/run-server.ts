import { CleanupStack, type Leftover } from "./cleanup.ts";
import { type FixtureDependencies, Fixtures, type ServerFixture } from "./fixtures.ts";

/**
 * The one server a run shares among the scenarios that leave a server's state alone: booting
 * a server costs the cloud more than all else a scenario does, so it is booted once, on first
 * use, and removed when the run ends.
 */
export class RunServer {
  private booting: Promise<ServerFixture> | undefined;
  private readonly cleanup = new CleanupStack();

  constructor(
    private readonly deps: Omit<FixtureDependencies, "cleanup" | "sharedServer" | "ownsServer">,
  ) {}

  get(): Promise<ServerFixture> {
    this.booting ??= new Fixtures({
      ...this.deps,
      cleanup: this.cleanup,
      ownsServer: true,
      sharedServer: () => Promise.reject(new Error("the run's server has no shared server")),
    }).ownServer();
    return this.booting;
  }

  /** Removes the server once its boot has ended; what could not be removed is returned. */
  async release(): Promise<Leftover[]> {
    await this.booting?.catch(() => undefined);
    return this.cleanup.run();
  }
}
