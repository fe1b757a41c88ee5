/**
 * Serves a folder of channels (fixtures/channels) on 127.0.0.1, as anaconda.org would: files by
 * path, 404 for what is not there, an ETag on each file and 304 for a request that sends it
 * back. Every request is logged, so tests can see what envgen asked for and what it revalidated.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { join, normalize } from 'node:path';

interface ServedRequest {
  path: string;
  status: number;
  ifNoneMatch: string | null;
}

export interface FixtureChannelServer {
  /** `http://127.0.0.1:<port>`: a channel is at `${url}/conda-forge`. */
  url: string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

/** A proxy of the machine running the tests must not stand between envgen and 127.0.0.1. */
export const NO_PROXY_ENV = {
  HTTP_PROXY: undefined,
  HTTPS_PROXY: undefined,
  http_proxy: undefined,
  https_proxy: undefined,
};

/**
 * A hostile channel: paths (`/conda-forge/linux-64/repodata.json`) whose answer a test writes
 * itself (a bomb, a trickle, a corrupt body); every other path is served from the folder.
 */
export type HostileRoutes = Record<string, (response: ServerResponse) => void>;

const FIXTURE_CHANNELS = join(import.meta.dirname, '..', '..', 'fixtures', 'channels');

/**
 * `missingStatus`: what a file that is not there gets: 404, or 403 as object-store mirrors
 * answer.
 */
export async function serveChannels(
  root = FIXTURE_CHANNELS,
  options: { missingStatus?: number; hostile?: HostileRoutes } = {},
): Promise<FixtureChannelServer> {
  const missing = options.missingStatus ?? 404;
  const requests: ServedRequest[] = [];
  const server = createServer(async (request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname);
    const ifNoneMatch = request.headers['if-none-match'] ?? null;
    let status = missing;
    const hostile = options.hostile?.[path];
    if (hostile) {
      requests.push({ path, status: 200, ifNoneMatch: null });
      hostile(response);
      return;
    }
    try {
      const body = await readFile(join(root, path));
      const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
      status = ifNoneMatch === etag ? 304 : 200;
      response.writeHead(status, { etag, 'content-type': 'application/json' });
      response.end(status === 200 ? body : undefined);
    } catch {
      response.writeHead(missing);
      response.end();
    }
    requests.push({
      path,
      status,
      ifNoneMatch: typeof ifNoneMatch === 'string' ? ifNoneMatch : null,
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
