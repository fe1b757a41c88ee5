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
import { domainLibrariesOf } from '../compat/domain-dependents.js';
import type { Io } from '../io.js';
import { normalizeName } from '../spec/package-entries.js';
import { type Detection, DetectionCollector } from './detect/collector.js';
import { readCondaEnv, readEnvironmentFile } from './detect/conda-env.js';
import { isGpuOnly } from './detect/package-filters.js';
import { readPyproject } from './detect/pyproject.js';
import {
  noteUnlistedImports,
  type PythonSources,
  scanPythonSources,
} from './detect/python-sources.js';
import { readPythonVersion } from './detect/python-version.js';
import { RepoFiles } from './detect/repo-files.js';
import { RequirementsReader } from './detect/requirements.js';
import { type RunFile, readRunFiles } from './detect/run-files.js';
import { chooseServe } from './detect/serving.js';
import { readSetupFiles } from './detect/setup-files.js';

export type { Detection } from './detect/collector.js';

/**
 * A repo whose root lists nothing (no requirements, environment or package files with
 * dependencies) may keep them in one folder (`fastapi/requirements.txt`, `eg3d/environment.yml`):
 * when exactly one folder's files mention torch, they are read; several are listed instead.
 */
async function readNestedEnvFiles(
  files: RepoFiles,
  found: DetectionCollector,
  requirements: RequirementsReader,
  sources: PythonSources,
): Promise<void> {
  const { detection } = found;
  if (detection.torch !== undefined || detection.conda.length > 0 || detection.pip.length > 0)
    return;
  const withTorch: string[] = [];
  for (const rel of sources.nestedEnvFiles) {
    const text = await files.readText(rel);
    if (text !== undefined && /^[\s-]*(pytorch|torch)\b/im.test(text)) withTorch.push(rel);
  }
  const folders = [...new Set(withTorch.map((rel) => rel.slice(0, rel.lastIndexOf('/'))))];
  if (folders.length > 1) {
    found.evidence(
      `several folders list torch, none read: ${withTorch.join(', ')}; run init with --cwd in the one to serve`,
    );
    return;
  }
  for (const rel of withTorch) {
    found.evidence(`${rel}: read, as the repo root lists no dependencies`);
    if (rel.endsWith('requirements.txt')) await requirements.readFile(rel);
    else await readEnvironmentFile(files, found, requirements, rel);
  }
}

export async function detectRepo(io: Io, root: string): Promise<Detection> {
  const dir = resolve(io.cwd, root);
  const found = new DetectionCollector(modelNameFromFolder(basename(dir)));
  const files = new RepoFiles(io, dir, found);
  const requirements = new RequirementsReader(files, found);
  const sources = await scanPythonSources(files, found);
  // Order sets precedence: the first file to pin a value wins, later ones only add evidence.
  await readCondaEnv(files, found, requirements);
  await readPythonVersion(files, found);
  await requirements.readRootFiles();
  const pyproject = await readPyproject(files, found, requirements);
  const setup = await readSetupFiles(files, found, requirements);
  await readNestedEnvFiles(files, found, requirements, sources);
  const runFiles = await runFileTexts(files, sources);
  await readRunFiles(found, requirements, runFiles, sources, {
    isPackage: pyproject.isPackage || setup.isPackage,
    groups: [...pyproject.groups, ...setup.groups],
  });
  // A folder of the repo installed as a package (`-e ./core`) brings its own dependencies:
  // the image installs it with --no-deps, so they must be in the spec.
  for (const dir of found.detection.localPackages.filter((p) => p !== '.')) {
    found.evidence(`${dir}: a package of the repo, its own dependencies read`);
    await readPyproject(files, found, requirements, dir);
    await readSetupFiles(files, found, requirements, dir);
  }
  addRequiredLibraries(found);
  proposeCpuBuild(found, sources, runFiles);
  const classifier = pyproject.newestClassifier ?? setup.newestClassifier;
  if (classifier) found.detection.newestClassifier = classifier;
  noteUnlistedImports(found, sources.imported);
  await chooseServe(files, found, sources, runFiles);
  return found.detection;
}

/**
 * torchvision and torchaudio that a listed package requires (`timm`, `encodec`): envgen pins
 * the pair with torch, where pip alone would take an unpaired one.
 */
function addRequiredLibraries(found: DetectionCollector): void {
  const { detection } = found;
  for (const entry of [...detection.conda, ...detection.pip]) {
    const known = domainLibrariesOf(entryName(entry));
    for (const library of known?.requires ?? []) {
      const wanted = library === 'torchvision' ? detection.vision : detection.audio;
      if (wanted) continue;
      const where = detection.listedAt[entry] ?? 'the repo';
      found.markLibrary(library, `${entryName(entry)} (${where}), which requires it`);
    }
  }
}

/**
 * Code that imports torch and never mentions CUDA, a GPU or a device runs on the CPU: the CPU
 * build is a fraction of the image (`--cuda X.Y` asks for a GPU one). Only when nothing else
 * says GPU: a complete walk of the files, no GPU-only package (xformers, bitsandbytes…), and no
 * Dockerfile, compose file or script that names NVIDIA, CUDA or `--gpus`.
 */
function proposeCpuBuild(
  found: DetectionCollector,
  sources: PythonSources,
  runFiles: readonly RunFile[],
): void {
  const torchImport = sources.imported.get('torch');
  if (!torchImport || found.detection.cuda !== undefined || sources.stopped) return;
  if (sources.mentionsGpu) return;
  const names = [...found.detection.conda, ...found.detection.pip].map(entryName);
  if (names.some(isGpuOnly)) return;
  const deploy = runFiles.filter((f) => !/README/i.test(f.rel));
  if (deploy.some((f) => /nvidia|cuda|--gpus/i.test(f.text))) return;
  found.propose('cuda', 'cpu', torchImport, 'no file mentions CUDA, a GPU or a device');
  found.detection.cpuGuessedAt = torchImport;
}

/** The package name of a conda or pip entry, normalised. */
function entryName(entry: string): string {
  return normalizeName(/^(?:[\w.-]+::)?([A-Za-z0-9][\w.-]*)/.exec(entry.trim())?.[1] ?? entry);
}

/** The run files' texts (Dockerfiles, compose files, scripts, READMEs), read once. */
async function runFileTexts(files: RepoFiles, sources: PythonSources): Promise<RunFile[]> {
  const texts: RunFile[] = [];
  for (const rel of sources.runFiles) {
    const text = await files.readText(rel);
    if (text !== undefined) texts.push({ rel, text });
  }
  return texts;
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
