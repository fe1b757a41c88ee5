/**
 * What a model's lock says its environment holds: the conda packages of the explicit lock (each
 * read from its URL's file name, `name-version-build.conda`) and the pip requirements of the
 * companion file.
 */
import { parseExplicitLock } from '../packages/explicit-lock.js';
import type { PackageSet } from '../packages/package-set.js';
import { normalizeName, parsePipRequirement } from '../spec/package-entries.js';

/**
 * The explicit lock's text as a package set for `platform` (the lock of that platform); `label`
 * names it in messages. The reader is the one `diff` uses (packages/explicit-lock.ts).
 */
export function explicitLockSet(text: string, label: string, platform: string): PackageSet {
  return { ...parseExplicitLock(text, label), platform };
}

export interface PipPin {
  /** PEP 503 normalised. */
  name: string;
  /** The requirement as written. */
  text: string;
  /** The version after `==`, when it pins one (`1.2`, `1.2.*`). */
  exact: string | null;
  /** Extras asked for (`name[a,b]`), normalised. */
  extras: string[];
  /** Whether it has an environment marker (`; python_version < "3.12"`): not checked. */
  marker: boolean;
}

/** The requirements of a pip companion (`pip-requirements.txt`): comments and options left out. */
export function pipPins(text: string): PipPin[] {
  const pins: PipPin[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('-')) continue;
    const parsed = parsePipRequirement(line);
    if (!parsed.ok) continue;
    const exact = /(?<![<>!~=])===?(?!=)\s*([A-Za-z0-9._*+!-]+)/.exec(line.split(';')[0] ?? '');
    const extras = /^[^[;@]*\[([^\]]*)\]/.exec(line)?.[1];
    pins.push({
      name: normalizeName(parsed.value.name),
      text: line,
      exact: exact?.[1] ?? null,
      extras: extras ? extras.split(',').map((e) => normalizeName(e.trim())) : [],
      marker: line.includes(';'),
    });
  }
  return pins;
}

/**
 * Whether an installed version meets `==pin` as PEP 440 compares them: release segments padded
 * with zeros (`1.2` is `1.2.0`), a trailing `.*` matching a prefix, and the installed local
 * label (`+cu118`) ignored when the pin has none.
 */
export function meetsPin(installed: string, pin: string): boolean {
  const norm = (v: string) => v.trim().toLowerCase().replace(/^v/, '');
  const [version = '', local = null] = norm(installed).split('+');
  const wanted = norm(pin);
  if (wanted.endsWith('.*')) {
    const prefix = release(wanted.slice(0, -2));
    const have = release(version);
    return prefix.segments.every((s, i) => (have.segments[i] ?? 0) === s) && prefix.rest === '';
  }
  const [pinVersion = '', pinLocal = null] = wanted.split('+');
  if (pinLocal !== null && pinLocal !== local) return false;
  const a = release(version);
  const b = release(pinVersion);
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) if ((a.segments[i] ?? 0) !== (b.segments[i] ?? 0)) return false;
  return a.rest === b.rest;
}

function release(version: string): { segments: number[]; rest: string } {
  const match = /^(\d+(?:\.\d+)*)(.*)$/.exec(version);
  if (!match) return { segments: [], rest: version };
  return {
    segments: (match[1] as string).split('.').map(Number),
    rest: (match[2] as string).replace(/^[._-]/, ''),
  };
}

/** The project a `Requires-Dist` names, and whether it applies (no `extra ==` marker, or one asked for). */
export function requiredName(requirement: string, extras: readonly string[]): string | null {
  const name = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(requirement)?.[1];
  if (!name) return null;
  const marker = requirement.split(';')[1] ?? '';
  const extra = /extra\s*==\s*['"]([^'"]+)['"]/.exec(marker)?.[1];
  if (extra !== undefined && !extras.includes(normalizeName(extra))) return null;
  return normalizeName(name);
}
