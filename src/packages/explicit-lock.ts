/**
 * An explicit lock (`conda list --explicit --md5`, `conda-lock --kind explicit`, and envgen's
 * own `envs/<model>/conda-<platform>.lock`): comment lines, `@EXPLICIT`, then one package URL a
 * line, each optionally followed by `#<md5>` or `#sha256:<hash>`. Name, version and build come
 * from each URL's file name; the platform from a `# platform: linux-64` comment where there is one.
 */
import { condaFileParts } from './conda-url.js';
import { corruptInput } from './input-problem.js';
import { type PackageRecord, type PackageSet, packageRecord } from './package-set.js';

const EXPECTED_LINE =
  'a package URL ending in .conda or .tar.bz2, optionally followed by #<md5> or #sha256:<hash>';

/** Whether a text is an explicit lock: it has an `@EXPLICIT` line. */
export function isExplicitLock(text: string): boolean {
  return /^@EXPLICIT[ \t]*\r?$/m.test(text);
}

export function parseExplicitLock(text: string, file: string): PackageSet {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === '@EXPLICIT');
  if (start < 0) {
    throw corruptInput(
      file,
      undefined,
      'has no @EXPLICIT line',
      `an explicit lock: comments, then @EXPLICIT, then ${EXPECTED_LINE} per line`,
    );
  }
  let platform: string | null = null;
  for (const line of lines.slice(0, start)) {
    const match = /^#\s*platform:\s*(\S+)/.exec(line);
    if (match?.[1]) platform = match[1];
  }
  const packages: PackageRecord[] = [];
  lines.forEach((raw, index) => {
    if (index <= start) return;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const hashAt = line.indexOf('#');
    const url = hashAt < 0 ? line : line.slice(0, hashAt);
    const hash = hashAt < 0 ? '' : line.slice(hashAt + 1);
    const parts = /\s/.test(url) ? null : condaFileParts(url);
    if (!parts)
      throw corruptInput(file, index + 1, `'${line}' is not a package URL`, EXPECTED_LINE);
    let md5: string | null = null;
    let sha256: string | null = null;
    if (/^[0-9a-f]{32}$/i.test(hash)) md5 = hash.toLowerCase();
    else if (/^(sha256:)?[0-9a-f]{64}$/i.test(hash))
      sha256 = hash.replace(/^sha256:/i, '').toLowerCase();
    else if (hash !== '') {
      throw corruptInput(
        file,
        index + 1,
        `'#${hash}' is neither an MD5 nor a SHA-256`,
        EXPECTED_LINE,
      );
    }
    packages.push(
      packageRecord({
        name: parts.name,
        manager: 'conda',
        version: parts.version,
        build: parts.build,
        channel: parts.channel,
        subdir: parts.subdir,
        url,
        md5,
        sha256,
      }),
    );
  });
  platform ??= packages.find((p) => p.subdir && p.subdir !== 'noarch')?.subdir ?? null;
  return { kind: 'explicit-lock', label: file, platform, packages };
}
