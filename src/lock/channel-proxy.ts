/**
 * The channels the solver sees: one HTTP server on 127.0.0.1, started for one `envgen lock`.
 *
 * rattler's JavaScript binding fetches repodata itself and takes no virtual packages as an
 * argument: it solves against what the channels hold, plus nothing about the target machine.
 * Two routes give it the rest, without patching rattler or writing files for it to read:
 *
 * - `/c/<n>/...` forwards to the n-th real channel (or its mirror) through {@link fetchCached}:
 *   one cache, one progress display, and one place that knows why a channel failed, for every
 *   file rattler asks for (sharded index, `.zst`, `.json`); rattler's own errors only say
 *   "error sending request".
 * - `/v/<subdir>/repodata.json` is a channel whose packages are the target's virtual packages
 *   (`__cuda`, `__glibc`, ...): real records to the solver, so a package that depends on
 *   `__cuda >=11.8` is solvable exactly when the target has it. They are dropped from the lock.
 *
 * Package URLs in the solution point at this server; {@link ChannelProxy.upstreamOf} maps them
 * back to the channel they came from.
 */

import type { Io, LoopbackResponse } from '../io.js';
import { type Progress, QUIET_PROGRESS } from '../progress.js';
import type { LockChannel } from './channels.js';
import { type CacheOptions, fetchCached } from './repodata-cache.js';
import { badBaseUrl, repodataDefect, zstdBound } from './repodata-checks.js';
import { type VirtualPackage, virtualRepodata } from './virtual-packages.js';

export interface ChannelTrouble {
  channel: LockChannel;
  url: string;
  /**
   * `unreachable`: no answer; `status`: an HTTP error other than 404 for repodata.json;
   * `too-large`: more than the size limit, sent or once decompressed; `corrupt`: repodata the
   * solver cannot read safely; `deadline`: the lock's time limit ran out.
   */
  kind: 'unreachable' | 'status' | 'too-large' | 'corrupt' | 'deadline';
  detail: string;
}

/** A platform folder of a channel that served no repodata at all. */
export interface MissingSubdir {
  channel: LockChannel;
  subdir: string;
}

export interface ChannelProxy {
  /** The address the solver is given for each channel, in the channels' order. */
  channelUrls: string[];
  /** The virtual-package channel for a set of packages (one per model and platform). */
  virtualUrl(packages: readonly VirtualPackage[]): string;
  /** A solved package's URL on the real channel (or mirror). */
  upstreamOf(url: string): string;
  /** The reverse: a URL of a lock on disk as the solver knows it. */
  downstreamOf(url: string): string;
  /** The channel a solved package's URL belongs to. */
  channelOf(url: string): LockChannel | undefined;
  /** The solver's text with this server's addresses replaced by what they stand for. */
  describe(text: string): string;
  /** What went wrong with each channel so far. */
  troubles(): ChannelTrouble[];
  /** Platform folders asked for that had no repodata (404 throughout, or offline and not cached). */
  missing(): MissingSubdir[];
  /** Why the cache could not be written, when it could not. */
  cacheErrors(): string[];
  /**
   * After a solve that could not read its repodata: what is wrong with the plain repodata.json
   * files these channels served (read back from the cache), as troubles.
   */
  diagnose(channels: readonly LockChannel[]): Promise<ChannelTrouble[]>;
  close(): Promise<void>;
}

export async function startChannelProxy(
  io: Io,
  channels: readonly LockChannel[],
  cache: Omit<CacheOptions, 'onProgress'>,
  progress: Progress,
): Promise<ChannelProxy> {
  const inFlight = new Map<string, Promise<LoopbackResponse>>();
  const troubles: ChannelTrouble[] = [];
  const cacheErrors = new Set<string>();
  // `<channel index>/<subdir>` of every platform folder that served repodata.
  const found = new Set<string>();
  // Folders whose repodata.json itself was not there (404, or offline and not cached): only a
  // finished request counts, so one still in flight when a solve fails is not called missing.
  const absent = new Set<string>();
  // Plain repodata.json files served to the solver, for `diagnose`.
  const served = new Map<string, { channel: LockChannel; subdir: string; url: string }>();
  const virtualSets: VirtualPackage[][] = [];

  const forward = async (index: number, rest: string): Promise<LoopbackResponse> => {
    const channel = channels[index] as LockChannel;
    const url = `${channel.url}/${rest}`;
    const label = `${channel.name}/${rest}`;
    const subdir = rest.split('/')[0] ?? '';
    // Index files are shown; the shards a sharded index points at (hundreds) are not.
    const isRepodata = /(^|\/)repodata[^/]*$/.test(rest);
    // The solver tries the sharded index and compressed files first, then repodata.json.
    const isPlainRepodata = rest === `${subdir}/repodata.json`;
    const shown = isRepodata ? progress : QUIET_PROGRESS;
    // A bzip2 file's decompressed size cannot be bounded before decompressing it: the solver is
    // told it is not there, and takes the .zst or plain file.
    if (rest.endsWith('.bz2')) return { status: 404 };
    const trouble = (kind: ChannelTrouble['kind'], detail: string): LoopbackResponse => {
      begin();
      shown.finish(label, 'fetch', false, io.now() - since);
      troubles.push({ channel, url, kind, detail });
      return { status: 502 };
    };
    // Shown from its first byte: a variant that is not there (404) shows nothing.
    let started = false;
    const begin = (): void => {
      if (!started) shown.start(label, 'fetching');
      started = true;
    };
    const since = io.now();
    const limit = `${megabytes(cache.maxBytes)} (ENVGEN_REPODATA_LIMIT_MB)`;
    const result = await fetchCached(io, url, {
      ...cache,
      onProgress: (_url, received, total) => {
        begin();
        shown.update(
          label,
          `fetching ${megabytes(received)}${total ? ` of ${megabytes(total)}` : ''}`,
        );
      },
    });
    const took = io.now() - since;
    if (result.kind === 'too-large') return trouble('too-large', `larger than ${limit}`);
    if (result.kind === 'deadline') return trouble('deadline', 'the time limit ran out');
    if (result.kind === 'ok') {
      const defect = checkBody(rest, result.body, cache.maxBytes);
      if (defect)
        return trouble(
          defect.kind,
          defect.kind === 'too-large' ? `${defect.detail} ${limit}` : defect.detail,
        );
      if (isPlainRepodata) served.set(`${index}/${subdir}`, { channel, subdir, url });
      if (isRepodata) found.add(`${index}/${subdir}`);
      if (result.cacheError) cacheErrors.add(result.cacheError);
      begin();
      shown.finish(label, result.from === 'network' ? 'fetched' : 'from cache', true, took);
      return { status: 200, body: result.body };
    }
    // A variant that is not there is normal: the solver asks for the next. Some mirrors (object
    // stores) answer 403 rather than 404 for a file they do not have, so only repodata.json's
    // own status counts; no answer at all counts anywhere.
    const notThere =
      (result.kind === 'status' && (result.status === 404 || !isPlainRepodata)) ||
      (result.kind === 'unreachable' && cache.offline);
    if (!notThere) {
      return trouble(
        result.kind,
        result.kind === 'status' ? `HTTP ${result.status}` : result.reason,
      );
    }
    if (isPlainRepodata) absent.add(`${index}/${subdir}`);
    return { status: 404 };
  };

  const handler = async (path: string): Promise<LoopbackResponse> => {
    const virtual = /^\/v\/([0-9]+)\/([a-z0-9-]+)\/repodata\.json$/.exec(path);
    if (virtual) {
      const set = virtualSets[Number(virtual[1])];
      return set
        ? { status: 200, body: virtualRepodata(virtual[2] as string, set) }
        : { status: 404 };
    }
    const channel = /^\/c\/([0-9]+)\/(.+)$/.exec(path);
    const index = Number(channel?.[1]);
    const rest = channel?.[2] ?? '';
    if (!channel || !channels[index] || rest.split('/').some((part) => part === '..')) {
      return { status: 404 };
    }
    const key = `${index}/${rest}`;
    let answer = inFlight.get(key);
    if (!answer) {
      answer = forward(index, rest);
      inFlight.set(key, answer);
    }
    return answer;
  };

  const server = await io.serveLoopback(handler);
  const prefixes = channels.map((_, index) => `${server.url}/c/${index}/`);
  return {
    channelUrls: prefixes.map((prefix) => prefix.slice(0, -1)),
    virtualUrl(packages) {
      virtualSets.push([...packages]);
      return `${server.url}/v/${virtualSets.length - 1}`;
    },
    upstreamOf(url) {
      const index = prefixes.findIndex((prefix) => url.startsWith(prefix));
      if (index < 0) return url;
      return `${(channels[index] as LockChannel).url}/${url.slice((prefixes[index] as string).length)}`;
    },
    downstreamOf(url) {
      const index = channels.findIndex((c) => url.startsWith(`${c.url}/`));
      if (index < 0) return url;
      return `${prefixes[index]}${url.slice((channels[index] as LockChannel).url.length + 1)}`;
    },
    channelOf(url) {
      const index = prefixes.findIndex((prefix) => url.startsWith(prefix));
      return index < 0 ? undefined : channels[index];
    },
    describe(text) {
      return text
        .replaceAll(/http:\/\/127\.0\.0\.1:[0-9]+\/c\/([0-9]+)\/?/g, (whole, index: string) =>
          channels[Number(index)] ? `${(channels[Number(index)] as LockChannel).url}/` : whole,
        )
        .replaceAll(/http:\/\/127\.0\.0\.1:[0-9]+\/v\/[0-9]+\/?/g, 'the virtual packages');
    },
    troubles: () => [...troubles],
    missing: () =>
      [...absent]
        .filter((key) => !found.has(key))
        .map((key) => {
          const [index, subdir] = key.split('/') as [string, string];
          return { channel: channels[Number(index)] as LockChannel, subdir };
        }),
    cacheErrors: () => [...cacheErrors],
    async diagnose(wanted) {
      const defects: ChannelTrouble[] = [];
      for (const { channel, subdir, url } of served.values()) {
        if (!wanted.some((c) => c.url === channel.url)) continue;
        const cached = await fetchCached(io, url, { ...cache, offline: true });
        const defect = cached.kind === 'ok' ? repodataDefect(cached.body) : null;
        if (defect) defects.push({ channel, url, kind: 'corrupt', detail: `${subdir}: ${defect}` });
      }
      troubles.push(...defects);
      return defects;
    },
    close: () => server.close(),
  };
}

/** What makes a body the solver must not see, if anything. */
function checkBody(
  rest: string,
  body: Uint8Array,
  maxBytes: number,
): { kind: 'too-large' | 'corrupt'; detail: string } | null {
  // The limit may have been lowered since the body was cached.
  if (body.byteLength > maxBytes) return { kind: 'too-large', detail: 'larger than' };
  if (rest.endsWith('.zst')) {
    const bound = zstdBound(body);
    if (bound === null) return { kind: 'corrupt', detail: `${rest} is not a zstd file` };
    if (bound > maxBytes) return { kind: 'too-large', detail: 'would decompress to more than' };
  } else if (/(^|\/)repodata\.json$/.test(rest)) {
    const base = badBaseUrl(body);
    if (base) return { kind: 'corrupt', detail: `${rest}: ${base}` };
  }
  return null;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
