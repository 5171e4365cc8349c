import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/**
 * Creates `dir` and its missing parents. Not `mkdir(…, { recursive: true })`: Node's loops
 * forever on a path below /proc, where creating a folder fails with ENOENT although the parent
 * exists; here each missing folder is created once and the first failure ends it.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    try {
      if ((await stat(at)).isDirectory()) break;
      throw Object.assign(new Error(`${at} is not a folder`), { code: "ENOTDIR" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(at) === at) throw error;
      missing.unshift(at);
    }
  }
  for (const folder of missing) {
    await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
}
