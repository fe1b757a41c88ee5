import { join } from 'node:path';
import type { DirEntry, Io } from '../../io.js';
import type { DetectionCollector } from './collector.js';
import { compare } from './compare.js';

/** Config files bigger than this are not what they claim to be. */
const CONFIG_LIMIT = 1024 * 1024;
const PY_LIMIT = 256 * 1024;

/**
 * The repo's files, read through `Io` by their path relative to the repo root.
 *
 * - decodes text as UTF-8 or BOM-marked UTF-16, and refuses binary or oversized files
 * - lists a folder in a stable order
 * - turns what cannot be read into evidence, never an error
 */
export class RepoFiles {
  constructor(
    private readonly io: Io,
    private readonly root: string,
    private readonly found: Pick<DetectionCollector, 'evidence'>,
  ) {}

  /** The file's text; undefined (and evidence, unless it is simply missing) when unusable. */
  async readText(rel: string, reportMissing = false): Promise<string | undefined> {
    let buffer: Buffer;
    const limit = rel.endsWith('.py') ? PY_LIMIT : CONFIG_LIMIT;
    try {
      // The limit holds while reading; a FIFO or a device is refused before any read.
      buffer = await this.io.readFile(join(this.root, rel), limit);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (!reportMissing && (code === 'ENOENT' || code === 'ENOTDIR')) return undefined;
      if (code === 'EFBIG') {
        this.found.evidence(`${rel}: larger than ${limit / 1024} KiB, ignored`);
        return undefined;
      }
      this.found.evidence(`${rel}: could not be read (${code}), ignored`);
      return undefined;
    }
    const text = decodeText(buffer);
    if (text === undefined) this.found.evidence(`${rel}: not UTF-8 text, ignored`);
    return text;
  }

  /** `reportMissing`: whether a folder that does not exist is worth an evidence line. */
  async listDir(rel: string, reportMissing = true): Promise<DirEntry[]> {
    try {
      const entries = await this.io.readDir(join(this.root, rel));
      return entries.sort((a, b) => compare(a.name, b.name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (!reportMissing && (code === 'ENOENT' || code === 'ENOTDIR')) return [];
      this.found.evidence(`${rel || '.'}: could not be listed (${code}), skipped`);
      return [];
    }
  }
}

/** UTF-8 (BOM or not) or UTF-16 with a BOM, which PowerShell's `pip freeze >` writes. */
function decodeText(buffer: Uint8Array): string | undefined {
  if (buffer[0] === 0xff && buffer[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(buffer.subarray(2));
  }
  if (buffer[0] === 0xfe && buffer[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(buffer.subarray(2));
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return text.includes('\u0000') ? undefined : text;
  } catch {
    return undefined;
  }
}
