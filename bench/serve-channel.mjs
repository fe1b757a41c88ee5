#!/usr/bin/env node
// Serves a folder of channels on 127.0.0.1 as anaconda.org would: an ETag on each file, 304 when
// the request sends it back, 404 for the rest. A process of its own because bench/run.mjs blocks
// its event loop while envgen runs. Prints its URL once; after that, nothing on stdout, since a
// write to a pipe the benchmark is not reading could block this server. GET /-/stats answers the
// count of each status so far.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative, sep } from 'node:path';

const root = process.argv[2];
if (!root) throw new Error('usage: serve-channel.mjs FOLDER');

// Read once: an ETag per file without hashing megabytes per request.
const files = new Map();
for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const path = join(entry.parentPath ?? entry.path, entry.name);
  const body = readFileSync(path);
  const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
  files.set(`/${relative(root, path).split(sep).join('/')}`, { body, etag });
}

const stats = {};
const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  if (path === '/-/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(stats));
    return;
  }
  const file = files.get(path);
  const status = !file ? 404 : request.headers['if-none-match'] === file.etag ? 304 : 200;
  stats[status] = (stats[status] ?? 0) + 1;
  if (!file) {
    response.writeHead(404);
    response.end();
    return;
  }
  response.writeHead(status, {
    etag: file.etag,
    'content-type': 'application/json',
    ...(status === 200 ? { 'content-length': file.body.length } : {}),
  });
  response.end(status === 200 ? file.body : undefined);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
