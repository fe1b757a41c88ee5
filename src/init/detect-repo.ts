/**
 * Reads a model repo and proposes what `envgen init` should put in the spec: torch, Python,
 * CUDA and where torch comes from, the other packages, and how the model is served.
 *
 * Everything goes through `Io`, and only reads. A malformed file or line is never an error
 * here: it becomes an evidence line and detection goes on, because `init` must propose
 * something for the messy repos people actually have. Every value returned is checked against
 * envgen's spec schema first, so what `init` writes always loads.
 */
import { basename, resolve } from 'node:path';
import type { Io } from '../io.js';
import { type Detection, DetectionCollector } from './detect/collector.js';
import { readCondaEnv } from './detect/conda-env.js';
import { readPyproject } from './detect/pyproject.js';
import { noteUnlistedImports, scanPythonSources } from './detect/python-sources.js';
import { readPythonVersion } from './detect/python-version.js';
import { RepoFiles } from './detect/repo-files.js';
import { RequirementsReader } from './detect/requirements.js';
import { chooseServe } from './detect/serving.js';

export type { Detection } from './detect/collector.js';

export async function detectRepo(io: Io, root: string): Promise<Detection> {
  const dir = resolve(io.cwd, root);
  const found = new DetectionCollector(modelNameFromFolder(basename(dir)));
  const files = new RepoFiles(io, dir, found);
  const requirements = new RequirementsReader(files, found);
  // Order sets precedence: the first file to pin a value wins, later ones only add evidence.
  await readCondaEnv(files, found, requirements);
  await readPythonVersion(files, found);
  await requirements.readRootFiles();
  await readPyproject(files, found, requirements);
  const sources = await scanPythonSources(files, found);
  noteUnlistedImports(found, sources.imported);
  await chooseServe(files, found, sources);
  return found.detection;
}

/**
 * A folder name (or a refused `--name`) made into a model name envgen accepts
 * (`My_Model Repo` -> `my_model-repo`): the spec allows one `.`, `_` or `-` between
 * letters and digits, so a run of them keeps its first.
 */
export function modelNameFromFolder(folder: string): string {
  const name = folder
    .normalize('NFKD')
    .replaceAll(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replaceAll(/[^a-z0-9._-]+/g, '-')
    .replaceAll(/([._-])[._-]+/g, '$1')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63)
    .replace(/[._-]+$/, '');
  return name === '' ? 'model' : name;
}
