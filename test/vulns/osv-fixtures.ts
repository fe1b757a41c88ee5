/**
 * The OSV fixtures (fixtures/osv/records: real PYSEC and GHSA advisories, see its SOURCE) as the
 * two sources read them: a zip built from the records as OSV's export stores them (one
 * `<id>.json` per record), and a loopback server on 127.0.0.1 that answers as api.osv.dev does
 * (querybatch with paging, vulns/{id} with an ETag), from the same records.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';
import { parsePep440 } from '../../src/vulns/osv/pep440.js';
import { affects, type OsvRecord } from '../../src/vulns/osv/record.js';

export const RECORDS_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'osv', 'records');

export function fixtureRecords(): OsvRecord[] {
  return readdirSync(RECORDS_DIR)
    .sort()
    .map((name) => {
      const text = readFileSync(join(RECORDS_DIR, name), 'utf8');
      return (name.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as OsvRecord;
    });
}

/** OSV's export of these records: `<id>.json` per record. */
export function fixtureZip(records: readonly OsvRecord[] = fixtureRecords()): Buffer {
  const files = Object.fromEntries(
    records.map((record) => [`${record.id}.json`, Buffer.from(JSON.stringify(record))]),
  );
  return Buffer.from(zipSync(files));
}

interface Logged {
  method: string;
  path: string;
  body: unknown;
}

export interface FakeOsv {
  url: string;
  requests: Logged[];
  close(): Promise<void>;
}

export interface FakeOsvOptions {
  /** Ids per page of one query's answer (OSV's is about a thousand). */
  pageSize?: number;
  /** Answers a request itself instead (a 500, garbage, silence); return false to answer normally. */
  hostile?: (request: Logged, response: ServerResponse) => boolean;
}

/**
 * An OSV API on 127.0.0.1 over `records` (read on each request: a test may replace one);
 * matching through envgen's range evaluation.
 */
export async function serveFakeOsv(
  records: readonly OsvRecord[],
  options: FakeOsvOptions = {},
): Promise<FakeOsv> {
  const pageSize = options.pageSize ?? 1000;
  const requests: Logged[] = [];
  const json = (response: ServerResponse, status: number, value: unknown, headers = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(value));
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const logged: Logged = {
        method: request.method ?? '',
        path: new URL(request.url ?? '/', 'http://127.0.0.1').pathname,
        body: text ? JSON.parse(text) : null,
      };
      requests.push(logged);
      if (options.hostile?.(logged, response)) return;
      if (logged.method === 'POST' && logged.path === '/v1/querybatch') {
        const { queries } = logged.body as {
          queries: {
            package: { name: string; ecosystem: string };
            version: string;
            page_token?: string;
          }[];
        };
        if (queries.length > 1000) return json(response, 400, { message: 'too many queries' });
        const results = queries.map((query) => {
          const version = parsePep440(query.version);
          const ids = records
            .filter(
              (record) =>
                query.package.ecosystem === 'PyPI' &&
                version !== null &&
                affects(record, query.package.name, version),
            )
            .map((record) => ({ id: record.id, modified: record.modified }));
          const start = Number(query.page_token ?? 0);
          const page = ids.slice(start, start + pageSize);
          const more = start + pageSize < ids.length;
          return {
            ...(page.length > 0 ? { vulns: page } : {}),
            ...(more ? { next_page_token: String(start + pageSize) } : {}),
          };
        });
        return json(response, 200, { results });
      }
      const match = /^\/v1\/vulns\/([^/]+)$/.exec(logged.path);
      const record =
        match && request.method === 'GET'
          ? records.find((r) => r.id === decodeURIComponent(match[1] as string))
          : undefined;
      if (!record) return json(response, 404, { code: 5, message: 'Bug not found.' });
      const etag = `"${record.id}-${record.modified}"`;
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304);
        return response.end();
      }
      return json(response, 200, record, { etag });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
