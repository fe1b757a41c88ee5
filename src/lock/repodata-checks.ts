/**
 * Checks on repodata before the solver (rattler, in WASM) reads it. The solver trusts what a
 * channel serves: a zstd bomb or a `base_url` it cannot join ends in a WASM panic, and a corrupt
 * file only in "failed to parse repodata.json", with no channel or platform named. These checks
 * are cheap (no decompression, no JSON parse of a large file) and name what is wrong.
 */

/** One zstd frame's magic number, little-endian; skippable frames are 0x184D2A50-0x184D2A5F. */
const ZSTD_MAGIC = 0xfd2fb528;
const BLOCK_MAX = 128 * 1024;

/**
 * The most bytes a zstd stream can decompress to, from its block headers alone: a raw or RLE
 * block says its size, a compressed block holds at most 128 KiB (RFC 8878, 3.1.1.2). For an
 * honest file this is about its real size; for a bomb of RLE blocks it is the bomb's. null: not
 * a zstd stream this reading understands.
 */
export function zstdBound(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let total = 0;
  while (at < bytes.byteLength) {
    if (at + 4 > bytes.byteLength) return null;
    const magic = view.getUint32(at, true);
    if (magic >>> 4 === 0x184d2a5) {
      if (at + 8 > bytes.byteLength) return null;
      at += 8 + view.getUint32(at + 4, true);
      continue;
    }
    if (magic !== ZSTD_MAGIC) return null;
    at += 4;
    const descriptor = bytes[at++];
    if (descriptor === undefined) return null;
    const singleSegment = (descriptor & 0x20) !== 0;
    const checksum = (descriptor & 0x04) !== 0;
    const dictionaryBytes = [0, 1, 2, 4][descriptor & 0x03] as number;
    const sizeFlag = descriptor >> 6;
    const sizeBytes = sizeFlag === 0 ? (singleSegment ? 1 : 0) : ([0, 2, 4, 8][sizeFlag] as number);
    at += (singleSegment ? 0 : 1) + dictionaryBytes + sizeBytes;
    for (;;) {
      if (at + 3 > bytes.byteLength) return null;
      const header =
        (bytes[at] as number) |
        ((bytes[at + 1] as number) << 8) |
        ((bytes[at + 2] as number) << 16);
      at += 3;
      const last = (header & 1) === 1;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 0) {
        total += size;
        at += size;
      } else if (type === 1) {
        total += size;
        at += 1;
      } else if (type === 2) {
        total += BLOCK_MAX;
        at += size;
      } else {
        return null;
      }
      if (last) break;
    }
    if (checksum) at += 4;
    if (at > bytes.byteLength) return null;
  }
  return total;
}

/**
 * What is wrong with a `base_url` in plain repodata.json (CEP 15), if anything: the solver joins
 * it with each file name, and panics on one that is no base (`javascript:...`). Found without
 * parsing the file: the key appears once, in `info`; a file name holding it would be escaped.
 */
export function badBaseUrl(body: Uint8Array): string | null {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let from = 0;
  for (let count = 0; count < 16; count++) {
    const at = text.indexOf('"base_url"', from, 'latin1');
    if (at < 0) return null;
    from = at + 10;
    const rest = text.subarray(from, from + 4096).toString('utf8');
    const value = /^\s*:\s*("(?:[^"\\]|\\.)*")/.exec(rest)?.[1];
    if (value === undefined) continue;
    let url: string;
    try {
      url = JSON.parse(value) as string;
    } catch {
      return 'info.base_url is not a JSON string';
    }
    const problem = baseUrlProblem(url);
    if (problem) return problem;
  }
  return null;
}

function baseUrlProblem(url: string): string | null {
  // A reference relative to the repodata's own folder is allowed (CEP 15), unless it names a scheme.
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `info.base_url ${JSON.stringify(url)} is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `info.base_url ${JSON.stringify(url.slice(0, 80))} is not an http(s) URL`;
  }
  return null;
}

/**
 * Why the solver could not read a plain repodata.json, in words a user can act on; null when it
 * looks sound. Run only after a failed solve: it parses the whole file.
 */
export function repodataDefect(body: Uint8Array): string | null {
  if (body.byteLength === 0) return 'the file is empty';
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    // V8's message quotes the text it choked on: only its position is kept.
    const at = /position ([0-9]+)/.exec(error instanceof Error ? error.message : '')?.[1];
    return `not valid JSON${at ? ` (at character ${at})` : ''}`;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return 'not a JSON object';
  }
  const base = badBaseUrl(body);
  if (base) return base;
  const record = data as Record<string, unknown>;
  for (const key of ['packages', 'packages.conda']) {
    const packages = record[key];
    if (packages === undefined) continue;
    if (typeof packages !== 'object' || packages === null || Array.isArray(packages)) {
      return `"${key}" is not an object`;
    }
    for (const [file, entry] of Object.entries(packages)) {
      const defect = recordDefect(file, entry);
      if (defect) return `"${key}" entry ${JSON.stringify(file.slice(0, 120))}: ${defect}`;
    }
  }
  return null;
}

function recordDefect(file: string, entry: unknown): string | null {
  if (/[\\/\s]/.test(file) || file === '' || file.startsWith('.')) {
    return 'the file name is not a plain file name';
  }
  if (typeof entry !== 'object' || entry === null) return 'not an object';
  const { name, version, build, md5, sha256 } = entry as Record<string, unknown>;
  for (const [field, value] of Object.entries({ name, version, build })) {
    if (typeof value !== 'string' || value === '') return `${field} is missing or not a string`;
  }
  if (md5 !== undefined && !(typeof md5 === 'string' && /^[0-9a-fA-F]{32}$/.test(md5))) {
    return 'md5 is not 32 hexadecimal digits';
  }
  if (sha256 !== undefined && !(typeof sha256 === 'string' && /^[0-9a-fA-F]{64}$/.test(sha256))) {
    return 'sha256 is not 64 hexadecimal digits';
  }
  return null;
}
