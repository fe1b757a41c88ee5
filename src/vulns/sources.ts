/**
 * The advisory source `envgen vulns` asks: an OSV export on disk (`--db PyPI-all.zip`, or a
 * folder of OSV JSON records), else OSV's API. The one place the command's flags meet the OSV
 * data layer (src/vulns/osv/).
 */
import { resolve } from 'node:path';
import type { Io } from '../io.js';
import type { AdvisorySource } from './advisories.js';
import { osvOffline } from './osv/offline.js';
import { osvOnline } from './osv/online.js';

export interface SourceChoice {
  /** `--db PATH`: an OSV export (zip or folder), relative to the working directory. */
  db?: string;
}

export async function advisorySource(io: Io, choice: SourceChoice): Promise<AdvisorySource> {
  if (choice.db !== undefined) return osvOffline(io, resolve(io.cwd, choice.db));
  return osvOnline(io);
}
