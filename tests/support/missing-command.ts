import { execFileSync } from "node:child_process";

// Tests that need a command the machine may lack are skipped without it, and say so in their
// title, as the browser tests do: the reporters show a skipped test by its title.

/** Why the tests that run `command` are skipped, or undefined when `command …args` runs. */
export function missingCommand(
  command: string,
  args: string[],
  aptPackage: string,
  tests: string,
): string | undefined {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return undefined;
  } catch {
    return `${command} is not installed (apt-get install -y ${aptPackage}): ${tests} skipped`;
  }
}

/** `title`, followed by why it is skipped if it is. */
export function withReason(title: string, reason: string | undefined): string {
  return reason === undefined ? title : `${title} (${reason})`;
}
