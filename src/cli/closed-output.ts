/**
 * A reader that stops reading early (`… | head -3`) closes the pipe under a run that goes on:
 * what it no longer reads is dropped, and the verdict, the exit code and the reports stay
 * those of the run.
 */
export function tolerateClosedOutput(
  streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      // Every later write to the closed pipe would fail again.
      stream.write = (() => true) as typeof stream.write;
    });
  }
}
