/**
 * pip requirements, from requirements files and from the files that embed them (an
 * environment's pip section, pyproject dependencies).
 *
 * Format: https://pip.pypa.io/en/stable/reference/requirements-file-format/
 */
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type { EnvironmentMarker, Requirement, VersionSpec } from 'pip-requirements-js';
import { normalizeName } from '../../spec/package-entries.js';
import { type DetectionCollector, quote } from './collector.js';
import { compare } from './compare.js';
import { isPipTorchBuild, isTorchFamily } from './package-filters.js';
import type { RepoFiles } from './repo-files.js';
import { cudaOfLabel, pytorchIndexLabel, torchSpecFromPep440 } from './torch-pins.js';

const MAX_INCLUDE_DEPTH = 5;

/** Requirement files for work on the repo, not for running the model. */
// Followed by a separator, not `\b`: `_` is a word character, and `dev` must not stop at `devel`.
const DEV_REQUIREMENTS =
  /^requirements[-_.](dev|devel|develop|development|test|tests|testing|docs?|lint|ci)(?=[-_.])/;

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

  async readRootFiles(): Promise<void> {
    for (const rel of await this.requirementsFiles()) await this.requirementsFile(rel, 0, false);
  }

  /** One requirements.txt line, wherever it comes from (a file, an env's pip section, pyproject). */
  async requirementLine(raw: string, where: string, baseDir: string, depth: number) {
    const line = stripComment(raw);
    if (line === '') return;
    if (line.startsWith('-')) {
      await this.pipOption(line, where, baseDir, depth);
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
      this.found.note(`${where}: ${quote(text)} is not a pip requirement, skipped`);
      return;
    }
    if (parsed?.type !== 'ProjectName' && parsed?.type !== 'ProjectURL') return;
    const name = normalizeName(parsed.name);
    if (name === 'torch' || name === 'pytorch') this.pipTorch(parsed, where);
    else if (name === 'torchvision' || name === 'torchaudio') this.found.markLibrary(name, where);
    else if (isPipTorchBuild(name)) {
      this.found.note(`${where}: ${name} left out: torch installs it for its own CUDA build`);
    } else if (isTorchFamily(name)) {
      this.found.note(`${where}: ${name} left out: envgen pins it from torch and cuda`);
    } else this.found.addPip(text, name, where, markerKey(parsed.environmentMarkerTree));
  }

  /** A package index or find-links URL: only a PyTorch one says anything (its CUDA). */
  packageIndex(url: string, where: string): void {
    const label = pytorchIndexLabel(url);
    if (label === undefined) {
      this.found.note(
        `${where}: package index ${url} left out: envgen writes the index lines itself`,
      );
      return;
    }
    this.cudaFromLabel(label, where, `index ${url}`);
  }

  /** requirements.txt, then requirements-*.txt with GPU variants before CPU ones. */
  private async requirementsFiles(): Promise<string[]> {
    const names = (await this.files.listDir(''))
      .filter((entry) => entry.isFile && /^requirements[-_.].*\.txt$/.test(entry.name))
      .map((entry) => entry.name);
    const kept: string[] = [];
    for (const name of names) {
      if (DEV_REQUIREMENTS.test(name)) {
        this.found.note(`${name}: development requirements, not read`);
      } else kept.push(name);
    }
    const rank = (name: string) => (/gpu|cuda|cu1[0-9]/.test(name) ? 0 : /cpu/.test(name) ? 2 : 1);
    kept.sort((a, b) => rank(a) - rank(b) || compare(a, b));
    return ['requirements.txt', ...kept];
  }

  private async requirementsFile(rel: string, depth: number, reportMissing: boolean) {
    if (this.seen.has(rel)) return;
    this.seen.add(rel);
    const text = await this.files.readText(rel, reportMissing);
    if (text === undefined) return;
    for (const { text: line, number, swallowed } of logicalLines(text)) {
      for (const lost of swallowed) {
        this.found.note(
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
      this.found.note(`${where}: pip option ${quote(line)} skipped`);
    }
  }

  private async includeRequirements(file: string, where: string, baseDir: string, depth: number) {
    const target = posix.normalize(posix.join(baseDir, file));
    if (posix.isAbsolute(file) || target === '..' || target.startsWith('../')) {
      this.found.note(`${where}: ${quote(file)} is outside the repo, not read`);
    } else if (depth >= MAX_INCLUDE_DEPTH) {
      this.found.note(`${where}: ${quote(file)} is nested too deep, not read`);
    } else {
      await this.requirementsFile(target, depth + 1, true);
    }
  }

  private cudaFromLabel(label: string, where: string, detail: string): void {
    const cuda = cudaOfLabel(label);
    if (cuda) this.found.propose('cuda', cuda, where, detail);
    else {
      this.found.note(
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
    else if (specs.length === 0) this.found.note(`torch (no version) from ${where}`);
    else {
      const written = specs.map((s) => `${s.operator}${s.version}`).join(',');
      this.found.note(`torch from ${where}: version ${quote(written)} not understood, left out`);
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
