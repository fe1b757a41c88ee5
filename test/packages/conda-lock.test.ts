/**
 * The conda-lock.yml reader, on real files written by conda-lock (fixtures/conda-lock/*, each
 * with its SOURCE): the expected counts and values below were read off the files themselves.
 * And the corrupt and foreign files it refuses, each a problem at its line (exit 2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scalar } from '../../src/lock/conda-lock-yml.js';
import { parseCondaLock, readCondaLock } from '../../src/packages/conda-lock.js';
import type { PackageSet } from '../../src/packages/package-set.js';
import { UserError } from '../../src/problem.js';
import { codeInfo } from '../../src/problem-codes.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/conda-lock');
const fixture = (name: string): string =>
  readFileSync(join(FIXTURES, name, 'conda-lock.yml'), 'utf8');

const counts = (sets: PackageSet[]) =>
  Object.fromEntries(
    sets.map((s) => [
      s.platform,
      {
        conda: s.packages.filter((p) => p.manager === 'conda').length,
        pip: s.packages.filter((p) => p.manager === 'pip').length,
      },
    ]),
  );

/** The problems a text is refused with. */
function refusal(text: string): { ruleId: string; line?: number; message: string }[] {
  try {
    readCondaLock(text, 'envs/a/conda-lock.yml');
  } catch (error) {
    if (error instanceof UserError) return error.problems;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseCondaLock on files conda-lock wrote', () => {
  it('conda/conda-lock test-update-filter-platform: zlib on two platforms', () => {
    const sets = parseCondaLock(fixture('update-filter-platform'), 'conda-lock.yml');
    expect(sets.map((s) => [s.kind, s.platform, s.label])).toEqual([
      ['conda-lock', 'linux-64', 'conda-lock.yml'],
      ['conda-lock', 'osx-64', 'conda-lock.yml'],
    ]);
    expect(sets[0]?.packages).toEqual([
      {
        name: 'zlib',
        manager: 'conda',
        version: '1.2.8',
        build: '3',
        channel: 'https://conda.anaconda.org/conda-forge',
        subdir: 'linux-64',
        url: 'https://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.8-3.tar.bz2',
        md5: '6b3dbbf50432b3e2a271b5e46877bcfc',
        sha256: '85fcb6906b8686fe6341db89b4e6fc2631ad69ee6eab2f4823bfd64ae0b20ac8',
        depends: [],
        size: null,
      },
    ]);
    expect(sets[1]?.packages[0]?.md5).toBe('03b6fcc7a5e1a471e74049665e1c06b0');
    const lock = readCondaLock(fixture('update-filter-platform'), 'conda-lock.yml');
    expect(lock.channels).toEqual([{ url: 'conda-forge', usedEnvVars: [] }]);
    expect(lock.sources).toEqual(['environment-preupdate.yml']);
    expect(lock.contentHash['osx-64']).toBe(
      '3374c9a110308beb184dfdf37a58250fecb0b6e79ef06a55858a955ba7668ad9',
    );
  });

  it('conda/conda-lock test-install-with-pip-deps: conda and pip packages, dependency maps', () => {
    const sets = parseCondaLock(fixture('install-with-pip-deps'), 'conda-lock.yml');
    expect(counts(sets)).toEqual({
      'linux-64': { conda: 24, pip: 4 },
      'linux-aarch64': { conda: 23, pip: 4 },
    });
    const linux = sets[0]?.packages ?? [];
    const python = linux.find((p) => p.name === 'python');
    expect(python).toMatchObject({
      version: '3.12.0',
      build: 'hab00c5b_0_cpython',
      subdir: 'linux-64',
      md5: '7f97faab5bebcc2580f4f299285323da',
    });
    // The map rebuilt as match specs; an empty spec is the bare name.
    expect(python?.depends?.slice(0, 2)).toEqual([
      'bzip2 >=1.0.8,<2.0a0',
      'ld_impl_linux-64 >=2.36.1',
    ]);
    expect(python?.depends).toContain('tzdata');
    expect(python?.depends).toHaveLength(15);
    const requests = linux.find((p) => p.name === 'requests');
    expect(requests).toMatchObject({
      manager: 'pip',
      version: '2.31.0',
      build: null,
      channel: null,
      md5: null,
      sha256: '58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f',
    });
    expect(requests?.depends).toEqual([
      'charset-normalizer >=2,<4',
      'idna >=2.5,<4',
      'urllib3 >=1.21.1,<3',
      'certifi >=2017.4.17',
    ]);
  });

  it("Cecca/repro-course-ci: a project's own lock, four platforms, a pip package on each", () => {
    const sets = parseCondaLock(fixture('repro-course-ci'), 'conda-lock.yml');
    expect(counts(sets)).toEqual({
      'linux-64': { conda: 42, pip: 1 },
      'osx-64': { conda: 32, pip: 1 },
      'osx-arm64': { conda: 32, pip: 1 },
      'win-64': { conda: 36, pip: 1 },
    });
    const win = sets.find((s) => s.platform === 'win-64')?.packages ?? [];
    const joblib = win.find((p) => p.name === 'joblib');
    // noarch packages are listed under each platform, from the noarch folder.
    expect(joblib).toMatchObject({ subdir: 'noarch', build: 'pyhd8ed1ab_0' });
    expect(joblib?.depends).toEqual(['setuptools', 'python >=3.8']);
    expect(win.find((p) => p.name === 'pyattimo')).toMatchObject({
      manager: 'pip',
      version: '0.6.0',
    });
  });

  it('normalises pip names as PEP 503 does', () => {
    const text = fixture('install-with-pip-deps').replace(
      '- name: charset-normalizer\n',
      '- name: Charset_Normalizer\n',
    );
    const names = parseCondaLock(text, 'x')[0]?.packages.filter((p) => p.manager === 'pip');
    expect(names?.map((p) => p.name)).toContain('charset-normalizer');
  });
});

describe('readCondaLock refuses what is not a version 1 conda-lock file', () => {
  const good = fixture('update-filter-platform');

  it.each([
    ['not YAML', 'version: 1\npackage: [\n', 'conda-lock/yaml-syntax'],
    ['empty', '', 'conda-lock/empty'],
    ['a list, not a map', '- a\n- b\n', 'conda-lock/invalid-type'],
    ['no version', 'package: []\n', 'conda-lock/missing-key'],
    ['no package list', 'version: 1\nmetadata: {}\n', 'conda-lock/missing-key'],
    ['package not a list', 'version: 1\npackage: 3\n', 'conda-lock/invalid-type'],
  ])('%s', (_what, text, code) => {
    const problems = refusal(text);
    expect(problems.map((p) => p.ruleId)).toEqual([code]);
    expect(codeInfo(problems[0]?.ruleId as 'conda-lock/empty').exit).toBe('usage');
  });

  it('another version of the format, at the line of its version', () => {
    const [problem] = refusal(good.replace('version: 1\n', 'version: 2\n'));
    expect(problem?.ruleId).toBe('conda-lock/invalid-value');
    expect(problem?.line).toBe(13);
    expect(problem?.message).toContain('version 2');
  });

  it('entries without name, version or platform, each at its own line', () => {
    const text = good
      .replace('- name: zlib\n  version: 1.2.8\n', '- version: 1.2.8\n')
      .replace('  platform: osx-64\n', '');
    const problems = refusal(text);
    expect(problems.map((p) => [p.ruleId, p.line])).toEqual([
      ['conda-lock/missing-key', 27],
      ['conda-lock/missing-key', 37],
    ]);
    expect(problems[0]?.message).toContain('`name`');
    expect(problems[1]?.message).toContain('`platform`');
  });

  it('a manager that is neither conda nor pip', () => {
    const [problem] = refusal(good.replace('manager: conda', 'manager: npm'));
    expect(problem?.ruleId).toBe('conda-lock/invalid-value');
    expect(problem?.line).toBe(29);
  });
});

describe('scalar', () => {
  it.each([
    '0.1',
    '3.4',
    '1.0.8',
    '2023.7.22',
    '>=12',
    '',
    '*',
    'yes',
    'no',
    'null',
    '1e5',
    '0x1f',
    '1:20',
    '2001-12-14',
    'a: b',
    'a #b',
    "it's",
    'line\nbreak',
    '-dash',
    'https://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.8-3.tar.bz2',
    'http://127.0.0.1:8080/conda-forge',
    '12345678901234567890123456789012',
  ])('%j reads back as the same text in YAML 1.1 and 1.2', (text) => {
    const line = `k: ${scalar(text)}\n`;
    expect(parse(line, { version: '1.2' }).k).toBe(text);
    expect(parse(line, { version: '1.1' }).k).toBe(text);
  });

  it('leaves versions and URLs plain where conda-lock does', () => {
    expect(scalar('1.0.8')).toBe('1.0.8');
    expect(scalar('https://conda.anaconda.org/x/linux-64/a-1-0.conda')).toBe(
      'https://conda.anaconda.org/x/linux-64/a-1-0.conda',
    );
    expect(scalar('0.1')).toBe("'0.1'");
    expect(scalar('>=12')).toBe("'>=12'");
    expect(scalar('')).toBe("''");
  });
});
