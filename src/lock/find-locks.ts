/** Which models have a lock for their own platform: their images install from it. */
import { join } from 'node:path';
import type { ResolvedModel } from '../compat/resolve.js';
import type { Io } from '../io.js';
import { lockPath } from './lock-file.js';

export async function lockedModels(
  io: Io,
  root: string,
  models: readonly ResolvedModel[],
): Promise<Set<string>> {
  const found = await Promise.all(
    models.map(async (m) =>
      (await io.exists(join(root, lockPath(m.name, m.platform)))) ? m.name : null,
    ),
  );
  return new Set(found.filter((name): name is string => name !== null));
}
