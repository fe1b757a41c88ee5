/** The checks run on repodata before the solver reads it (src/lock/repodata-checks.ts). */
import { describe, expect, it } from 'vitest';
import { badBaseUrl, repodataDefect, zstdBound } from '../../src/lock/repodata-checks.js';

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const block = (last: boolean, type: number, size: number): number[] => {
  const header = (last ? 1 : 0) | (type << 1) | (size << 3);
  return [header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff];
};

describe('zstdBound', () => {
  it('counts raw and RLE blocks at their size, compressed blocks at 128 KiB', () => {
    const raw = [...block(false, 0, 3), 1, 2, 3];
    const rle = [...block(false, 1, 1000), 7];
    const compressed = [...block(true, 2, 2), 0, 0];
    // Descriptor 0x04: a checksum follows; window descriptor 0x38.
    const frame = Uint8Array.from([
      ...MAGIC,
      0x04,
      0x38,
      ...raw,
      ...rle,
      ...compressed,
      9,
      9,
      9,
      9,
    ]);
    expect(zstdBound(frame)).toBe(3 + 1000 + 128 * 1024);
  });

  it('skips skippable frames and adds up frames', () => {
    const frame = [...MAGIC, 0x00, 0x38, ...block(true, 1, 10), 0];
    const skippable = [0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 0xaa, 0xbb];
    expect(zstdBound(Uint8Array.from([...frame, ...skippable, ...frame]))).toBe(20);
  });

  it('is null for what is not zstd, or is cut short', () => {
    expect(zstdBound(Buffer.from('{"info": {}}'))).toBeNull();
    expect(
      zstdBound(Uint8Array.from([...MAGIC, 0x00, 0x38, ...block(false, 1, 10), 0])),
    ).toBeNull();
    expect(zstdBound(Uint8Array.from([...MAGIC, 0x00, 0x38, ...block(true, 3, 1)]))).toBeNull();
  });
});

describe('badBaseUrl', () => {
  const body = (url: unknown) =>
    Buffer.from(JSON.stringify({ info: { base_url: url }, packages: {} }));
  it.each([
    ['https://files.example.com/x/', null],
    ['../packages/', null],
    ['', null],
  ])('accepts %j', (url, expected) => {
    expect(badBaseUrl(body(url))).toBe(expected);
  });
  it.each(['javascript:alert(1)//', 'file:///etc/', 'data:text/plain,x', 'http://[bad'])(
    'refuses %j',
    (url) => {
      expect(badBaseUrl(body(url))).toMatch(/^info\.base_url /);
    },
  );
  it('finds nothing to refuse without a base_url', () => {
    expect(badBaseUrl(Buffer.from('{"info": {"subdir": "linux-64"}}'))).toBeNull();
  });
});

describe('repodataDefect', () => {
  const record = { name: 'a', version: '1', build: 'b', md5: '0'.repeat(32) };
  const file = (packages: Record<string, unknown>) =>
    Buffer.from(JSON.stringify({ info: {}, 'packages.conda': packages }));
  it('finds sound repodata sound', () => {
    expect(repodataDefect(file({ 'a-1-b.conda': record }))).toBeNull();
  });
  it.each([
    ['empty', Buffer.from(''), /empty/],
    ['not JSON', Buffer.from('{"info": {'), /not valid JSON/],
    ['an array', Buffer.from('[]'), /not a JSON object/],
    ['a short md5', file({ 'a-1-b.conda': { ...record, md5: 'abc' } }), /md5/],
    ['a file name with a newline', file({ 'a-1-b\nx.conda': record }), /file name/],
    [
      'a record without a version',
      file({ 'a-1-b.conda': { ...record, version: undefined } }),
      /version/,
    ],
  ])('names %s', (_, bytes, pattern) => {
    expect(repodataDefect(bytes)).toMatch(pattern);
  });
});
