/**
 * For tests only: a package set written in each format envgen reads, so a test can check that
 * the same packages read back from every format compare equal.
 */
import { condaLockEntries, renderCondaLockYml } from '../../src/lock/conda-lock-yml.js';
import type { PackageRecord, PackageSet } from '../../src/packages/package-set.js';

const conda = (set: PackageSet) => set.packages.filter((p) => p.manager === 'conda');
const pip = (set: PackageSet) => set.packages.filter((p) => p.manager === 'pip');

function url(p: PackageRecord): string {
  return `${p.channel}/${p.subdir}/${p.name}-${p.version}-${p.build}.conda`;
}

function pipUrl(p: PackageRecord): string {
  return `https://files.pythonhosted.org/packages/${p.name.replaceAll('-', '_')}-${encodeURIComponent(p.version ?? '')}-py3-none-any.whl`;
}

export function explicitLock(set: PackageSet): string {
  return [
    `# platform: ${set.platform}`,
    '@EXPLICIT',
    ...conda(set).map(
      (p) => `${url(p)}${p.sha256 ? `#sha256:${p.sha256}` : p.md5 ? `#${p.md5}` : ''}`,
    ),
    '',
  ].join('\n');
}

/** A pixi.lock of format version 6, or 7 (which declares its platforms in `platforms:`). */
export function pixiLock(set: PackageSet, version: 6 | 7 = 6): string {
  const refs = [
    ...conda(set).map((p) => `      - conda: ${url(p)}`),
    ...pip(set).map((p) => `      - pypi: ${pipUrl(p)}`),
  ];
  const records = [
    ...conda(set).flatMap((p) => [
      `- conda: ${url(p)}`,
      ...(p.sha256 ? [`  sha256: ${p.sha256}`] : []),
      ...(p.md5 ? [`  md5: ${p.md5}`] : []),
    ]),
    ...pip(set).flatMap((p) => [
      `- pypi: ${pipUrl(p)}`,
      `  name: ${p.name}`,
      `  version: '${p.version}'`,
    ]),
  ];
  return [
    `version: ${version}`,
    ...(version >= 7 ? ['platforms:', `  - name: ${set.platform}`] : []),
    'environments:',
    '  default:',
    '    channels:',
    '    - url: https://conda.anaconda.org/conda-forge/',
    '    packages:',
    `      ${set.platform}:`,
    ...refs.map((line) => line.replace(/^ {6}/, '      ')),
    'packages:',
    ...records,
    '',
  ].join('\n');
}

export function environmentYml(set: PackageSet): string {
  const channel = (p: PackageRecord) => p.channel?.replace(/^https:\/\/conda\.anaconda\.org\//, '');
  return [
    'name: round-trip',
    'dependencies:',
    ...conda(set).map((p) => `  - ${channel(p)}::${p.name}=${p.version}=${p.build}`),
    ...(pip(set).length
      ? ['  - pip:', ...pip(set).map((p) => `      - ${p.name}==${p.version}`)]
      : []),
    '',
  ].join('\n');
}

export function pipFreeze(set: PackageSet): string {
  return `${pip(set)
    .map((p) => `${p.name}==${p.version}`)
    .join('\n')}\n`;
}

/** A conda-lock.yml as `envgen lock` writes it (its own renderer), for the set's conda packages. */
export function condaLockYml(set: PackageSet): string {
  const platform = set.platform ?? 'linux-64';
  const packages = conda(set).map((p) => ({
    name: p.name,
    version: p.version ?? '',
    build: p.build ?? '',
    url: url(p),
    md5: p.md5,
    sha256: p.sha256,
    subdir: p.subdir ?? platform,
    depends: p.depends ?? [],
    size: p.size,
  }));
  return renderCondaLockYml(
    { version: '0.0.0', specFile: 'envgen.yaml', model: 'm', inputHash: 'a'.repeat(64) },
    {
      channels: [{ url: 'conda-forge', usedEnvVars: [] }],
      sources: ['../../envgen.yaml'],
      platforms: [
        { platform, contentHash: 'b'.repeat(64), entries: condaLockEntries(packages, platform) },
      ],
    },
  );
}
