/**
 * Files envgen wrote for models or bundles that are no longer in the spec: after a model is
 * renamed or removed, `envs/<old>/` stays behind, and nothing else would notice.
 */
import { join } from 'node:path';
import type { DirEntry, Io } from '../io.js';
import {
  BUNDLE_FOLDER,
  GENERATED_NAMES,
  LOCK_NAME,
  MODEL_FOLDER,
  OBSERVE_ENTRYPOINT,
  OBSERVE_MODULE,
} from '../layout.js';
import { sealState } from '../render/seal.js';

const OWNED_FOLDERS = [MODEL_FOLDER, BUNDLE_FOLDER] as const;
const OWNED_FILES: ReadonlySet<string> = new Set(GENERATED_NAMES);
/** Shared files written only while some model needs them (observe:). */
const SHARED_WHEN_NEEDED = [OBSERVE_MODULE, OBSERVE_ENTRYPOINT] as const;

/**
 * Paths (relative, POSIX) of `envs/<x>/…` and `bundles/<x>/…` files that carry an intact
 * envgen seal but are not among `everyPath` (every path the whole spec renders to). A file
 * without a seal, or with a broken one, is a person's and is left out.
 */
export async function findOrphans(
  io: Io,
  root: string,
  everyPath: readonly string[],
): Promise<string[]> {
  const known = new Set(everyPath);
  const found: string[] = [];
  for (const top of OWNED_FOLDERS) {
    for (const folder of await entries(io, join(root, top))) {
      if (!folder.isDirectory) continue;
      for (const file of await entries(io, join(root, top, folder.name))) {
        const path = `${top}/${folder.name}/${file.name}`;
        if (!file.isFile || known.has(path)) continue;
        const lockFile = LOCK_NAME.test(file.name);
        if (!OWNED_FILES.has(file.name) && !lockFile) continue;
        // A lock is not in the plan (`envgen lock` writes it): it is orphaned with its model.
        if (lockFile && everyPath.some((p) => p.startsWith(`${top}/${folder.name}/`))) continue;
        const text = await io.readFile(join(root, path)).then(
          (bytes) => bytes.toString('utf8'),
          () => null,
        );
        if (text !== null && sealState(text) === 'intact') found.push(path);
      }
    }
  }
  for (const path of SHARED_WHEN_NEEDED) {
    if (known.has(path)) continue;
    const text = await io.readFile(join(root, path)).then(
      (bytes) => bytes.toString('utf8'),
      () => null,
    );
    if (text !== null && sealState(text) === 'intact') found.push(path);
  }
  return found.sort((a, b) => a.localeCompare(b));
}

/**
 * A folder's entries; none when it is missing or cannot be read. (A folder the plan writes
 * into and cannot read is reported by the plan's own reads.)
 */
async function entries(io: Io, dir: string): Promise<DirEntry[]> {
  try {
    return await io.readDir(dir);
  } catch {
    return [];
  }
}
