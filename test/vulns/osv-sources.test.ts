/**
 * The two advisory sources over the same real records: the offline one from an OSV export (the
 * zip OSV publishes, or a folder of JSON and YAML records), the online one from a loopback
 * server that answers as api.osv.dev does. They must give the same answers; every way the data
 * can be bad or missing is a problem with its code, never "no findings".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeIo } from '../../src/io.js';
import { UserError } from '../../src/problem.js';
import { codeInfo } from '../../src/problem-codes.js';
import type { AdvisoryQuery } from '../../src/vulns/advisories.js';
import { DEFAULT_OFFLINE_LIMITS, osvOffline } from '../../src/vulns/osv/offline.js';
import { osvCacheDir, osvOnline } from '../../src/vulns/osv/online.js';
import type { OsvRecord } from '../../src/vulns/osv/record.js';
import { NO_PROXY_ENV } from '../helpers/fixture-channel.js';
import { serveProxy } from '../helpers/loopback-proxy.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import {
  type FakeOsv,
  fixtureRecords,
  fixtureZip,
  RECORDS_DIR,
  serveFakeOsv,
} from './osv-fixtures.js';

const RECORDS = fixtureRecords();

const QUERIES: AdvisoryQuery[] = [
  { name: 'torch', version: '2.5.1+cu124' },
  { name: 'torch', version: '1.13.0' },
  { name: 'pytorch', version: '2.9.1' },
  { name: 'flask', version: '2.3.1' },
  { name: 'flask', version: '0.12.2' },
  { name: 'pillow', version: '9.1.1' },
  { name: 'numpy', version: '1.16.0rc2' },
  { name: 'gunicorn', version: '19.4.5' },
  { name: 'py', version: '1.11.0' },
  { name: 'transformers', version: '4.35.0' },
  { name: 'torch', version: '2.6.0' },
  { name: 'torch', version: 'py3.11_cuda12.4_cudnn9.1.0_0' },
];

const servers: FakeOsv[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: Parameters<typeof serveFakeOsv>[1] = {}): Promise<FakeOsv> {
  const server = await serveFakeOsv(RECORDS, options);
  servers.push(server);
  return server;
}

function ioIn(cwd: string, env: Record<string, string | undefined> = {}) {
  const io = createNodeIo({
    ...process.env,
    ...NO_PROXY_ENV,
    ENVGEN_CACHE_DIR: join(cwd, 'cache'),
    ...env,
  });
  io.cwd = cwd;
  return io;
}

/** The problem codes a failed lookup reports. */
async function codesOf(run: () => Promise<unknown>): Promise<string[]> {
  try {
    await run();
  } catch (error) {
    if (error instanceof UserError) return error.problems.map((p) => p.ruleId);
    throw error;
  }
  return [];
}

async function problemOf(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    if (error instanceof UserError) return error.problems[0];
    throw error;
  }
  return undefined;
}

const FAST = { retryDelayMs: 0, timeoutMs: 5000 };

describe('the offline source', () => {
  it("reads OSV's zip and a folder of JSON and YAML records alike", async () => {
    const dir = tmpDir({ 'PyPI-all.zip': fixtureZip() });
    const io = ioIn(dir);
    const zip = await osvOffline(io, 'PyPI-all.zip');
    const folder = await osvOffline(io, RECORDS_DIR);
    expect(zip.label).toBe('PyPI-all.zip');
    const fromZip = await zip.lookup(QUERIES);
    expect(await folder.lookup(QUERIES)).toEqual(fromZip);
    expect(fromZip.map((a) => a.advisories.map((x) => x.id))).toEqual([
      ['GHSA-53q9-r3pm-6pq6'],
      ['GHSA-53q9-r3pm-6pq6', 'PYSEC-2022-43015'],
      ['GHSA-63cw-57p8-fm3p'],
      ['PYSEC-2023-62'],
      ['PYSEC-2018-66', 'PYSEC-2023-62'],
      ['PYSEC-2022-42979', 'PYSEC-2023-227'],
      ['PYSEC-2019-108', 'PYSEC-2021-856'],
      ['PYSEC-2018-55'],
      ['PYSEC-2022-42969'],
      ['GHSA-wrfc-pvp9-mr9g'],
      [],
      [],
    ]);
    expect(fromZip.map((a) => a.query)).toEqual(QUERIES);
    expect(fromZip[11]?.notChecked).toBeDefined();
  });

  it('reads a folder laid out as pypa/advisory-database is (vulns/<package>/<id>.yaml)', async () => {
    const dir = tmpDir({
      'db/vulns/flask/PYSEC-2023-62.yaml': RECORDS_YAML('PYSEC-2023-62.yaml'),
      'db/.git/config': '[core]\n',
    });
    const source = await osvOffline(ioIn(dir), 'db');
    const [answer] = await source.lookup([{ name: 'flask', version: '2.3.0' }]);
    expect(answer?.advisories.map((a) => a.id)).toEqual(['PYSEC-2023-62']);
  });

  it.each([
    ['a missing path', {}, 'missing.zip', 'vulns/db-not-found', 'missing.zip'],
    [
      'a file that is not a zip',
      { 'PyPI-all.zip': 'not a zip at all' },
      'PyPI-all.zip',
      'vulns/db-corrupt',
      'PyPI-all.zip',
    ],
    [
      'a truncated zip',
      { 'PyPI-all.zip': fixtureZip().subarray(0, 2000) },
      'PyPI-all.zip',
      'vulns/db-corrupt',
      'PyPI-all.zip',
    ],
    [
      'a zip holding a record that is not JSON',
      {
        'PyPI-all.zip': Buffer.from(zipSync({ 'PYSEC-1.json': Buffer.from('{"id": "PYSEC-1",') })),
      },
      'PyPI-all.zip',
      'vulns/db-corrupt',
      'PyPI-all.zip',
    ],
    [
      'a zip holding JSON that is not an OSV record',
      {
        'PyPI-all.zip': Buffer.from(
          zipSync({ 'PYSEC-1.json': Buffer.from('{"id": "PYSEC-1", "affected": {}}') }),
        ),
      },
      'PyPI-all.zip',
      'vulns/db-corrupt',
      'PyPI-all.zip',
    ],
    [
      'a folder with a broken YAML record',
      { 'db/PYSEC-1.yaml': 'id: [unclosed\n' },
      'db',
      'vulns/db-corrupt',
      'db',
    ],
    ['a folder without records', { 'db/README.md': '# nothing\n' }, 'db', 'vulns/db-corrupt', 'db'],
  ] as const)('%s is bad input naming the file', async (_, files, path, code, file) => {
    const dir = tmpDir(files as Record<string, string | Buffer>);
    const found = await problemOf(() => osvOffline(ioIn(dir), path));
    expect(found?.ruleId).toBe(code);
    expect(found?.file).toBe(file);
    expect(codeInfo(code).exit).toBe('usage');
  });

  it('names the record inside the zip that is not OSV', async () => {
    const bad = Buffer.from(zipSync({ 'good/GHSA-x.json': Buffer.from('[1, 2]') }));
    const dir = tmpDir({ 'PyPI-all.zip': bad });
    const found = await problemOf(() => osvOffline(ioIn(dir), 'PyPI-all.zip'));
    expect(found?.message).toContain('PyPI-all.zip:good/GHSA-x.json');
  });

  it("stops at its bounds: entries, bytes uncompressed, the zip's own size", async () => {
    const dir = tmpDir({ 'PyPI-all.zip': fixtureZip() });
    const io = ioIn(dir);
    const tight = (limits: Partial<typeof DEFAULT_OFFLINE_LIMITS>) =>
      codesOf(() => osvOffline(io, 'PyPI-all.zip', { ...DEFAULT_OFFLINE_LIMITS, ...limits }));
    expect(await tight({ maxEntries: 5 })).toEqual(['vulns/db-too-large']);
    expect(await tight({ maxTotalBytes: 10_000 })).toEqual(['vulns/db-too-large']);
    expect(await tight({ maxZipBytes: 1000 })).toEqual(['vulns/db-too-large']);
    expect(await tight({})).toEqual([]);
  });

  it('does not inflate past the size an entry declares (a zip bomb comes out cut short)', async () => {
    const bomb = Buffer.from(zipSync({ 'PYSEC-1.json': Buffer.alloc(50_000_000, 0x20) }));
    // Declare 10 bytes in the local and the central header: the deflated megabytes stay unread.
    bomb.writeUInt32LE(10, 22);
    const central = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bomb.writeUInt32LE(10, central + 24);
    const dir = tmpDir({ 'PyPI-all.zip': bomb });
    expect(await codesOf(() => osvOffline(ioIn(dir), 'PyPI-all.zip'))).toEqual([
      'vulns/db-corrupt',
    ]);
  });
});

function RECORDS_YAML(name: string): string {
  return readFileSync(join(RECORDS_DIR, name), 'utf8');
}

describe('the online source', () => {
  it("gives the answers the offline export gives, in the queries' order", async () => {
    const server = await serve();
    const dir = tmpDir({ 'PyPI-all.zip': fixtureZip() });
    const io = ioIn(dir);
    const online = osvOnline(io, { baseUrl: server.url, ...FAST });
    const offline = await osvOffline(io, 'PyPI-all.zip');
    expect(online.label).toBe(server.url);
    expect(await online.lookup(QUERIES)).toEqual(await offline.lookup(QUERIES));
    // The local label is not sent; a version PEP 440 rejects is not sent at all.
    const [batch] = server.requests.filter((r) => r.path === '/v1/querybatch');
    const sent = (batch as { body: { queries: { package: { name: string }; version: string }[] } })
      .body.queries;
    expect(sent).toHaveLength(QUERIES.length - 1);
    expect(sent[0]).toEqual({ package: { name: 'torch', ecosystem: 'PyPI' }, version: '2.5.1' });
    // Each distinct advisory is fetched once.
    const gets = server.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(gets.length).toBe(new Set(gets).size);
    expect(gets).toContain('/v1/vulns/GHSA-53q9-r3pm-6pq6');
  });

  it('follows next_page_token until each query has all its pages', async () => {
    const server = await serve({ pageSize: 1 });
    const dir = tmpDir();
    const online = osvOnline(ioIn(dir), { baseUrl: server.url, ...FAST });
    const answers = await online.lookup([
      { name: 'numpy', version: '1.16.0rc2' },
      { name: 'gunicorn', version: '19.4.5' },
      { name: 'pillow', version: '9.1.1' },
    ]);
    expect(answers.map((a) => a.advisories.map((x) => x.id))).toEqual([
      ['PYSEC-2019-108', 'PYSEC-2021-856'],
      ['PYSEC-2018-55'],
      ['PYSEC-2022-42979', 'PYSEC-2023-227'],
    ]);
    const batches = server.requests
      .filter((r) => r.path === '/v1/querybatch')
      .map(
        (r) =>
          (r.body as { queries: { package: { name: string }; page_token?: string }[] }).queries,
      );
    // Page two asks again only for the two packages that had more, with their tokens.
    expect(batches.map((q) => q.map((x) => [x.package.name, x.page_token ?? null]))).toEqual([
      [
        ['numpy', null],
        ['gunicorn', null],
        ['pillow', null],
      ],
      [
        ['numpy', '1'],
        ['pillow', '1'],
      ],
    ]);
  });

  it('splits the queries into batches and keeps their order', async () => {
    const server = await serve();
    const online = osvOnline(ioIn(tmpDir()), { baseUrl: server.url, batchSize: 4, ...FAST });
    const offline = await osvOffline(ioIn(tmpDir()), RECORDS_DIR);
    expect(await online.lookup(QUERIES)).toEqual(await offline.lookup(QUERIES));
    expect(server.requests.filter((r) => r.path === '/v1/querybatch')).toHaveLength(3);
  });

  it('keeps records in the cache and does not fetch them again while they are current', async () => {
    const server = await serve();
    const dir = tmpDir();
    const io = ioIn(dir);
    expect(osvCacheDir(io)).toBe(join(dir, 'cache', 'osv'));
    const first = await osvOnline(io, { baseUrl: server.url, ...FAST }).lookup(QUERIES);
    const gets = server.requests.filter((r) => r.method === 'GET').length;
    expect(gets).toBeGreaterThan(0);
    const second = await osvOnline(io, { baseUrl: server.url, ...FAST }).lookup(QUERIES);
    expect(second).toEqual(first);
    expect(server.requests.filter((r) => r.method === 'GET').length).toBe(gets);
  });

  it('fetches a cached record again once the batch names a newer one', async () => {
    const records = fixtureRecords();
    const server = await serveFakeOsv(records);
    servers.push(server);
    const io = ioIn(tmpDir());
    const query = [{ name: 'flask', version: '0.12.2' }];
    await osvOnline(io, { baseUrl: server.url, ...FAST }).lookup(query);
    const index = records.findIndex((r) => r.id === 'PYSEC-2023-62');
    records[index] = {
      ...(records[index] as OsvRecord),
      modified: '2030-01-01T00:00:00Z',
      summary: 'revised',
    };
    const [answer] = await osvOnline(io, { baseUrl: server.url, ...FAST }).lookup(query);
    expect(answer?.advisories.map((a) => [a.id, a.summary.slice(0, 7)])).toEqual([
      ['PYSEC-2018-66', 'The Pal'],
      ['PYSEC-2023-62', 'revised'],
    ]);
    const gets = server.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(gets.sort()).toEqual([
      '/v1/vulns/PYSEC-2018-66',
      '/v1/vulns/PYSEC-2023-62',
      '/v1/vulns/PYSEC-2023-62',
    ]);
  });

  it('reads its URL from ENVGEN_OSV_URL', async () => {
    const server = await serve();
    const io = ioIn(tmpDir(), { ENVGEN_OSV_URL: `${server.url}/` });
    const source = osvOnline(io, FAST);
    expect(source.label).toBe(server.url);
    const [answer] = await source.lookup([{ name: 'gunicorn', version: '19.4.5' }]);
    expect(answer?.advisories.map((a) => a.id)).toEqual(['PYSEC-2018-55']);
  });

  it('goes through the proxy HTTP_PROXY names', async () => {
    const server = await serve();
    const proxy = await serveProxy();
    try {
      const io = ioIn(tmpDir(), { HTTP_PROXY: proxy.url, NO_PROXY: '' });
      const online = osvOnline(io, { baseUrl: server.url, ...FAST });
      const [answer] = await online.lookup([{ name: 'gunicorn', version: '19.4.5' }]);
      expect(answer?.advisories.map((a) => a.id)).toEqual(['PYSEC-2018-55']);
      expect(proxy.carried).toContain(new URL(server.url).host);
    } finally {
      await proxy.close();
    }
  });

  it('tries a 500 again, then reports it: never an empty answer', async () => {
    const server = await serve({
      hostile: (_, response) => {
        response.writeHead(500);
        response.end('internal error');
        return true;
      },
    });
    const online = osvOnline(ioIn(tmpDir()), { baseUrl: server.url, retries: 2, ...FAST });
    expect(await codesOf(() => online.lookup(QUERIES))).toEqual(['vulns/osv-bad-answer']);
    expect(server.requests).toHaveLength(3);
  });

  it('recovers when a retry succeeds', async () => {
    let failures = 1;
    const server = await serve({
      hostile: (_, response) => {
        if (failures-- <= 0) return false;
        response.writeHead(503);
        response.end();
        return true;
      },
    });
    const online = osvOnline(ioIn(tmpDir()), { baseUrl: server.url, ...FAST });
    const [answer] = await online.lookup([{ name: 'gunicorn', version: '19.4.5' }]);
    expect(answer?.advisories.map((a) => a.id)).toEqual(['PYSEC-2018-55']);
  });

  it.each([
    ['a batch answer that is not JSON', '/v1/querybatch', 'Service Unavailable <html>'],
    ['a batch answer without results', '/v1/querybatch', '{"error": "nope"}'],
    ['a batch answer with too few results', '/v1/querybatch', '{"results": []}'],
    [
      'a record that is not OSV',
      '/v1/vulns/PYSEC-2018-55',
      '{"id": "PYSEC-2018-55", "affected": 7}',
    ],
    ['a record with another id', '/v1/vulns/PYSEC-2018-55', '{"id": "PYSEC-2000-1"}'],
  ])('reports %s as a bad answer', async (_, path, body) => {
    const server = await serve({
      hostile: (request, response) => {
        if (request.path !== path) return false;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(body);
        return true;
      },
    });
    const online = osvOnline(ioIn(tmpDir()), { baseUrl: server.url, ...FAST });
    const found = await problemOf(() => online.lookup([{ name: 'gunicorn', version: '19.4.5' }]));
    expect(found?.ruleId).toBe('vulns/osv-bad-answer');
    expect(found?.message).toContain(path);
  });

  it('reports a 404 for a listed advisory instead of dropping it', async () => {
    const server = await serve({
      hostile: (request, response) => {
        if (request.method !== 'GET') return false;
        response.writeHead(404);
        response.end('{}');
        return true;
      },
    });
    const online = osvOnline(ioIn(tmpDir()), { baseUrl: server.url, ...FAST });
    expect(await codesOf(() => online.lookup([{ name: 'gunicorn', version: '19.4.5' }]))).toEqual([
      'vulns/osv-bad-answer',
    ]);
    expect(server.requests).toHaveLength(2);
  });

  it('reports a service that does not answer in time as an environment problem', async () => {
    const server = await serve({ hostile: () => true });
    const online = osvOnline(ioIn(tmpDir()), {
      baseUrl: server.url,
      timeoutMs: 200,
      retries: 1,
      retryDelayMs: 0,
    });
    expect(await codesOf(() => online.lookup(QUERIES))).toEqual(['vulns/osv-timeout']);
    expect(server.requests).toHaveLength(2);
    expect(codeInfo('vulns/osv-timeout').exit).toBe('environment');
  });

  it('reports an unreachable service as an environment problem', async () => {
    const server = await serve();
    const url = server.url;
    await server.close();
    servers.length = 0;
    const online = osvOnline(ioIn(tmpDir()), { baseUrl: url, retries: 1, ...FAST });
    const found = await problemOf(() => online.lookup(QUERIES));
    expect(found?.ruleId).toBe('vulns/osv-unreachable');
    expect(found?.message).toContain(url);
    expect(codeInfo('vulns/osv-unreachable').exit).toBe('environment');
  });

  it('asks nothing when no query has a version it can check', async () => {
    const server = await serve();
    const online = osvOnline(ioIn(tmpDir()), { baseUrl: server.url, ...FAST });
    const answers = await online.lookup([{ name: 'torch', version: 'not-a-version!' }]);
    expect(answers[0]?.notChecked).toBeDefined();
    expect(server.requests).toEqual([]);
  });
});
