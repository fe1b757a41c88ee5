/**
 * The online advisory source: OSV's API (https://google.github.io/osv.dev/api/). One
 * `POST /v1/querybatch` per thousand packages (its limit) answers with each package's advisory
 * ids in the queries' order, paged with `next_page_token`; then `GET /v1/vulns/{id}` once per
 * distinct id, kept in envgen's fetch cache (the one `lock` keeps repodata in: ETag and
 * Last-Modified) under `$ENVGEN_CACHE_DIR/osv`, and not asked for again while the cached
 * record's `modified` is the one the batch names. Requests go through io.fetch (which honours
 * HTTPS_PROXY / NO_PROXY), a few at a time, each with a timeout and a bounded number of retries.
 * An unreachable service is an `environment` problem (exit 3); a 5xx or an answer that is not
 * OSV's is a problem too, never an empty list of findings.
 */
import { cacheDir } from '../../cache-dir.js';
import { mapLimit } from '../../concurrency.js';
import type { Io } from '../../io.js';
import { fetchCached } from '../../lock/repodata-cache.js';
import { problem, UserError } from '../../problem.js';
import type { ProblemCode } from '../../problem-codes.js';
import type { AdvisoryAnswer, AdvisoryQuery, AdvisorySource } from '../advisories.js';
import { answerFrom, queryVersion } from './answer.js';
import { checkRecord, type OsvRecord, PYPI } from './record.js';

const OSV_API = 'https://api.osv.dev';

export interface OsvOnlineOptions {
  /** The API's base URL; default $ENVGEN_OSV_URL, else https://api.osv.dev. */
  baseUrl?: string;
  /** Where records are cached; default $ENVGEN_CACHE_DIR/osv, else the XDG cache folder. */
  cacheDir?: string;
  /** How long one request may take, in ms (default 30 s). */
  timeoutMs?: number;
  /** How many times a failed request is tried again (default 2). */
  retries?: number;
  /** The wait before the n-th retry is n times this, in ms (default 1 s). */
  retryDelayMs?: number;
  /** Record requests in flight at once (default 8). */
  concurrency?: number;
  /** Queries per querybatch request (default and most: 1000, OSV's limit). */
  batchSize?: number;
}

/** OSV's limit on the queries of one batch. */
const MAX_BATCH = 1000;
/** The most bytes an API answer may have: a batch of 1000 packages' ids, or one record. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
/** Pages of one package's ids: OSV pages at about a thousand ids, so this is a runaway server. */
const MAX_PAGES = 50;

/** Where OSV records are cached: $ENVGEN_CACHE_DIR/osv, else the XDG cache folder's envgen/osv. */
export function osvCacheDir(io: Io): string {
  return cacheDir(io.env, 'osv');
}

interface Settings {
  base: string;
  cacheDir: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  concurrency: number;
  batchSize: number;
}

export function osvOnline(io: Io, options: OsvOnlineOptions = {}): AdvisorySource {
  const base = (options.baseUrl ?? io.env.ENVGEN_OSV_URL ?? OSV_API).replace(/\/+$/, '');
  const settings: Settings = {
    base,
    cacheDir: options.cacheDir ?? osvCacheDir(io),
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 2,
    retryDelayMs: options.retryDelayMs ?? 1000,
    concurrency: options.concurrency ?? 8,
    batchSize: Math.max(1, Math.min(options.batchSize ?? MAX_BATCH, MAX_BATCH)),
  };
  return { label: base, lookup: (queries) => lookup(io, settings, queries) };
}

const FIX_UNREACHABLE =
  'check the network and the proxy (HTTPS_PROXY, NO_PROXY), or check offline: --db PyPI-all.zip (https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip)';
const FIX_BAD_ANSWER =
  'try again later, or check offline: --db PyPI-all.zip (https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip); set ENVGEN_OSV_URL only to a service that answers as api.osv.dev does';

function failure(code: ProblemCode, message: string): UserError {
  return new UserError([
    problem(code, message, {
      fix: code === 'vulns/osv-bad-answer' ? FIX_BAD_ANSWER : FIX_UNREACHABLE,
    }),
  ]);
}

async function lookup(
  io: Io,
  settings: Settings,
  queries: readonly AdvisoryQuery[],
): Promise<AdvisoryAnswer[]> {
  if (!/^https?:\/\/[^/]/.test(settings.base)) {
    throw failure(
      'vulns/osv-unreachable',
      `the OSV API's URL ${JSON.stringify(settings.base)} is not an http(s) URL`,
    );
  }
  // Versions PEP 440 does not accept are answered "not checked" without asking.
  const asked = queries
    .map((query, index) => ({ query, index, read: queryVersion(query) }))
    .filter((item) => 'version' in item.read);
  const ids: Map<string, string>[] = queries.map(() => new Map());
  for (let start = 0; start < asked.length; start += settings.batchSize) {
    const batch = asked.slice(start, start + settings.batchSize);
    const found = await queryBatch(
      io,
      settings,
      batch.map(({ query, read }) => ({
        name: query.name,
        // OSV names public releases: a +cu124 build is its public version.
        version: 'version' in read ? read.version.public : query.version,
      })),
    );
    batch.forEach((item, i) => {
      ids[item.index] = found[i] as Map<string, string>;
    });
  }

  const wanted = new Map<string, string>();
  for (const map of ids) for (const [id, modified] of map) wanted.set(id, modified);
  const records = new Map<string, OsvRecord>();
  await mapLimit([...wanted], settings.concurrency, async ([id, modified]) => {
    records.set(id, await vuln(io, settings, id, modified));
  });

  return queries.map((query, index) =>
    answerFrom(
      query,
      [...(ids[index] as Map<string, string>).keys()].map((id) => records.get(id) as OsvRecord),
      true,
    ),
  );
}

/** Each query's advisory ids (id → modified), every page of them, in the queries' order. */
async function queryBatch(
  io: Io,
  settings: Settings,
  queries: readonly AdvisoryQuery[],
): Promise<Map<string, string>[]> {
  const found = queries.map(() => new Map<string, string>());
  let pending = queries.map((query, index) => ({
    index,
    query,
    token: undefined as string | undefined,
  }));
  for (let page = 0; pending.length > 0; page++) {
    if (page >= MAX_PAGES) {
      throw failure(
        'vulns/osv-bad-answer',
        `${settings.base}/v1/querybatch kept answering with more pages (${MAX_PAGES} pages)`,
      );
    }
    const body = {
      queries: pending.map(({ query, token }) => ({
        package: { name: query.name, ecosystem: PYPI },
        version: query.version,
        ...(token ? { page_token: token } : {}),
      })),
    };
    const url = `${settings.base}/v1/querybatch`;
    const answer = await requestJson(io, settings, url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const results = readBatch(answer, pending.length);
    if (typeof results === 'string') {
      throw failure(
        'vulns/osv-bad-answer',
        `${url} answered with something other than OSV's batch: ${results}`,
      );
    }
    const next: typeof pending = [];
    results.forEach((result, i) => {
      const item = pending[i] as (typeof pending)[number];
      for (const vuln of result.vulns) found[item.index]?.set(vuln.id, vuln.modified);
      if (result.token) next.push({ ...item, token: result.token });
    });
    pending = next;
  }
  return found;
}

interface BatchResult {
  vulns: { id: string; modified: string }[];
  token?: string;
}

/** The batch answer's results, or what is wrong with it. */
function readBatch(answer: unknown, expected: number): BatchResult[] | string {
  if (typeof answer !== 'object' || answer === null || !('results' in answer)) {
    return 'no "results"';
  }
  const results = (answer as { results: unknown }).results;
  if (!Array.isArray(results)) return '"results" is not a list';
  if (results.length !== expected) {
    return `${results.length} results for ${expected} queries`;
  }
  const read: BatchResult[] = [];
  for (const [i, result] of results.entries()) {
    if (typeof result !== 'object' || result === null) return `results[${i}] is not an object`;
    const { vulns = [], next_page_token: token } = result as {
      vulns?: unknown;
      next_page_token?: unknown;
    };
    if (!Array.isArray(vulns)) return `results[${i}].vulns is not a list`;
    if (token !== undefined && typeof token !== 'string') {
      return `results[${i}].next_page_token is not a string`;
    }
    const listed: BatchResult['vulns'] = [];
    for (const vuln of vulns) {
      const { id, modified } = (vuln ?? {}) as { id?: unknown; modified?: unknown };
      if (typeof id !== 'string' || !/^[A-Za-z0-9._:-]+$/.test(id)) {
        return `results[${i}].vulns holds an entry without a valid id`;
      }
      listed.push({ id, modified: typeof modified === 'string' ? modified : '' });
    }
    read.push({ vulns: listed, ...(token ? { token } : {}) });
  }
  return read;
}

/** A request whose answer is JSON, tried again on a network failure, a timeout, 429 or 5xx. */
async function requestJson(
  io: Io,
  settings: Settings,
  url: string,
  init: RequestInit,
): Promise<unknown> {
  let last: UserError | null = null;
  for (let attempt = 0; attempt <= settings.retries; attempt++) {
    if (attempt > 0) await pause(settings.retryDelayMs * attempt);
    const signal = AbortSignal.timeout(settings.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await io.fetch(url, { ...init, signal });
      if (response.status !== 200) {
        await response.body?.cancel();
        last = failure(
          'vulns/osv-bad-answer',
          `${url} answered HTTP ${response.status}${attempt > 0 ? ` (after ${attempt + 1} tries)` : ''}`,
        );
        if (response.status === 429 || response.status >= 500) continue;
        throw last;
      }
      text = await readText(response);
    } catch (error) {
      if (error instanceof UserError) throw error;
      last = signal.aborted
        ? failure(
            'vulns/osv-timeout',
            `${url} did not answer within ${settings.timeoutMs / 1000} s`,
          )
        : failure('vulns/osv-unreachable', `${url} could not be reached: ${reason(error)}`);
      continue;
    }
    try {
      return JSON.parse(text);
    } catch {
      throw failure('vulns/osv-bad-answer', `${url} answered with something that is not JSON`);
    }
  }
  throw last as UserError;
}

async function readText(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw failure('vulns/osv-bad-answer', `${response.url} answered with ${declared} bytes`);
  }
  const buffer = new Uint8Array(await response.arrayBuffer());
  if (buffer.byteLength > MAX_ANSWER_BYTES) {
    throw failure(
      'vulns/osv-bad-answer',
      `${response.url} answered with more than ${MAX_ANSWER_BYTES} bytes`,
    );
  }
  return Buffer.from(buffer).toString('utf8');
}

/** One advisory's record: from the cache while its `modified` is current, else from the API. */
async function vuln(io: Io, settings: Settings, id: string, modified: string): Promise<OsvRecord> {
  const url = `${settings.base}/v1/vulns/${encodeURIComponent(id)}`;
  const cacheOptions = { dir: settings.cacheDir, maxBytes: MAX_ANSWER_BYTES };
  const cached = await fetchCached(io, url, { ...cacheOptions, offline: true });
  if (cached.kind === 'ok' && modified !== '') {
    const record = parseVuln(cached.body, id);
    if (typeof record !== 'string' && record.modified === modified) return record;
  }
  let last: UserError | null = null;
  for (let attempt = 0; attempt <= settings.retries; attempt++) {
    if (attempt > 0) await pause(settings.retryDelayMs * attempt);
    const fetched = await fetchCached(io, url, {
      ...cacheOptions,
      offline: false,
      deadline: AbortSignal.timeout(settings.timeoutMs),
    });
    if (fetched.kind === 'ok') {
      const record = parseVuln(fetched.body, id);
      if (typeof record === 'string') {
        throw failure(
          'vulns/osv-bad-answer',
          `${url} answered with something other than OSV's record of ${id}: ${record}`,
        );
      }
      return record;
    }
    if (fetched.kind === 'deadline') {
      last = failure(
        'vulns/osv-timeout',
        `${url} did not answer within ${settings.timeoutMs / 1000} s`,
      );
    } else if (fetched.kind === 'unreachable') {
      last = failure('vulns/osv-unreachable', `${url} could not be reached: ${fetched.reason}`);
    } else if (fetched.kind === 'too-large') {
      throw failure(
        'vulns/osv-bad-answer',
        `${url} answered with more than ${fetched.limit} bytes`,
      );
    } else {
      last = failure('vulns/osv-bad-answer', `${url} answered HTTP ${fetched.status}`);
      if (fetched.status !== 429 && fetched.status < 500) throw last;
    }
  }
  throw last as UserError;
}

function parseVuln(body: Uint8Array, id: string): OsvRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return 'not JSON';
  }
  const checked = checkRecord(value);
  if ('error' in checked) return checked.error;
  if (checked.record.id !== id) return `its id is ${checked.record.id}`;
  return checked.record;
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) return cause.message;
    return error.message;
  }
  return String(error);
}

function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((done) => setTimeout(done, ms)) : Promise.resolve();
}
