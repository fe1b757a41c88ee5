/**
 * OSV records (https://ossf.github.io/osv-schema/) for the PyPI ecosystem: their shape checked
 * once where they are read, which of them affect a package at a version (ECOSYSTEM ranges and
 * explicit `versions` lists, compared as PEP 440 orders versions), and the {@link Advisory} the
 * command reports. The online and the offline source both answer through these functions, so
 * they cannot disagree about a record.
 */
import type { Advisory, AdvisorySeverity } from '../advisories.js';
import { cvss3BaseScore, cvssBand } from './cvss.js';
import { comparePep440, type Pep440Version, parsePep440 } from './pep440.js';

interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

interface OsvRange {
  type: string;
  events: OsvEvent[];
}

interface OsvAffected {
  package?: { name: string; ecosystem: string };
  ranges?: OsvRange[];
  versions?: string[];
}

export interface OsvRecord {
  id: string;
  modified?: string;
  /** When the advisory was withdrawn: it then affects nothing (OSV's API no longer lists it). */
  withdrawn?: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  severity?: { type: string; score: string }[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  database_specific?: { severity?: unknown };
}

/** The ecosystem whose records envgen reads. */
export const PYPI = 'PyPI';

/** A PyPI name as PEP 503 compares names: `Pillow`, `pillow` and `PILLOW` are one package. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * The record, or where it departs from OSV's schema (`affected[0].ranges[1].events: not a
 * list`). Only what envgen reads is checked; other fields may hold anything.
 */
export function checkRecord(value: unknown): { record: OsvRecord } | { error: string } {
  if (!isObject(value)) return { error: 'not an object' };
  if (typeof value.id !== 'string' || value.id === '') return { error: 'id: not a string' };
  for (const key of ['modified', 'withdrawn', 'summary', 'details'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') {
      return { error: `${key}: not a string` };
    }
  }
  if (value.aliases !== undefined && !isStringArray(value.aliases)) {
    return { error: 'aliases: not a list of strings' };
  }
  if (value.severity !== undefined) {
    if (!Array.isArray(value.severity)) return { error: 'severity: not a list' };
    const bad = value.severity.findIndex(
      (s) => !isObject(s) || typeof s.type !== 'string' || typeof s.score !== 'string',
    );
    if (bad >= 0) return { error: `severity[${bad}]: not {type, score}` };
  }
  if (value.references !== undefined) {
    if (!Array.isArray(value.references)) return { error: 'references: not a list' };
    const bad = value.references.findIndex(
      (r) => !isObject(r) || typeof r.type !== 'string' || typeof r.url !== 'string',
    );
    if (bad >= 0) return { error: `references[${bad}]: not {type, url}` };
  }
  if (value.database_specific !== undefined && !isObject(value.database_specific)) {
    return { error: 'database_specific: not an object' };
  }
  if (value.affected !== undefined) {
    if (!Array.isArray(value.affected)) return { error: 'affected: not a list' };
    for (const [i, entry] of value.affected.entries()) {
      const error = checkAffected(entry);
      if (error) return { error: `affected[${i}]${error}` };
    }
  }
  return { record: value as unknown as OsvRecord };
}

function checkAffected(entry: unknown): string | null {
  if (!isObject(entry)) return ': not an object';
  const pkg = entry.package;
  if (pkg !== undefined) {
    if (!isObject(pkg) || typeof pkg.name !== 'string' || typeof pkg.ecosystem !== 'string') {
      return '.package: not {name, ecosystem}';
    }
  }
  if (entry.versions !== undefined && !isStringArray(entry.versions)) {
    return '.versions: not a list of strings';
  }
  if (entry.ranges === undefined) return null;
  if (!Array.isArray(entry.ranges)) return '.ranges: not a list';
  for (const [r, range] of entry.ranges.entries()) {
    if (!isObject(range) || typeof range.type !== 'string') return `.ranges[${r}]: no type`;
    if (!Array.isArray(range.events)) return `.ranges[${r}].events: not a list`;
    for (const [e, event] of range.events.entries()) {
      const keys = isObject(event) ? Object.keys(event) : [];
      const [key] = keys;
      if (
        !isObject(event) ||
        keys.length !== 1 ||
        !['introduced', 'fixed', 'last_affected', 'limit'].includes(key as string) ||
        typeof event[key as string] !== 'string'
      ) {
        return `.ranges[${r}].events[${e}]: not one of introduced, fixed, last_affected, limit`;
      }
    }
  }
  return null;
}

/** The record's `affected` entries for a PyPI package (its name PEP 503 normalised). */
function entriesFor(record: OsvRecord, name: string): OsvAffected[] {
  return (record.affected ?? []).filter(
    (entry) =>
      entry.package?.ecosystem === PYPI &&
      normalizeName(entry.package.name) === normalizeName(name),
  );
}

/** The PyPI package names a record's `affected` entries name (normalised, once each). */
export function affectedNames(record: OsvRecord): string[] {
  const names = (record.affected ?? [])
    .filter((entry) => entry.package?.ecosystem === PYPI)
    .map((entry) => normalizeName(entry.package?.name ?? ''));
  return [...new Set(names)].filter((name) => name !== '');
}

/**
 * Whether the record affects the package at this version: one of its entries lists the version
 * in `versions`, or one of its ECOSYSTEM ranges includes it. The version's local label is left
 * out (a `+cu124` build of 2.5.1 is 2.5.1). A range with a version PEP 440 does not accept is
 * not evaluated (its `versions` list still counts); GIT and SEMVER ranges say nothing about
 * PyPI versions. A withdrawn advisory affects nothing.
 */
export function affects(record: OsvRecord, name: string, version: Pep440Version): boolean {
  if (record.withdrawn !== undefined) return false;
  return entriesFor(record, name).some(
    (entry) =>
      (entry.versions ?? []).some((listed) => samePublic(listed, version.public)) ||
      (entry.ranges ?? []).some(
        (range) => range.type === 'ECOSYSTEM' && inRange(range.events, version.public),
      ),
  );
}

function samePublic(listed: string, version: string): boolean {
  const parsed = parsePep440(listed);
  return parsed !== null && comparePep440(parsed.public, version) === 0;
}

interface SortedEvent {
  kind: keyof OsvEvent;
  version: string;
}

/**
 * OSV's evaluation of one range (the schema's "Evaluation" section): events in version order,
 * `introduced` makes the versions from it on affected, `fixed` ends that at the fix,
 * `last_affected` after it; a `limit` bounds the whole range from above.
 */
function inRange(events: readonly OsvEvent[], version: string): boolean {
  const sorted: SortedEvent[] = [];
  const limits: string[] = [];
  for (const event of events) {
    const [kind, value] = Object.entries(event)[0] as [keyof OsvEvent, string];
    if (kind === 'introduced' && value === '0') {
      sorted.push({ kind, version: '0' });
      continue;
    }
    if (kind === 'limit' && value === '*') continue;
    const parsed = parsePep440(value);
    if (!parsed) return false;
    if (kind === 'limit') limits.push(parsed.normal);
    else sorted.push({ kind, version: parsed.normal });
  }
  if (limits.length > 0 && !limits.some((limit) => comparePep440(version, limit) < 0)) {
    return false;
  }
  // "0" is before every version; at one version an introduction comes before its end.
  sorted.sort(
    (a, b) =>
      (a.version === '0' ? -1 : b.version === '0' ? 1 : comparePep440(a.version, b.version)) ||
      (a.kind === 'introduced' ? 0 : 1) - (b.kind === 'introduced' ? 0 : 1),
  );
  let affected = false;
  for (const event of sorted) {
    const order = event.version === '0' ? 1 : comparePep440(version, event.version);
    if (event.kind === 'introduced' && order >= 0) affected = true;
    else if (event.kind === 'fixed' && order >= 0) affected = false;
    else if (event.kind === 'last_affected' && order > 0) affected = false;
  }
  return affected;
}

const LABELS: Record<string, AdvisorySeverity> = {
  LOW: 'low',
  MODERATE: 'moderate',
  MEDIUM: 'moderate',
  HIGH: 'high',
  CRITICAL: 'critical',
};

/**
 * The advisory's severity: GitHub's label (`database_specific.severity`) when there is one, else
 * the band of its CVSS v3 base score, else `unknown` (PYSEC records carry neither; CVSS v4
 * vectors are not scored, see cvss.ts).
 */
export function severityOf(record: OsvRecord): AdvisorySeverity {
  const label = record.database_specific?.severity;
  if (typeof label === 'string' && LABELS[label.toUpperCase()]) {
    return LABELS[label.toUpperCase()] as AdvisorySeverity;
  }
  for (const entry of record.severity ?? []) {
    if (entry.type !== 'CVSS_V3') continue;
    const score = cvss3BaseScore(entry.score);
    if (score !== null) return cvssBand(score);
  }
  return 'unknown';
}

/**
 * The advisory's page: GitHub's for GHSA ids, osv.dev's for PYSEC ids, else the record's first
 * ADVISORY reference, then its first WEB one, then osv.dev's page for the id.
 */
export function advisoryUrl(record: OsvRecord): string {
  const id = encodeURIComponent(record.id);
  if (record.id.startsWith('GHSA-')) return `https://github.com/advisories/${id}`;
  if (record.id.startsWith('PYSEC-')) return `https://osv.dev/vulnerability/${id}`;
  const references = record.references ?? [];
  const pick = (type: string) =>
    references.find((r) => r.type === type && /^https?:\/\//.test(r.url))?.url;
  return pick('ADVISORY') ?? pick('WEB') ?? `https://osv.dev/vulnerability/${id}`;
}

/** What the command reports of a record that affects the package `name`. */
export function toAdvisory(record: OsvRecord, name: string): Advisory {
  const fixed = new Map<string, string>();
  for (const entry of entriesFor(record, name)) {
    for (const range of entry.ranges ?? []) {
      if (range.type !== 'ECOSYSTEM') continue;
      for (const event of range.events) {
        const parsed = event.fixed === undefined ? null : parsePep440(event.fixed);
        if (parsed) fixed.set(parsed.normal, parsed.normal);
      }
    }
  }
  return {
    id: record.id,
    aliases: [...(record.aliases ?? [])],
    summary: record.summary?.trim() || summaryOf(record.details ?? ''),
    severity: severityOf(record),
    fixed: [...fixed.values()].sort(comparePep440),
    url: advisoryUrl(record),
  };
}

/** The longest summary taken from a record's details (PYSEC records have no summary). */
const SUMMARY_CHARS = 200;

/** A record without a summary: the first sentence of its details, at most 200 characters. */
function summaryOf(details: string): string {
  const line = details.trim().split('\n')[0]?.trim() ?? '';
  if (line.length <= SUMMARY_CHARS) return line;
  const stop = line.indexOf('. ');
  if (stop > 0 && stop < SUMMARY_CHARS) return line.slice(0, stop + 1);
  return `${line.slice(0, SUMMARY_CHARS - 1).trimEnd()}…`;
}
