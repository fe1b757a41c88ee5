/**
 * A `pip freeze` output or a requirements file: `name==version`, `name @ url`, editable
 * installs (`-e git+https://…#egg=name`, `-e ./path`), version ranges (no version: nothing is
 * pinned), comments, line continuations and options (`--index-url`, `-r`, `--hash`), which name
 * no package. Names are normalised as PEP 503 says (`Typing_Extensions` -> `typing-extensions`).
 */
import { normalizeName } from '../spec/package-entries.js';
import { corruptInput } from './input-problem.js';
import { type PackageRecord, type PackageSet, packageRecord } from './package-set.js';

const EXPECTED =
  "a requirement per line: 'name==1.2', 'name>=1.2', 'name @ https://…', '-e git+https://…#egg=name', or a pip option";

const NAME = '[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?';
const REQUIREMENT = new RegExp(`^(?<name>${NAME})\\s*(?:\\[[^\\]]*\\])?\\s*(?<rest>.*)$`);
const CLAUSE = '(?:~=|===|==|!=|<=|>=|<|>)\\s*[A-Za-z0-9._*+!-]+';
const CLAUSES = new RegExp(`^(?:${CLAUSE}(?:\\s*,\\s*${CLAUSE})*)?$`);

/** Reads a whole requirements text; a line that is none of the accepted forms is corrupt. */
export function parsePipRequirements(text: string, file: string): PackageSet {
  const packages: PackageRecord[] = [];
  for (const { line, number } of logicalLines(text)) {
    const record = pipRecord(line);
    if (record === undefined) {
      throw corruptInput(file, number, `'${line}' is not a pip requirement`, EXPECTED);
    }
    if (record) packages.push(record);
  }
  return { kind: 'pip-freeze', label: file, platform: null, packages };
}

/** Whether a line reads as a requirement (for telling a requirements file by its content). */
export function looksLikePipRequirement(line: string): boolean {
  return Boolean(pipRecord(line));
}

/**
 * One requirement as a record: null for a line that names no package (an option), undefined
 * for one that is not a requirement at all.
 */
export function pipRecord(text: string): PackageRecord | null | undefined {
  let line = text.trim();
  let sha256: string | null = null;
  // `--hash=sha256:…` options after a requirement (pip-compile --generate-hashes).
  line = line.replace(
    /\s+--hash[= ](\w+):([0-9a-f]+)/gi,
    (_all, algorithm: string, hash: string) => {
      if (algorithm.toLowerCase() === 'sha256' && sha256 === null) sha256 = hash.toLowerCase();
      return '';
    },
  );
  if (line === '') return null;
  const editable = /^(?:-e|--editable)[ =]\s*(\S+)/.exec(line);
  if (editable?.[1]) return editableRecord(editable[1]);
  // A bare URL or VCS requirement (`git+https://host/org/repo.git@v1#egg=name`).
  if (/^([a-z]+\+)?[a-z]+:\/\//i.test(line)) return editableRecord(line.split(/\s/)[0] ?? line);
  if (line.startsWith('-')) return null;
  const groups = REQUIREMENT.exec(line)?.groups;
  if (!groups?.name) return undefined;
  const name = normalizeName(groups.name);
  const rest = (groups.rest ?? '').replace(/\s*;.*$/, '').trim();
  if (rest.startsWith('@')) {
    const url = rest.slice(1).trim();
    if (!/^\S+$/.test(url)) return undefined;
    return packageRecord({ name, manager: 'pip', version: versionInUrl(url, name), url, sha256 });
  }
  const pinned = /^===?\s*([A-Za-z0-9._*+!-]+)$/.exec(rest);
  if (pinned?.[1] && !pinned[1].includes('*')) {
    return packageRecord({ name, manager: 'pip', version: pinned[1], sha256 });
  }
  if (!CLAUSES.test(rest)) return undefined;
  return packageRecord({ name, manager: 'pip', sha256 });
}

/**
 * `-e git+https://host/repo.git@v1#egg=name`, `-e ./path/to/name`: the name, no version; null
 * when the target names none (`-e .`: the project in the current folder).
 */
function editableRecord(target: string): PackageRecord | null {
  const egg = /[#&]egg=([A-Za-z0-9._-]+)/.exec(target)?.[1];
  const path = target
    .replace(/[#?].*$/, '')
    .replace(/@[^/]*$/, '')
    .replace(/\/+$/, '');
  const name =
    egg ??
    path
      .split('/')
      .pop()
      ?.replace(/\.git$/, '') ??
    '';
  if (!new RegExp(`^${NAME}$`).test(name) || /^\.+$/.test(name)) return null;
  return packageRecord({ name: normalizeName(name), manager: 'pip', url: target });
}

/**
 * The version a wheel's or an sdist's file name gives (`torch-2.1.0%2Bcu121-cp311-…whl` is
 * 2.1.0+cu121), when the URL names one of the project's distributions.
 */
export function versionInUrl(url: string, name: string): string | null {
  const file = decodeURIComponent(url.split(/[#?]/)[0]?.split('/').pop() ?? '');
  const wheel = /^([^-]+)-([^-]+)-.*\.whl$/.exec(file);
  const sdist = /^(.+)-([0-9][^-]*)\.(?:tar\.gz|zip|tar\.bz2)$/.exec(file);
  const match = wheel ?? sdist;
  if (!match?.[1] || !match[2] || normalizeName(match[1]) !== name) return null;
  return match[2];
}

/** Lines with comments removed and `\` continuations joined, each with its first line's number. */
function logicalLines(text: string): { line: string; number: number }[] {
  const out: { line: string; number: number }[] = [];
  let pending = '';
  let startedAt = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    if (pending === '') startedAt = index + 1;
    const uncommented = raw.replace(/(^|\s)#.*$/, '');
    if (uncommented.endsWith('\\')) {
      pending += `${uncommented.slice(0, -1)} `;
      return;
    }
    const line = (pending + uncommented).trim();
    pending = '';
    if (line !== '') out.push({ line, number: startedAt });
  });
  if (pending.trim() !== '') out.push({ line: pending.trim(), number: startedAt });
  return out;
}
