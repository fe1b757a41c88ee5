/**
 * uvicorn without gunicorn (Debian's uvicorn, `--workers 2`, which spawns its workers): no fork
 * hooks run, so the generated entrypoint starts the metrics sidecar (ENVGEN_METRICS_SIDECAR=1),
 * which reports a counter incremented in both workers once, and exactly.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/processes.js';
import {
  type Answer,
  imageEnv,
  killAll,
  PYTHON,
  renderRig,
  requests,
  requireDebianParts,
  scrape,
  startGroup,
  untilServing,
} from './rig.js';

beforeAll(requireDebianParts, 30_000);
afterEach(killAll);

const ASGI_APP = `import json, os, time

from prometheus_client import Counter

HITS = Counter("envgen_uvicorn_hits", "Requests served")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/hit":
        HITS.inc()
        time.sleep(0.02)  # blocks this worker: concurrent requests go to the other one
    body = json.dumps({"pid": os.getpid()}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
`;

describe('uvicorn --workers with the metrics sidecar', () => {
  it('reports a counter incremented in every worker once, and exactly', {
    timeout: 60_000,
  }, async () => {
    const rig = renderRig({}, { 'asgi_app.py': ASGI_APP });
    const port = await freePort();
    const metricsPort = await freePort();
    const env = {
      ...imageEnv(rig, metricsPort),
      ENVGEN_METRICS_SIDECAR: '1',
      ENVGEN_PYTHON: PYTHON,
    };
    const server = startGroup(
      rig.entrypoint,
      [
        PYTHON,
        '-m',
        'uvicorn',
        '--workers',
        '2',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--lifespan',
        'off',
        'asgi_app:app',
      ],
      { cwd: rig.dir, env },
    );
    await untilServing(server, port);
    const answers: Answer[] = [];
    for (let batch = 0; batch < 10 && new Set(answers.map((a) => a.pid)).size < 2; batch++) {
      answers.push(...(await requests(port, '/hit', 24, { concurrency: 6 })));
    }
    expect(new Set(answers.map((answer) => answer.pid)).size).toBe(2);
    let samples: Map<string, number[]> | undefined;
    for (let attempt = 0; attempt < 50 && !samples; attempt++) {
      samples = await scrape(metricsPort).catch(async () => {
        await new Promise((done) => setTimeout(done, 100)); // the sidecar is still starting
        return undefined;
      });
    }
    expect(samples?.get('envgen_uvicorn_hits_total')).toEqual([answers.length]);
  });
});
