/**
 * The prefix reader on real conda-meta records (conda's own test data) and on the made prefixes
 * of fixtures/prefixes (SOURCE.md there says which is which). Expected values are read from the
 * fixture files, not from what the reader prints.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeIo } from '../../src/io.js';
import { readInstalledPrefix, readPrefix } from '../../src/packages/prefix.js';
import { UserError } from '../../src/problem.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const PREFIXES = join(import.meta.dirname, '../../fixtures/prefixes');
const io = createNodeIo();

async function refusal(dir: string): Promise<UserError> {
  const error = await readPrefix(io, dir, 'p').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('readPrefix on real records (conda test data, osx-arm64)', () => {
  const dir = join(PREFIXES, 'conda-test-data-osx-arm64');

  it('reads each conda-meta record and the distribution pip installed', async () => {
    const set = await readPrefix(io, dir, 'env');
    expect(set.kind).toBe('prefix');
    expect(set.label).toBe('env');
    expect(set.platform).toBe('osx-arm64');
    expect(set.packages.map((p) => [p.manager, p.name, p.version, p.build])).toEqual([
      ['conda', 'ca-certificates', '2025.1.31', 'hf0a4a13_0'],
      ['conda', 'libexpat', '2.6.4', 'h286801f_0'],
      ['conda', 'libffi', '3.4.2', 'h3422bc3_5'],
      ['conda', 'libzlib', '1.3.1', 'h8359307_2'],
      ['conda', 'python_abi', '3.13', '5_cp313t'],
      ['pip', 'imagesize', '1.4.1', null],
    ]);
    const expat = set.packages.find((p) => p.name === 'libexpat');
    expect(expat).toMatchObject({
      // conda writes the channel with its subdir; the subdir is a field of its own
      channel: 'https://conda.anaconda.org/conda-forge',
      subdir: 'osx-arm64',
      url: 'https://conda.anaconda.org/conda-forge/osx-arm64/libexpat-2.6.4-h286801f_0.conda',
      md5: '38d2656dd914feb0cab8c629370768bf',
      sha256: 'e42ab5ace927ee7c84e3f0f7d813671e1cf3529f5f06ee5899606630498c2745',
      depends: ['__osx >=11.0'],
      size: 64693,
    });
  });

  it('keeps each file with the hash it has in the prefix (sha256_in_prefix where conda rewrote it)', async () => {
    const { installed } = await readInstalledPrefix(io, dir, 'env');
    const ffi = installed.find((p) => p.record.name === 'libffi');
    expect(ffi?.source).toBe('conda-meta/libffi-3.4.2-h3422bc3_5.json');
    const dylib = ffi?.files.find((f) => f.path === 'lib/libffi.8.dylib');
    // In the record: sha256 4b9d295a…, sha256_in_prefix 87b5d5ca… (a prefix placeholder).
    expect(dylib?.sha256?.startsWith('87b5d5ca811f28debbcd')).toBe(true);
    expect(dylib?.size).toBe(120496);
    const link = ffi?.files.find((f) => f.path === 'lib/libffi.dylib');
    expect(link).toMatchObject({ type: 'softlink', sha256: null });
  });

  it("turns pip's RECORD hashes (urlsafe base64) into hex, relative to the prefix", async () => {
    const { installed } = await readInstalledPrefix(io, dir, 'env');
    const imagesize = installed.find((p) => p.record.name === 'imagesize');
    expect(imagesize?.installer).toBeNull();
    const site = 'lib/python3.13t/site-packages';
    // RECORD: imagesize/__init__.py,sha256=YVtEqkaJqgt-HnINEzgydV9eGhsqB_iAIWEDXjbLyzA,102
    expect(imagesize?.files).toContainEqual({
      path: `${site}/imagesize/__init__.py`,
      type: 'hardlink',
      sha256: Buffer.from('YVtEqkaJqgt-HnINEzgydV9eGhsqB_iAIWEDXjbLyzA', 'base64url').toString(
        'hex',
      ),
      size: 102,
    });
    expect(imagesize?.files.find((f) => f.path.endsWith('/RECORD'))?.sha256).toBeNull();
    expect(imagesize?.record.size).toBeGreaterThan(14062);
  });
});

describe('readPrefix on the made prefix', () => {
  it('counts dist-infos conda installed as part of their conda package, not as pip packages', async () => {
    const result = await readInstalledPrefix(io, join(PREFIXES, 'clean'), 'clean');
    const pip = result.set.packages.filter((p) => p.manager === 'pip').map((p) => p.name);
    // flask and pip say INSTALLER conda; werkzeug has no INSTALLER but its record lists it.
    expect(pip).toEqual(['humanize']);
    expect(result.condaDistributions.map((d) => d.name).sort()).toEqual([
      'flask',
      'pip',
      'werkzeug',
    ]);
    expect(result.set.platform).toBe('linux-64');
    expect(result.warnings).toEqual([]);
  });
});

describe('readPrefix refuses what is not an environment', () => {
  it('a folder without conda-meta/', async () => {
    const error = await refusal(join(PREFIXES, 'not-an-environment'));
    expect(error.problems.map((p) => [p.ruleId, p.file])).toEqual([
      ['prefix/not-an-environment', 'p'],
    ]);
  });

  it('a folder that does not exist', async () => {
    const error = await refusal(join(PREFIXES, 'no-such-prefix'));
    expect(error.problems[0]?.ruleId).toBe('prefix/not-an-environment');
  });

  it("conda's corrupt record, with the line where the JSON breaks", async () => {
    const error = await refusal(join(PREFIXES, 'corrupt-record'));
    const [found] = error.problems;
    expect(found?.ruleId).toBe('prefix/corrupt-record');
    expect(found?.file).toBe('p/conda-meta/corrupt-1.2.3-hashhash.json');
    // `{` then `    'build': 0x0,`: the single quote on line 2 is where JSON stops.
    expect(found?.line).toBe(2);
  });

  it('a record without a build string', async () => {
    const dir = tmpDir({ 'conda-meta/x-1-0.json': '{"name": "x", "version": "1"}' });
    const [found] = (await refusal(dir)).problems;
    expect(found?.ruleId).toBe('prefix/corrupt-record');
    expect(found?.message).toContain('"build"');
  });

  it("places pip's files outside site-packages (scripts) in the prefix, and leaves out those outside it", async () => {
    const site = 'lib/python3.11/site-packages';
    const dir = tmpDir({
      'conda-meta/history': '',
      [`${site}/tool-1.0.dist-info/METADATA`]: 'Name: Tool\nVersion: 1.0\n',
      [`${site}/tool-1.0.dist-info/INSTALLER`]: 'uv\n',
      [`${site}/tool-1.0.dist-info/RECORD`]: [
        '../../../bin/tool,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0',
        '"tool/a,b.py",sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0',
        '../../../../etc/passwd,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0',
        '/etc/hosts,,',
        '',
      ].join('\n'),
    });
    const { installed } = await readInstalledPrefix(io, dir, 'p');
    const [tool] = installed;
    expect(tool?.record).toMatchObject({ name: 'tool', manager: 'pip', version: '1.0' });
    expect(tool?.installer).toBe('uv');
    // 47DEQ…: the SHA-256 of nothing.
    const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(tool?.files.map((f) => [f.path, f.sha256])).toEqual([
      ['bin/tool', empty],
      [`${site}/tool/a,b.py`, empty],
    ]);
  });

  it('skips a dist-info without METADATA, with a warning', async () => {
    const dir = tmpDir({
      'conda-meta/history': '',
      'lib/python3.11/site-packages/broken-1.0.dist-info/RECORD': '',
    });
    const result = await readInstalledPrefix(io, dir, 'p');
    expect(result.set.packages).toEqual([]);
    expect(result.warnings.map((w) => [w.ruleId, w.severity])).toEqual([
      ['prefix/invalid-distribution', 'warning'],
    ]);
  });
});
