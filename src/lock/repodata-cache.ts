/**
 * Repodata over HTTP(S) with a cache on disk: each response is kept with its ETag and
 * Last-Modified, and the next request asks the server whether it changed (304: the cached copy
 * is used, nothing is downloaded). conda-forge's repodata is tens of megabytes, so this is the
 * difference between a lock in seconds and one in minutes.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Io } from '../io.js';

export interface CacheOptions {
  /** Folder for the cached bodies and their validators. */
  dir: string;
  /** Use the cache only; never touch the network. */
  offline: boolean;
  /**
   * The most bytes a body may have (after any Content-Encoding is undone): a larger one is not
   * read on, nor cached.
   */
  maxBytes: number;
  /** The whole lock's deadline: once aborted, every request ends. */
  deadline?: AbortSignal;
  /** Bytes received so far for a URL (and the total, when the server says). */
  onProgress?: (url: string, received: number, total: number | null) => void;
}

export type Fetched =
  | {
      kind: 'ok';
      body: Uint8Array;
      from: 'network' | 'cache' | 'revalidated';
      /** The body could not be kept in the cache (read-only home, full disk): why. */
      cacheError?: string;
    }
  /** The server answered, with something other than the file (404, 401, 500...). */
  | { kind: 'status'; status: number }
  /** No answer at all: DNS, refused, TLS, timeout; or offline with nothing cached. */
  | { kind: 'unreachable'; reason: string }
  /** The lock's deadline ran out before the body was in. */
  | { kind: 'deadline' }
  /** The body is larger than {@link CacheOptions.maxBytes}: nothing more is read. */
  | { kind: 'too-large'; limit: number };

interface CacheMeta {
  url: string;
  etag?: string;
  lastModified?: string;
}

/** Default size limit of one repodata file: conda-forge's largest is a few hundred MB. */
export const DEFAULT_REPODATA_LIMIT_BYTES = 512e6;

/**
 * How long a request may go without a byte before the channel counts as unreachable. An idle
 * limit, not a total: a large repodata file on a slow link is still arriving.
 */
const IDLE_TIMEOUT_MS = 60_000;

export async function fetchCached(io: Io, url: string, options: CacheOptions): Promise<Fetched> {
  const { bodyPath, metaPath } = cachePaths(options.dir, url);
  const cached = await readCached(io, bodyPath, metaPath, url);

  if (options.offline) {
    return cached
      ? { kind: 'ok', body: cached.body, from: 'cache' }
      : { kind: 'unreachable', reason: 'offline, and not in the cache' };
  }

  const headers: Record<string, string> = {};
  if (cached?.meta.etag) headers['if-none-match'] = cached.meta.etag;
  if (cached?.meta.lastModified) headers['if-modified-since'] = cached.meta.lastModified;
  if (options.deadline?.aborted) return { kind: 'deadline' };
  const idle = new AbortController();
  const signal = options.deadline ? AbortSignal.any([idle.signal, options.deadline]) : idle.signal;
  let timer = setTimeout(() => idle.abort(), IDLE_TIMEOUT_MS);
  const stillAlive = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), IDLE_TIMEOUT_MS);
  };
  let response: Response;
  let body: Uint8Array;
  try {
    try {
      response = await io.fetch(url, { headers, signal });
    } catch (error) {
      if (options.deadline?.aborted) return { kind: 'deadline' };
      return { kind: 'unreachable', reason: networkReason(error, idle.signal) };
    }
    if (response.status === 304 && cached) {
      await response.body?.cancel();
      return { kind: 'ok', body: cached.body, from: 'revalidated' };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      return { kind: 'status', status: response.status };
    }
    const read = await readBody(response, options.maxBytes, (received, total) => {
      stillAlive();
      options.onProgress?.(url, received, total);
    }).catch((error: unknown) => ({ error }));
    if ('error' in read) {
      if (options.deadline?.aborted) return { kind: 'deadline' };
      return { kind: 'unreachable', reason: networkReason(read.error, idle.signal) };
    }
    if (read.body === null) return { kind: 'too-large', limit: options.maxBytes };
    body = read.body;
  } finally {
    clearTimeout(timer);
  }
  const meta: CacheMeta = {
    url,
    ...(response.headers.get('etag') ? { etag: response.headers.get('etag') as string } : {}),
    ...(response.headers.get('last-modified')
      ? { lastModified: response.headers.get('last-modified') as string }
      : {}),
  };
  try {
    // The body first: a meta file never points at a body that is not there.
    await io.writeFileAtomic(bodyPath, body);
    await io.writeFileAtomic(metaPath, `${JSON.stringify(meta)}\n`);
  } catch (error) {
    // The lock can go on without the cache; the next one downloads again.
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'ok', body, from: 'network', cacheError: reason };
  }
  return { kind: 'ok', body, from: 'network' };
}

/**
 * Where a URL's body and validators are kept: the one place that knows the cache's layout
 * (read offline through {@link fetchCached} with `offline: true`).
 */
function cachePaths(dir: string, url: string): { bodyPath: string; metaPath: string } {
  const key = createHash('sha256').update(url).digest('hex').slice(0, 32);
  return { bodyPath: join(dir, `${key}.body`), metaPath: join(dir, `${key}.json`) };
}

/**
 * A cached repodata body larger than this is not read (a full conda-forge subdir is a few
 * hundred MB); it should match the cap on what is downloaded.
 */
const MAX_CACHED_BODY_BYTES = 1024 * 1024 * 1024;

async function readCached(
  io: Io,
  bodyPath: string,
  metaPath: string,
  url: string,
): Promise<{ body: Uint8Array; meta: CacheMeta } | null> {
  try {
    const meta = JSON.parse((await io.readFile(metaPath)).toString('utf8')) as CacheMeta;
    // A different URL with the same key prefix, or a damaged entry: not ours to use.
    if (meta.url !== url) return null;
    return { body: await io.readFile(bodyPath, MAX_CACHED_BODY_BYTES), meta };
  } catch {
    return null;
  }
}

/** The body, or null once it passes `maxBytes` (declared or received): the rest is not read. */
async function readBody(
  response: Response,
  maxBytes: number,
  onProgress: (received: number, total: number | null) => void,
): Promise<{ body: Uint8Array | null }> {
  const length = Number(response.headers.get('content-length'));
  // A gzip-encoded response's length is the compressed size: no total to show then.
  const total =
    Number.isFinite(length) && length > 0 && !response.headers.get('content-encoding')
      ? length
      : null;
  if (total !== null && total > maxBytes) {
    await response.body?.cancel();
    return { body: null };
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  if (!response.body) return { body: new Uint8Array() };
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    // Counted after decoding: a gzip bomb stops here, at the limit, not at its full size.
    if (received > maxBytes) {
      await reader.cancel();
      return { body: null };
    }
    chunks.push(value);
    onProgress(received, total);
  }
  return { body: Buffer.concat(chunks) };
}

/** `getaddrinfo ENOTFOUND conda.anaconda.org`, `connect ECONNREFUSED 127.0.0.1:9`, ... */
function networkReason(error: unknown, idle: AbortSignal): string {
  if (idle.aborted) return `nothing received for ${IDLE_TIMEOUT_MS / 1000} s`;
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) return cause.message;
    return error.message;
  }
  return String(error);
}
