/**
 * The generated gunicorn.conf.py, envgen_observe.py and envgen-observe run for real (Debian's
 * gunicorn, Flask and prometheus_client) on 127.0.0.1 with 4 workers: a counter incremented in
 * every worker is reported once and exactly by the master's metrics endpoint, also while
 * max_requests recycles the workers dozens of times, and the multiprocess folder stays bounded.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/processes.js';
import {
  type Answer,
  dbFiles,
  GUNICORN,
  imageEnv,
  killAll,
  renderRig,
  requests,
  requireDebianParts,
  scrape,
  serve,
  startGroup,
} from './rig.js';

beforeAll(requireDebianParts, 30_000);
afterEach(killAll);

/** The one value of a sample, failing when the line is missing or repeated. */
function only(samples: Map<string, number[]>, key: string): number {
  const values = samples.get(key);
  expect(values, key).toHaveLength(1);
  return (values as number[])[0] as number;
}

describe('gunicorn with the generated config, 4 workers', () => {
  it('reports a counter incremented in every worker once, and exactly', {
    timeout: 60_000,
  }, async () => {
    const rig = renderRig();
    const metricsPort = await freePort();
    const server = await serve(rig, imageEnv(rig, metricsPort));
    const answers: Answer[] = [];
    // Concurrent requests that take a while keep all four workers busy; bounded batches until
    // each worker has served.
    for (let batch = 0; batch < 10 && new Set(answers.map((a) => a.pid)).size < 4; batch++) {
      answers.push(
        ...(await requests(server.port, '/hit', 40, { sleep: 0.02, firstSeq: answers.length + 1 })),
      );
    }
    const pids = new Set(answers.map((answer) => answer.pid));
    expect(pids.size).toBe(4);
    expect(pids.has(server.pid)).toBe(false);

    const samples = await scrape(metricsPort);
    const total = answers.length;
    expect(only(samples, 'envgen_test_hits_total{route="hit"}')).toBe(total);
    expect(only(samples, 'envgen_test_seconds_count')).toBe(total);
    expect(only(samples, 'envgen_test_payload_count')).toBe(total);
    expect(only(samples, 'envgen_test_payload_sum')).toBe(2 * total);
    expect(only(samples, 'envgen_test_units')).toBe(3 * total);
    expect(only(samples, 'envgen_test_highest_seq')).toBe(total);
    // Each worker wrote its own files (counter, histogram, summary, gauges).
    const counterFiles = dbFiles(rig.metricsDir).filter((name) => name.startsWith('counter_'));
    expect(counterFiles.sort()).toEqual([...pids].map((pid) => `counter_${pid}.db`).sort());

    const stopped = await server.stop();
    expect(stopped.exitCode).toBe(0);
  });

  it('keeps counts exact and the folder bounded while max_requests recycles workers', {
    timeout: 60_000,
  }, async () => {
    const rig = renderRig();
    const metricsPort = await freePort();
    const server = await serve(rig, imageEnv(rig, metricsPort), [
      '--max-requests',
      '5',
      '--max-requests-jitter',
      '0',
      // The app imported once in the master: a recycled worker starts in milliseconds. The
      // master's own metric files (all zero) are read too and must not change the counts.
      '--preload',
    ]);
    const answers: Answer[] = [];
    const folderSizes: number[] = [];
    const during: number[] = [];
    for (let round = 0; round < 4; round++) {
      // Scrapes while workers die and are swept: each must succeed, and none may count a
      // request twice (more than were sent) or lose one (less than an earlier scrape).
      let sending = true;
      const sent = answers.length + 50;
      const scraper = (async () => {
        for (let n = 0; sending && n < 200; n++) {
          // (no line at all before the first request: the label set does not exist yet)
          const values = (await scrape(metricsPort)).get('envgen_test_hits_total{route="hit"}') ?? [
            0,
          ];
          expect(values).toHaveLength(1);
          const value = values[0] as number;
          expect(value).toBeLessThanOrEqual(sent);
          expect(value).toBeGreaterThanOrEqual(during.at(-1) ?? 0);
          during.push(value);
        }
      })();
      answers.push(...(await requests(server.port, '/hit', 50, { firstSeq: answers.length + 1 })));
      sending = false;
      await scraper;
      folderSizes.push(dbFiles(rig.metricsDir).length);
      const samples = await scrape(metricsPort);
      expect(only(samples, 'envgen_test_hits_total{route="hit"}')).toBe(answers.length);
    }
    const total = answers.length;
    expect(during.length).toBeGreaterThan(4);
    const pids = new Set(answers.map((answer) => answer.pid));
    // 200 requests at 5 per worker life: dozens of workers.
    expect(pids.size).toBeGreaterThan(30);

    const samples = await scrape(metricsPort);
    expect(only(samples, 'envgen_test_hits_total{route="hit"}')).toBe(total);
    expect(only(samples, 'envgen_test_seconds_count')).toBe(total);
    expect(only(samples, 'envgen_test_seconds_bucket{le="+Inf"}')).toBe(total);
    expect(only(samples, 'envgen_test_payload_count')).toBe(total);
    expect(only(samples, 'envgen_test_payload_sum')).toBe(2 * total);
    expect(only(samples, 'envgen_test_units')).toBe(3 * total);
    expect(only(samples, 'envgen_test_highest_seq')).toBe(total);

    // Per process: counter, histogram, summary, gauge_sum, gauge_max, gauge_livesum (6 files);
    // the archives: 5. A bound of live workers plus a few not yet reaped, never one set per
    // worker that ever lived (that would be 6 x pids.size).
    const bound = 5 + 6 * (4 + 4);
    for (const size of folderSizes) expect(size).toBeLessThanOrEqual(bound);
    const files = dbFiles(rig.metricsDir);
    expect(files.length).toBeLessThanOrEqual(bound);
    expect(files).toEqual(
      expect.arrayContaining([
        'counter_archive.db',
        'histogram_archive.db',
        'summary_archive.db',
        'gauge_sum_archive.db',
        'gauge_max_archive.db',
      ]),
    );
    expect(files.filter((name) => name.startsWith('gauge_livesum_')).length).toBeLessThanOrEqual(8);

    const stopped = await server.stop();
    expect(stopped.exitCode).toBe(0);
  });

  it('refuses to start, in one line, without PROMETHEUS_MULTIPROC_DIR when metrics are on', async () => {
    const rig = renderRig();
    const port = await freePort();
    const env: Record<string, string> = imageEnv(rig, await freePort());
    delete env.PROMETHEUS_MULTIPROC_DIR;
    const result = await startGroup(
      GUNICORN,
      ['-c', rig.conf, '-w', '1', '-b', `127.0.0.1:${port}`, 'app:app'],
      { cwd: rig.dir, env },
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('PROMETHEUS_MULTIPROC_DIR is not set');
    expect(result.all).not.toContain('Traceback');
  });

  it("loads the project's own gunicorn config first, keeps its settings and chains its hooks", {
    timeout: 60_000,
  }, async () => {
    const rig = renderRig((dir) => ({ userConfig: join(dir, 'own.conf.py') }), {
      'own.conf.py': `import os

workers = 2
_private = "not a setting"


def post_fork(server, worker):
    open(os.path.join(os.environ["MARKS"], "post_fork_%d" % worker.pid), "w").close()


def child_exit(server, worker):
    open(os.path.join(os.environ["MARKS"], "child_exit_%d" % worker.pid), "w").close()
`,
      'marks/.keep': '',
    });
    const metricsPort = await freePort();
    const port = await freePort();
    const marks = join(rig.dir, 'marks');
    const subprocess = startGroup(
      rig.entrypoint,
      [GUNICORN, '-c', rig.conf, '-b', `127.0.0.1:${port}`, 'app:app'],
      { cwd: rig.dir, env: { ...imageEnv(rig, metricsPort), MARKS: marks } },
    );
    let answers: Answer[] = [];
    for (let attempt = 0; attempt < 150; attempt++) {
      try {
        answers = await requests(port, '/hit', 24, { sleep: 0.02 });
        break;
      } catch {
        await new Promise((done) => setTimeout(done, 100));
      }
    }
    const pids = new Set(answers.map((answer) => answer.pid));
    // workers = 2 from the project's config (no -w on the command line).
    expect(pids.size).toBe(2);
    const samples = await scrape(metricsPort);
    expect(only(samples, 'envgen_test_hits_total{route="hit"}')).toBe(answers.length);
    subprocess.kill('SIGTERM');
    const result = await subprocess;
    expect(result.exitCode).toBe(0);
    const made = readdirSync(marks);
    for (const pid of pids) {
      expect(made).toContain(`post_fork_${pid}`);
      expect(made).toContain(`child_exit_${pid}`);
    }
    expect(String(result.all)).not.toContain('Traceback');
  });
});
