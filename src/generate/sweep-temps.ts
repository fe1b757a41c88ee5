/**
 * Temp files a run left behind: envgen writes each file as `.<name>.<12 hex>.tmp` beside it and
 * renames it into place, and removes the temp files of an interrupted run on the way out; a run
 * killed outright (SIGKILL, a power cut) leaves them, and the image's `COPY . /app` would copy
 * them. The next run removes them: only envgen's own pattern (`TEMP_FILE_NAME`), only in the
 * folders it writes to, only inside the repository, and only files old enough that no other
 * envgen run can still be about to rename them.
 */
import { join, posix } from 'node:path';
import { mapLimit } from '../concurrency.js';
import { type Io, TEMP_FILE_NAME } from '../io.js';
import { outsideRepoProblems } from '../safe-files.js';

/** A temp file younger than this may belong to a run in progress beside this one. */
const STALE_TEMP_MS = 60_000;

/** Removes stale envgen temp files in `folders` (relative, POSIX); returns what it removed. */
export async function sweepStaleTemps(
  io: Io,
  root: string,
  folders: readonly string[],
): Promise<string[]> {
  const now = io.now();
  const unique = [...new Set(folders)].sort();
  // A folder out of the repository (a symbolic link) is another project's: not ours to sweep.
  const probes = unique.map((folder) => posix.join(folder, 'x'));
  const outside = new Set(
    (await outsideRepoProblems(io, root, probes, 'deleted')).map((p) => p.file),
  );
  const found = await mapLimit(
    unique.filter((_, i) => !outside.has(probes[i])),
    SWEEP_AT_ONCE,
    async (folder) => {
      const stale: string[] = [];
      for (const entry of await io.readDir(join(root, folder)).catch(() => [])) {
        if (!entry.isFile || !TEMP_FILE_NAME.test(entry.name)) continue;
        const path = posix.join(folder, entry.name);
        const modified = await io.modifiedAt(join(root, path));
        if (modified === null || now - modified < STALE_TEMP_MS) continue;
        await io.remove(join(root, path));
        stale.push(path);
      }
      return stale;
    },
  );
  return found.flat();
}

/** Folders listed at once. */
const SWEEP_AT_ONCE = 32;
