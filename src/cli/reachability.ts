import { resolve } from "node:path";
import { DEFAULT_TARGET_FILE } from "../config/description.ts";
import { TransportError, type TransportErrorKind } from "../transport/transport-error.ts";

/** Failures to reach a server at all, rather than a bad answer from it. */
const UNREACHABLE: readonly TransportErrorKind[] = ["refused", "dns", "timeout"];

/**
 * What to do when the target cannot be reached, for the target the command line chose (as
 * liveDescription chooses it): only the project's own target file is started by
 * `npm run target:start`; any other target is someone's cloud, whose description or network
 * needs a look.
 */
export function unreachableHint(
  targetFile: string | undefined,
  env: Record<string, string | undefined>,
): string {
  if (!targetFile && (env.OS_CLOUD || env.OS_AUTH_URL || env.OS_AUTH_TOKEN)) {
    return "check OS_AUTH_URL (or the cloud's auth.auth_url in clouds.yaml) and the network to it";
  }
  const file = targetFile ?? DEFAULT_TARGET_FILE;
  if (resolve(file) === resolve(DEFAULT_TARGET_FILE)) {
    return "the project's own OpenStack may be stopped: `npm run target:start` starts it";
  }
  return `check auth.url and the endpoints in ${file}, and the network to them (VPN, proxy, firewall)`;
}

/** Runs `action`; a target that cannot be reached fails with the hint that fits it. */
export async function withUnreachableHint<T>(
  targetFile: string | undefined,
  env: Record<string, string | undefined>,
  action: () => Promise<T>,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof TransportError) || !UNREACHABLE.includes(error.kind)) throw error;
    throw new TransportError(
      error.kind,
      error.method,
      error.url,
      `${error.message.replace(/\.$/, "")}; ${unreachableHint(targetFile, env)}`,
      error.code,
      { cause: error },
    );
  }
}
