/**
 * The generated entrypoint (envgen-observe, run by /bin/sh) and envgen_observe.py as a program:
 * the multiprocess folder is created and emptied of an earlier run's files before the command
 * starts, a folder that is the root (or empty, or relative) is refused before anything runs, the
 * metrics sidecar serves the files of processes that have no gunicorn hooks, and `check` names
 * what is missing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/processes.js';
import {
  FAKE_OTEL,
  imageEnv,
  killAll,
  PYTHON,
  renderRig,
  requireDebianParts,
  scrape,
  startGroup,
} from './rig.js';

beforeAll(requireDebianParts, 30_000);
afterEach(killAll);

/** Runs the entrypoint with a command that lists the folder and leaves a mark that it ran. */
async function entrypoint(env: Record<string, string>, args?: string[]) {
  const rig = renderRig();
  const mark = join(rig.dir, 'ran');
  const command = args ?? [
    '/bin/sh',
    '-c',
    'touch "$1"; ls -A "$PROMETHEUS_MULTIPROC_DIR"',
    'listing',
    mark,
  ];
  const result = await execa(rig.entrypoint, command, {
    cwd: rig.dir,
    env: { PATH: '/usr/bin:/bin', ...env },
    extendEnv: false,
    reject: false,
    timeout: 10_000,
  });
  return { ...result, ran: existsSync(mark), rig };
}

describe('envgen-observe (the entrypoint)', () => {
  it("creates the folder, empties it of an earlier run's metric files, then runs the command", async () => {
    const rig = renderRig();
    const folder = join(rig.dir, 'deep', 'metrics');
    const first = await execa(
      rig.entrypoint,
      ['/bin/sh', '-c', 'ls -A "$PROMETHEUS_MULTIPROC_DIR"'],
      {
        env: { PATH: '/usr/bin:/bin', PROMETHEUS_MULTIPROC_DIR: folder },
        extendEnv: false,
        timeout: 10_000,
      },
    );
    expect(first.stdout).toBe('');
    for (const name of [
      'counter_41.db',
      'gauge_all_42.db',
      'counter_archive.db',
      'counter_archive.db.tmp',
      'notes.txt',
    ]) {
      writeFileSync(join(folder, name), 'stale');
    }
    mkdirSync(join(folder, 'histogram_43.db'));
    const second = await execa(
      rig.entrypoint,
      ['/bin/sh', '-c', 'echo "args: $*"; ls -A "$PROMETHEUS_MULTIPROC_DIR"', 'sh', 'a b', 'c'],
      {
        env: { PATH: '/usr/bin:/bin', PROMETHEUS_MULTIPROC_DIR: folder },
        extendEnv: false,
        timeout: 10_000,
      },
    );
    // Only prometheus_client's files (and envgen's temporary ones) go; the arguments pass as given.
    expect(second.stdout.split('\n')).toEqual(['args: a b c', 'notes.txt']);
  });

  it.each([
    ['/', 'root'],
    ['//', 'root'],
    ['/./', 'root'],
    ['/tmp/..', "'..'"],
    ['', 'empty'],
    ['metrics', 'not an absolute path'],
  ])('refuses PROMETHEUS_MULTIPROC_DIR=%j before running anything', async (folder, why) => {
    const result = await entrypoint({ PROMETHEUS_MULTIPROC_DIR: folder });
    expect(result.exitCode).toBe(64);
    expect(result.ran).toBe(false);
    expect(result.stderr).toContain('envgen-observe: PROMETHEUS_MULTIPROC_DIR');
    expect(result.stderr).toContain(why);
  });

  it('runs the command untouched when PROMETHEUS_MULTIPROC_DIR is unset', async () => {
    const result = await entrypoint({}, ['/bin/sh', '-c', 'echo "$0 $1"', 'zero', 'one']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('zero one');
  });

  it('says how to call it when there is no command', async () => {
    const result = await entrypoint({}, []);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain('usage: envgen-observe COMMAND');
  });

  it('starts the metrics sidecar for servers without gunicorn hooks (ENVGEN_METRICS_SIDECAR=1)', async () => {
    const rig = renderRig(
      {},
      {
        // Three processes (as uvicorn --workers spawns them) each count, then the parent waits.
        'workers.py': `import multiprocessing, os, sys, time

def work(n):
    from prometheus_client import Counter
    Counter("envgen_sidecar_jobs", "Jobs done").inc(n)

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    for n in (1, 2, 4):
        p = multiprocessing.Process(target=work, args=(n,))
        p.start()
        p.join()
    print("done", flush=True)
    time.sleep(60)
`,
      },
    );
    const metricsPort = await freePort();
    const subprocess = startGroup(rig.entrypoint, [PYTHON, 'workers.py'], {
      cwd: rig.dir,
      env: { ...imageEnv(rig, metricsPort), ENVGEN_METRICS_SIDECAR: '1', ENVGEN_PYTHON: PYTHON },
    });
    let total: number[] | undefined;
    for (let attempt = 0; attempt < 100 && total?.[0] !== 7; attempt++) {
      await new Promise((done) => setTimeout(done, 100));
      try {
        total = (await scrape(metricsPort)).get('envgen_sidecar_jobs_total');
      } catch {
        // the sidecar is not listening yet
      }
    }
    expect(total).toEqual([7]);
    // Still running: the sidecar did not take the command's place.
    expect(subprocess.exitCode).toBeNull();
  });
});

describe('python -m envgen_observe check', () => {
  async function check(env: Record<string, string>, args: string[] = []) {
    const rig = renderRig();
    return await execa(PYTHON, ['-m', 'envgen_observe', 'check', ...args], {
      cwd: rig.dir,
      env: {
        PATH: '/usr/bin:/bin',
        PYTHONDONTWRITEBYTECODE: '1',
        PYTHONPATH: `${rig.dir}:${FAKE_OTEL}`,
        ...env,
      },
      extendEnv: false,
      reject: false,
      timeout: 10_000,
    });
  }

  it('finds everything the variables ask for', async () => {
    const result = await check(
      {
        PROMETHEUS_MULTIPROC_DIR: '/tmp/x',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      },
      ['opentelemetry.instrumentation.flask:FlaskInstrumentor'],
    );
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('names each missing module, exit 1', async () => {
    const result = await check(
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      [
        'opentelemetry.instrumentation.fastapi:FastAPIInstrumentor',
        'opentelemetry.instrumentation.flask:NoSuchThing',
      ],
    );
    expect(result.exitCode).toBe(1);
    const missing = result.stdout.split('\n').map((line) => line.split(':').slice(0, 3).join(':'));
    expect(missing).toEqual([
      'missing: opentelemetry.exporter.otlp.proto.grpc.trace_exporter:OTLPSpanExporter',
      'missing: opentelemetry.instrumentation.fastapi:FastAPIInstrumentor',
      'missing: opentelemetry.instrumentation.flask:NoSuchThing',
    ]);
  });
});
