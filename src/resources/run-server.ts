import { CleanupStack, type Leftover } from "./cleanup.ts";
import { type FixtureDependencies, Fixtures, type ServerFixture } from "./fixtures.ts";

/**
 * The one server a run shares among the scenarios that leave a server's state alone: booting
 * a server costs the cloud more than all else a scenario does, so it is booted once, on first
 * use, and removed when the run ends.
 */
export class RunServer {
  private booting: Promise<ServerFixture> | undefined;
  private released = false;
  private readonly cleanup = new CleanupStack(true);

  constructor(
    private readonly deps: Omit<FixtureDependencies, "cleanup" | "sharedServer" | "ownsServer">,
  ) {}

  get(): Promise<ServerFixture> {
    if (this.released) {
      return Promise.reject(new Error("the run has ended: its shared server is gone"));
    }
    this.booting ??= new Fixtures({ ...this.deps, cleanup: this.cleanup, ownsServer: true })
      .ownServer()
      .catch((error: Error) => {
        throw new Error(
          `the run's shared server (${this.deps.name("server")}) did not boot: ${error.message}; every scenario that needs it ends in error. Check resources.flavorId, resources.imageId (it boots from that image when one is named) and the project's quota, or name a server with resources.serverId`,
        );
      });
    return this.booting;
  }

  /**
   * Removes the server once its boot has ended, and returns what could not be removed.
   * Later calls remove nothing, and `get` refuses.
   */
  async release(): Promise<Leftover[]> {
    this.released = true;
    await this.booting?.catch(() => undefined);
    return this.cleanup.run();
  }
}
