/**
 * pyproject.toml: `requires-python` and dependencies (PEP 621 and Poetry), and the package
 * indexes Poetry, uv and PDM configure.
 *
 * Format: https://packaging.python.org/en/latest/specifications/pyproject-toml/
 */
import { parse as parseToml } from 'smol-toml';
import type { DetectionCollector } from './collector.js';
import { poetryRequirement, readPoetryDependencies } from './poetry.js';
import { isPythonRange, lowestPython, NO_LOWER_BOUND } from './python-version.js';
import type { RepoFiles } from './repo-files.js';
import type { RequirementsReader } from './requirements.js';
import { record, stringsOf } from './toml-values.js';
import { variantKind, variantRank } from './variant-names.js';

/** What else pyproject.toml tells the detection: its optional groups, and whether it is a package. */
export interface PyprojectFacts {
  groups: DependencyGroup[];
  /** `[project]` or `[tool.poetry]` names a package, which `pip install .` would build. */
  isPackage: boolean;
  /** The highest `Programming Language :: Python :: 3.X` classifier, with where. */
  newestClassifier?: { python: string; where: string };
}

/** `dir`: a folder of the repo that is a package of its own (`localPackages: [core]`). */
export async function readPyproject(
  files: RepoFiles,
  found: DetectionCollector,
  requirements: RequirementsReader,
  dir = '',
): Promise<PyprojectFacts> {
  const rel = dir ? `${dir}/pyproject.toml` : 'pyproject.toml';
  const text = await files.readText(rel);
  const none: PyprojectFacts = { groups: [], isPackage: false };
  if (text === undefined) return none;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const line = (error as { line?: number }).line;
    found.evidence(`${rel}: not valid TOML${line ? ` (line ${line})` : ''}, ignored`);
    return none;
  }
  const at = (...needles: string[]) => `${rel}:${lineOf(text, ...needles)}`;
  const atKey = (key: string) => `${rel}:${lineOfKey(text, key)}`;
  const project = record(doc.project);
  const requiresPython = project['requires-python'];
  if (typeof requiresPython === 'string') {
    const where = atKey('requires-python');
    const python = lowestPython(requiresPython);
    if (python) {
      const range = isPythonRange(requiresPython) ? requiresPython.trim() : undefined;
      found.propose('python', python, where, 'requires-python', range);
    } else found.reject('python', requiresPython, where, NO_LOWER_BOUND, 'requires-python');
  }
  const line = (dep: string) => at(`"${dep}"`, `'${dep}'`, dep);
  for (const dep of stringsOf(project.dependencies)) {
    await requirements.requirementLine(dep, line(dep), '', 0);
  }
  const poetry = record(record(doc.tool).poetry);
  const poetryDeps = record(poetry.dependencies);
  await readPoetryDependencies(poetryDeps, atKey, found, requirements);
  const groups = groupsOf(doc, poetryDeps, atKey, line);
  const chosen = await readDependencyGroups(groups, found, requirements);
  const indexes = indexUrls(record(doc.tool), chosen);
  for (const url of indexes) requirements.packageIndex(url, at(url));
  const newest = newestClassifier([
    ...stringsOf(project.classifiers),
    ...stringsOf(poetry.classifiers),
  ]);
  return {
    groups: groups.filter((g) => g !== chosen),
    isPackage: typeof project.name === 'string' || typeof poetry.name === 'string',
    ...(newest ? { newestClassifier: { python: newest, where: at(`Python :: ${newest}`) } } : {}),
  };
}

/** The newest `Programming Language :: Python :: 3.X` of a classifier list. */
export function newestClassifier(classifiers: readonly string[]): string | undefined {
  const minors = classifiers
    .map((c) => /^Programming Language :: Python :: 3\.([0-9]+)\s*$/.exec(c)?.[1])
    .filter((m): m is string => m !== undefined)
    .map(Number);
  return minors.length > 0 ? `3.${Math.max(...minors)}` : undefined;
}

/** A named list of optional requirements: a PEP 621 extra, a PEP 735 group, a Poetry group or extra. */
export interface DependencyGroup {
  kind: 'extra' | 'dependency group' | 'poetry group' | 'poetry extra';
  name: string;
  entries: { text: string; where: string }[];
}

/**
 * When the main dependencies do not pin torch, the group that does is read in full: a GPU
 * group first (its name says gpu/cuda/cuXYZ, or its torch has a `+cuXYZ` label), then one
 * that is not for cpu, then a cpu one. Says which group was read and which were not.
 * Returns the group read, if any.
 */
async function readDependencyGroups(
  groups: DependencyGroup[],
  found: DetectionCollector,
  requirements: RequirementsReader,
): Promise<DependencyGroup | undefined> {
  if (groups.length === 0) return undefined;
  const label = (g: DependencyGroup) => `${g.kind} ${JSON.stringify(g.name)}`;
  const withTorch = groups.filter(
    (g) => variantKind(g.name) !== 'dev' && g.entries.some((e) => TORCH_ENTRY.test(e.text)),
  );
  let chosen: DependencyGroup | undefined;
  if (found.detection.torch === undefined && withTorch.length > 0) {
    // A torch with a `+cuXYZ` label makes a GPU group whatever its name.
    const rank = (g: DependencyGroup) =>
      g.entries.some((e) => /\+cu[0-9]/.test(e.text)) ? 0 : variantRank(g.name);
    chosen = [...withTorch].sort((a, b) => rank(a) - rank(b))[0];
  }
  if (chosen) {
    found.evidence(`${label(chosen)} read: torch is pinned there, not in the main dependencies`);
    for (const entry of chosen.entries) {
      await requirements.requirementLine(entry.text, entry.where, '', 0);
    }
  }
  const others = groups.filter((g) => g !== chosen);
  if (others.length > 0) {
    found.evidence(
      `not read: ${others.map(label).join(', ')} (optional; add what the service needs to pip)`,
    );
  }
  return chosen;
}

/** A requirement of torch, or of a library pinned with it. */
const TORCH_ENTRY = /^\s*(torch|pytorch|torchvision|torchaudio)\s*($|[[=<>!~;@ ])/i;

/** Every optional group of the file, with the line of each entry. */
function groupsOf(
  doc: Record<string, unknown>,
  poetryDeps: Record<string, unknown>,
  atKey: (key: string) => string,
  line: (dep: string) => string,
): DependencyGroup[] {
  const groups: DependencyGroup[] = [];
  const listed = (kind: DependencyGroup['kind'], table: Record<string, unknown>) => {
    for (const [name, value] of Object.entries(table)) {
      const entries = stringsOf(value).map((text) => ({ text, where: line(text) }));
      groups.push({ kind, name, entries });
    }
  };
  listed('extra', record(record(doc.project)['optional-dependencies']));
  const pep735 = record(doc['dependency-groups']);
  for (const [name, value] of Object.entries(pep735)) {
    const entries = expandGroup(pep735, name, new Set()).map((text) => ({
      text,
      where: line(text),
    }));
    if (Array.isArray(value)) groups.push({ kind: 'dependency group', name, entries });
  }
  const poetry = record(record(doc.tool).poetry);
  for (const [name, group] of Object.entries(record(poetry.group))) {
    const entries = Object.entries(record(record(group).dependencies)).flatMap(([dep, value]) => {
      const requirement = poetryRequirement(dep, value, true);
      return requirement.ok ? [{ text: requirement.text, where: atKey(dep) }] : [];
    });
    groups.push({ kind: 'poetry group', name, entries });
  }
  for (const [name, value] of Object.entries(record(poetry.extras))) {
    const entries = stringsOf(value).flatMap((dep) => {
      const requirement = poetryRequirement(dep, poetryDeps[dep], true);
      return requirement.ok ? [{ text: requirement.text, where: atKey(dep) }] : [];
    });
    groups.push({ kind: 'poetry extra', name, entries });
  }
  return groups;
}

/** A PEP 735 group's requirements, with `{include-group = "…"}` followed (once each). */
function expandGroup(groups: Record<string, unknown>, name: string, seen: Set<string>): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const value = groups[name];
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (typeof item === 'string') return [item];
    const include = record(item)['include-group'];
    return typeof include === 'string' ? expandGroup(groups, include, seen) : [];
  });
}

/**
 * Package index URLs that Poetry, uv and PDM configure. When uv's `[tool.uv.sources]` ties torch
 * to indexes by extra or group, the index of the group read comes first, so its CUDA wins.
 */
function indexUrls(tool: Record<string, unknown>, chosen: DependencyGroup | undefined): string[] {
  const tables = [record(tool.poetry).source, record(tool.uv).index, record(tool.pdm).source];
  const entries = tables.flatMap((table) => (Array.isArray(table) ? table : []).map(record));
  const urls = entries.map((entry) => entry.url).filter(isString);
  const torchSources = [record(record(tool.uv).sources).torch].flat().map(record);
  const tied =
    torchSources.find(
      (s) => chosen !== undefined && (s.extra === chosen.name || s.group === chosen.name),
    ) ?? torchSources.find((s) => typeof s.marker === 'string' && onLinux(s.marker));
  const index = entries.find((e) => tied !== undefined && e.name === tied.index)?.url;
  return isString(index) ? [index, ...urls.filter((url) => url !== index)] : urls;
}

/**
 * Whether an environment marker holds on Linux, the platform of the images (`sys_platform ==
 * 'linux'`, `platform_system != 'Darwin'`); a marker about anything else does not count.
 */
function onLinux(marker: string): boolean {
  const text = marker.replaceAll(/\s+/g, ' ');
  const says = /(sys_platform|platform_system) ?(==|!=) ?["']([A-Za-z0-9]+)["']/g;
  let any = false;
  for (const [, , operator, value = ''] of text.matchAll(says)) {
    any = true;
    const linux = value.toLowerCase() === 'linux';
    if ((operator === '==') !== linux) return false;
  }
  return any;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** The line of a TOML key (`name =`, quoted or not); 1 when not found. */
function lineOfKey(text: string, key: string): number {
  const escaped = key.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^[ \\t]*["']?${escaped}["']?[ \\t]*=`, 'm').exec(text);
  return match ? text.slice(0, match.index).split('\n').length : 1;
}

/** The line of the first needle found in the text; 1 when none is. */
function lineOf(text: string, ...needles: string[]): number {
  for (const needle of needles) {
    const index = text.indexOf(needle);
    if (index !== -1) return text.slice(0, index).split('\n').length;
  }
  return 1;
}
