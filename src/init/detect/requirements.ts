/**
 * pip requirements, from requirements files and from the files that embed them (an
 * environment's pip section, pyproject dependencies).
 *
 * Format: https://pip.pypa.io/en/stable/reference/requirements-file-format/
 */
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type { EnvironmentMarker, Requirement, VersionSpec } from 'pip-requirements-js';
import { cudaOfLabel, pytorchIndexLabel } from '../../pytorch-wheels.js';
import { normalizeName } from '../../spec/package-entries.js';
import { type DetectionCollector, quote } from './collector.js';
import { isPipTorchBuild, isTorchFamily } from './package-filters.js';
import type { RepoFiles } from './repo-files.js';
import { torchSpecFromPep440 } from './torch-pins.js';
import { variantKind, variantRank } from './variant-names.js';

const MAX_INCLUDE_DEPTH = 5;

/** A requirement given as a URL (`git+https://…`, `https://…/x.whl`) or a path (`.`, `./pkg`). */
const URL_OR_PATH = /^(?:(?:git|hg|svn|bzr)\+|[a-z]+:\/\/|file:|\.{1,2}(?:[\\/[]|$)|\/)/i;

/** Names that say "what the project runs on" come before other variants. */
function preferred(rel: string): number {
  const name = rel.replace(/^requirements[-_./]/, '').replace(/\.txt$/, '');
  return /^(base|main|core|common|prod|production|runtime|inference|serve|serving|requirements)$/.test(
    name,
  )
    ? 0
    : 1;
}

/** `pt2` before `pt13`, `py311` before `py38`: the newest-looking variant first. */
function naturalDescending(a: string, b: string): number {
  return b.localeCompare(a, 'en', { numeric: true });
}

/**
 * Reads pip requirements into the detection.
 *
 * - picks the root requirements files: requirements.txt, then variants with GPU ones first
 * - follows `-r` includes that stay inside the repo, reading each file once
 * - turns torch pins, wheel URLs and PyTorch index URLs into torch, cuda and source
 * - passes the other requirements on for the spec's pip list, minus what envgen pins itself
 */
export class RequirementsReader {
  private readonly seen = new Set<string>();

  constructor(
    private readonly files: RepoFiles,
    private readonly found: DetectionCollector,
  ) {}

  /**
   * requirements.txt (and what it includes); then a GPU variant when requirements.txt does
   * not pin torch; without requirements.txt, the best variant alone: GPU, then plain, then cpu.
   * Variants are `requirements-<variant>.txt` and `requirements/*.txt`, never development ones.
   */
  async readRootFiles(): Promise<void> {
    const variants = await this.variantFiles();
    const main = await this.files.readText('requirements.txt');
    let chosen: string[] = [];
    if (main !== undefined) {
      await this.requirementsText('requirements.txt', main, 0);
      const gpu = variants.find((v) => variantRank(v) === 0 && !this.seen.has(v));
      if (gpu !== undefined && this.found.detection.torch === undefined) chosen = [gpu];
    } else if (variants[0] !== undefined) chosen = [variants[0]];
    for (const rel of chosen) {
      this.found.evidence(
        `${rel}: read as the ${variantRank(rel) === 0 ? 'GPU ' : ''}requirements`,
      );
      await this.requirementsFile(rel, 0, false);
    }
    const unread = variants.filter((v) => !this.seen.has(v));
    if (unread.length > 0) {
      this.found.evidence(
        `not read: ${unread.join(', ')} (other variants; add what the service needs to pip)`,
      );
    }
  }

  /** One requirements file of the repo, by its path (`fastapi/requirements.txt`). */
  async readFile(rel: string): Promise<void> {
    await this.requirementsFile(rel, 0, true);
  }

  /** Requirement variants, best first: GPU, plain (base/main/prod first), cpu. */
  private async variantFiles(): Promise<string[]> {
    const root = (await this.files.listDir(''))
      .filter((entry) => entry.isFile && /^requirements[-_.].*\.txt$/.test(entry.name))
      .map((entry) => entry.name);
    const folder = (await this.files.listDir('requirements', false))
      .filter((entry) => entry.isFile && entry.name.endsWith('.txt'))
      .map((entry) => `requirements/${entry.name}`);
    const kept: string[] = [];
    for (const rel of [...root, ...folder]) {
      if (rel === 'requirements.txt') continue;
      const variant = rel.replace(/^requirements[-_./]/, '');
      if (variantKind(variant) === 'dev') {
        this.found.evidence(`${rel}: development requirements, not read`);
      } else kept.push(rel);
    }
    return kept.sort(
      (a, b) =>
        variantRank(a) - variantRank(b) || preferred(a) - preferred(b) || naturalDescending(a, b),
    );
  }

  /** One requirements.txt line, wherever it comes from (a file, an env's pip section, pyproject). */
  async requirementLine(raw: string, where: string, baseDir: string, depth: number) {
    const line = stripComment(raw);
    if (line === '') return;
    const editable = /^(?:-e|--editable)(?:\s+|=)(\S.*)$/.exec(line);
    if (editable?.[1]) {
      this.urlOrPath(editable[1].trim(), line, where, baseDir);
      return;
    }
    if (line.startsWith('-')) {
      await this.pipOption(line, where, baseDir, depth);
      return;
    }
    if (URL_OR_PATH.test(line)) {
      this.urlOrPath(line.split(/\s+/)[0] ?? line, line, where, baseDir);
      return;
    }
    // Hashes and build options belong to one install, not to a spec.
    const text = line
      .replaceAll(/\s+--[a-z-]+(?:[=\s]\S+)?/g, '')
      .replaceAll(/\s+/g, ' ')
      .trim();
    let parsed: Requirement | null;
    try {
      parsed = parsePipLine(text);
    } catch {
      this.found.noteRequirement(where, text, 'dropped', 'not a pip requirement');
      return;
    }
    if (parsed?.type !== 'ProjectName' && parsed?.type !== 'ProjectURL') return;
    this.requirement(parsed, text, where);
  }

  private requirement(parsed: Requirement & { name: string }, text: string, where: string) {
    if (parsed.type === 'ProjectURL' && /^file:/i.test(parsed.url)) {
      this.localPath(parsed.url.replace(/^file:(\/\/)?/i, ''), text, where, '');
      return;
    }
    const name = normalizeName(parsed.name);
    if (name === 'torch' || name === 'pytorch') this.pipTorch(parsed, where);
    else if (name === 'torchvision' || name === 'torchaudio')
      this.pipLibrary(name, parsed, text, where);
    else if (isPipTorchBuild(name)) {
      this.found.noteRequirement(
        where,
        text,
        'dropped',
        'torch installs it for its own CUDA build',
      );
    } else if (isTorchFamily(name)) {
      this.found.noteRequirement(where, text, 'dropped', 'envgen pins it from torch and cuda');
    } else {
      const marker = 'environmentMarkerTree' in parsed ? parsed.environmentMarkerTree : undefined;
      this.found.addPip(text, name, where, markerKey(marker));
    }
  }

  /** torchvision or torchaudio: wanted, and a version pin constrains torch. */
  private pipLibrary(
    library: 'torchvision' | 'torchaudio',
    parsed: Requirement,
    text: string,
    where: string,
  ) {
    const specs = parsed.type === 'ProjectName' ? (parsed.versionSpec ?? []) : [];
    const { spec, label } = torchSpecFromPep440(specs);
    this.found.markLibrary(library, where, spec ? { spec, text } : undefined);
    if (label) this.cudaFromLabel(label, where, `local version label +${label}`);
  }

  /**
   * A requirement given as a URL or a path (`git+https://…/CLIP.git`, `-e .`): a package of the
   * repo becomes a local package the image installs; a URL becomes `name @ URL`, the form a
   * spec entry takes, with the name from `#egg=`, the wheel's file name or the repository.
   */
  private urlOrPath(target: string, text: string, where: string, baseDir: string) {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('file:')) {
      this.localPath(target.replace(/^file:(\/\/)?/, ''), text, where, baseDir);
      return;
    }
    const [url = target, fragment = ''] = target.split('#', 2);
    const egg = /(?:^|&)egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(fragment)?.[1];
    const wheel = /\/([A-Za-z0-9_.]+)-[0-9][^/-]*-[^/]*\.whl$/.exec(safeDecode(url))?.[1];
    const repository =
      /^(?:git|hg|svn|bzr)\+.*\/([A-Za-z0-9][A-Za-z0-9._-]*?)(?:\.git)?(?:@[^/]*)?$/.exec(url)?.[1];
    const name = egg ?? wheel ?? repository;
    if (name === undefined) {
      this.found.noteRequirement(
        where,
        text,
        'dropped',
        'a URL with no package name: write it as `name @ URL`',
      );
      return;
    }
    const subdirectory = /(?:^|&)(subdirectory=[^&]+)/.exec(fragment)?.[1];
    const entry = `${normalizeName(name)} @ ${url}${subdirectory ? `#${subdirectory}` : ''}`;
    let parsed: Requirement | null = null;
    try {
      parsed = parsePipLine(entry);
    } catch {
      // Not a URL pip's grammar takes.
    }
    if (parsed?.type !== 'ProjectURL') {
      this.found.noteRequirement(where, text, 'dropped', 'not a URL pip can install');
      return;
    }
    const from = egg
      ? '#egg='
      : wheel
        ? 'the wheel file name'
        : "the repository's name, a guess: pip refuses the install if the project is named otherwise, so correct it in envgen.yaml if need be";
    const editable = /^(-e|--editable)\b/.test(text) ? ', installed, not editable' : '';
    if (entry !== text) {
      this.found.noteRequirement(
        where,
        text,
        'changed',
        `written as ${quote(entry)} (name from ${from})${editable}`,
      );
    }
    this.requirement(parsed, entry, where);
  }

  /** `.`, `./pkg`, `.[serve]`: the repo (or a folder of it) is a package the app imports. */
  private localPath(written: string, text: string, where: string, baseDir: string) {
    // `.[serve,gpu]`: the package with extras, whose requirements are read with the package's.
    const extras = /\[([^\]]*)\]$/.exec(written)?.[1];
    const path = written.replace(/\[[^\]]*\]$/, '');
    const target = posix.normalize(posix.join(baseDir, path.replace(/[\\/]+$/, '') || '.'));
    if (posix.isAbsolute(path) || target === '..' || target.startsWith('../')) {
      this.found.noteRequirement(where, text, 'dropped', 'a path outside the repo');
    } else if (/\.(whl|zip|tar\.gz|tgz|tar\.bz2)$/.test(target)) {
      this.found.noteRequirement(
        where,
        text,
        'dropped',
        'a local archive: publish it, or list it as `name @ URL`',
      );
    } else if (!/^(\.|[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*)$/.test(target)) {
      this.found.noteRequirement(
        where,
        text,
        'dropped',
        'a path envgen cannot write into a Dockerfile',
      );
    } else {
      this.found.addLocalPackage(target, text, where);
      for (const extra of (extras ?? '')
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)) {
        this.found.detection.localExtras.push({ name: extra, where });
      }
    }
  }

  /** A package index or find-links URL: only a PyTorch one says anything (its CUDA). */
  packageIndex(url: string, where: string): void {
    const label = pytorchIndexLabel(url);
    if (label === undefined) {
      this.found.noteRequirement(
        where,
        url,
        'dropped',
        'a package index: envgen writes the index lines itself',
      );
      return;
    }
    this.cudaFromLabel(label, where, `index ${url}`);
  }

  private async requirementsFile(rel: string, depth: number, reportMissing: boolean) {
    if (this.seen.has(rel)) return;
    const text = await this.files.readText(rel, reportMissing);
    if (text === undefined) return;
    await this.requirementsText(rel, text, depth);
  }

  private async requirementsText(rel: string, text: string, depth: number) {
    if (this.seen.has(rel)) return;
    this.seen.add(rel);
    for (const { text: line, number, swallowed } of logicalLines(text)) {
      for (const lost of swallowed) {
        this.found.evidence(
          `${rel}:${lost}: joined onto a comment by a trailing \\, not read, as pip does`,
        );
      }
      await this.requirementLine(line, `${rel}:${number}`, posix.dirname(rel), depth);
    }
  }

  private async pipOption(line: string, where: string, baseDir: string, depth: number) {
    // A long option takes `=value` or ` value`; a short one may also have it attached (`-rfile`).
    const match =
      /^(--[A-Za-z][A-Za-z-]*)(?:(?:=|\s+)(.*))?$/.exec(line) ?? /^(-[A-Za-z])=?(.*)$/.exec(line);
    const flag = match?.[1] ?? line;
    const value = match?.[2]?.trim() ?? '';
    if ((flag === '-r' || flag === '--requirement') && value) {
      await this.includeRequirements(value, where, baseDir, depth);
    } else if (
      ['-i', '--index-url', '--extra-index-url', '-f', '--find-links'].includes(flag) &&
      value
    ) {
      this.packageIndex(value, where);
    } else {
      this.found.noteRequirement(where, line, 'dropped', 'a pip option, not a requirement');
    }
  }

  private async includeRequirements(file: string, where: string, baseDir: string, depth: number) {
    const target = posix.normalize(posix.join(baseDir, file));
    if (posix.isAbsolute(file) || target === '..' || target.startsWith('../')) {
      this.found.noteRequirement(
        where,
        `-r ${file}`,
        'dropped',
        'a file outside the repo, not read',
      );
    } else if (depth >= MAX_INCLUDE_DEPTH) {
      this.found.noteRequirement(where, `-r ${file}`, 'dropped', 'nested too deep, not read');
    } else {
      await this.requirementsFile(target, depth + 1, true);
    }
  }

  private cudaFromLabel(label: string, where: string, detail: string): void {
    const cuda = cudaOfLabel(label);
    if (cuda) this.found.propose('cuda', cuda, where, detail);
    else {
      this.found.evidence(
        `${where}: ${label} build (${detail}) ignored: envgen builds for CUDA or cpu`,
      );
    }
  }

  private pipTorch(requirement: Requirement, where: string): void {
    this.found.usesTorch();
    let specs: VersionSpec[] = [];
    if (requirement.type === 'ProjectName') specs = requirement.versionSpec ?? [];
    else if (requirement.type === 'ProjectURL') {
      const wheel = /\/torch-([^-/]+)-/.exec(safeDecode(requirement.url))?.[1];
      if (wheel) specs = [{ operator: '==', version: wheel } as VersionSpec];
      const label = pytorchIndexLabel(requirement.url);
      if (label) this.cudaFromLabel(label, where, `wheel URL ${requirement.url}`);
    }
    const { spec, label } = torchSpecFromPep440(specs);
    if (spec) this.found.propose('torch', spec, where);
    else if (specs.length === 0) this.found.evidence(`torch (no version) from ${where}`);
    else {
      const written = specs.map((s) => `${s.operator}${s.version}`).join(',');
      this.found.noteRequirement(
        where,
        `torch${written}`,
        'dropped',
        'a torch version envgen cannot read',
      );
    }
    if (label) this.cudaFromLabel(label, where, `local version label +${label}`);
    this.found.propose('source', 'pip', where);
  }
}

interface LogicalLine {
  text: string;
  /** The line it starts on. */
  number: number;
  /** Lines joined onto a comment, which pip then drops with the comment. */
  swallowed: number[];
}

/**
 * pip's physical-to-logical lines (`join_lines` in pip's req_file.py): a trailing backslash
 * joins the next line, except on a line that is only a comment. Joining comes before comments
 * are removed, so a line joined onto `pkg  # note \` ends up in the comment, as in pip.
 */
function logicalLines(text: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let pending: LogicalLine | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    const number = index + 1;
    const commentLine = /^\s*#/.test(line);
    if (pending) {
      if (/(^|\s)#/.test(pending.text) && !commentLine && line.trim() !== '') {
        pending.swallowed.push(number);
      }
      // pip puts a space before a comment line so that it is still seen as one.
      pending.text += commentLine ? ` ${line}` : line;
    } else pending = { text: line, number, swallowed: [] };
    if (line.endsWith('\\') && !commentLine) {
      pending.text = pending.text.replace(/\\+$/, '');
    } else {
      lines.push(pending);
      pending = undefined;
    }
  });
  if (pending) lines.push(pending);
  return lines;
}

/** pip's comment rule: `#` at the start of a line or after whitespace. */
function stripComment(line: string): string {
  return line.replace(/(^|\s)#.*$/, '').trim();
}

/** An environment marker as a comparable key: '' for none, quotes and spacing ignored. */
function markerKey(marker: EnvironmentMarker | undefined): string {
  if (marker === undefined) return '';
  return JSON.stringify(marker, (_key, value: unknown) =>
    typeof value === 'string' ? value.replace(/^(["'])(.*)\1$/, '$2') : value,
  );
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

let pipParser: typeof import('pip-requirements-js') | undefined;

function parsePipLine(line: string): Requirement | null {
  // CommonJS, loaded on first use as package-entries.ts does.
  pipParser ??= createRequire(import.meta.url)(
    'pip-requirements-js',
  ) as typeof import('pip-requirements-js');
  return pipParser.parsePipRequirementsLine(line);
}
