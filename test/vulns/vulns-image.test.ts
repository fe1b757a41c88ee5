/**
 * `envgen vulns --image REF`: the environment of a built image, read through the fake docker of
 * fixtures/bin (`create`, `cp` out of a fixture prefix standing for the image's /opt/env, `rm`).
 * The findings must be those of the same conda-meta read as a prefix on disk; the container is
 * removed whatever happens.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeIo } from '../../src/io.js';
import { readImageEnvironment } from '../../src/packages/image.js';
import { UserError } from '../../src/problem.js';
import { fakeTools, type LoggedCall } from '../helpers/fake-tools.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { RECORDS_DIR } from './osv-fixtures.js';

const CLEAN = resolve('fixtures/prefixes/clean');

interface Report {
  targets: {
    name: string;
    label: string;
    checked: number;
    findings: unknown[];
    notChecked: unknown[];
  }[];
  problems: { ruleId: string; message: string }[];
}

/** The fake docker first on PATH, serving `prefix` as the image's /opt/env. */
function docker(prefix: string, extra: Record<string, string> = {}) {
  const dir = tmpDir({});
  const tools = fakeTools(dir, { version: '2.5.1', cuda: '12.4' });
  return {
    cwd: dir,
    env: { ...tools.env, FAKE_DOCKER_IMAGE_PREFIX: prefix, ...extra },
    calls: () => tools.calls().filter((c: LoggedCall) => c.tool === 'docker'),
  };
}

/** clean's conda-meta only (no pip distribution), with flask downgraded to 2.2.4. */
function oldFlaskPrefix(): string {
  const dir = tmpDir({});
  cpSync(join(CLEAN, 'conda-meta'), join(dir, 'conda-meta'), { recursive: true });
  const record = join(dir, 'conda-meta', 'flask-3.0.3-pyhd8ed1ab_0.json');
  const data = JSON.parse(readFileSync(record, 'utf8')) as { version: string };
  data.version = '2.2.4';
  writeFileSync(record, JSON.stringify(data));
  return dir;
}

describe('envgen vulns --image', () => {
  it('finds what the same conda-meta on disk finds, and removes the container', async () => {
    const prefix = oldFlaskPrefix();
    const fake = docker(prefix);
    const image = await runEnvgen(
      [
        'vulns',
        '--image',
        'app:envgen-check',
        '--db',
        RECORDS_DIR,
        '--json',
        '--fail-on',
        'critical',
      ],
      fake,
    );
    const disk = await runEnvgen(
      ['vulns', prefix, '--db', RECORDS_DIR, '--json', '--fail-on', 'critical'],
      fake,
    );
    expect([image.exitCode, disk.exitCode]).toEqual([0, 0]);
    const [fromImage] = (JSON.parse(image.stdout) as Report).targets;
    const [fromDisk] = (JSON.parse(disk.stdout) as Report).targets;
    expect(fromDisk?.findings.length).toBeGreaterThan(0);
    expect(fromImage?.findings).toEqual(fromDisk?.findings);
    expect(fromImage?.notChecked).toEqual(fromDisk?.notChecked);
    expect(fromImage?.checked).toBe(fromDisk?.checked);
    expect(fromImage?.name).toBe('app:envgen-check');

    const calls = fake.calls().map((c) => c.argv);
    const create = calls.find((a) => a[0] === 'create');
    expect(create).toEqual(['create', '--pull=never', 'app:envgen-check', 'true']);
    const cp = calls.find((a) => a[0] === 'cp') as string[];
    const container = cp[1]?.split(':')[0] as string;
    expect(cp[1]).toBe(`${container}:/opt/env/conda-meta`);
    // The copy went to a temp folder, which is gone afterwards; the container is removed.
    expect(existsSync(cp[2] as string)).toBe(false);
    expect(calls.filter((a) => a[0] === 'rm')).toEqual([['rm', '--force', container]]);
  });

  it("the clean prefix's image: the same packages as on disk, pip's humanize included", async () => {
    const fake = docker(CLEAN);
    const image = await runEnvgen(['vulns', '--image', 'app', '--db', RECORDS_DIR, '--json'], fake);
    const disk = await runEnvgen(['vulns', CLEAN, '--db', RECORDS_DIR, '--json'], fake);
    const imageReport = JSON.parse(image.stdout) as Report;
    const [fromImage] = imageReport.targets;
    const [fromDisk] = (JSON.parse(disk.stdout) as Report).targets;
    // clean's humanize is a pip distribution (lib/.../site-packages), listed by the image's
    // Python; flask's and pip's dist-infos belong to their conda packages, as on disk.
    expect([fromImage?.checked, fromImage?.findings, fromImage?.notChecked]).toEqual([
      fromDisk?.checked,
      fromDisk?.findings,
      fromDisk?.notChecked,
    ]);
    expect(imageReport.problems).toEqual([]);
    expect(image.exitCode).toBe(0);
    const listing = fake.calls().find((c) => c.argv[0] === 'run')?.argv ?? [];
    expect(listing.slice(0, 8)).toEqual([
      'run',
      '--rm',
      '--pull=never',
      '--network',
      'none',
      '--entrypoint',
      '/opt/env/bin/python',
      'app',
    ]);
  });

  it('an environment without Python: conda packages only, and a warning that pip was not read', async () => {
    const fake = docker(CLEAN, { FAKE_DOCKER_NO_PYTHON: '1' });
    const image = await runEnvgen(['vulns', '--image', 'app', '--db', RECORDS_DIR, '--json'], fake);
    const disk = await runEnvgen(['vulns', CLEAN, '--db', RECORDS_DIR, '--json'], fake);
    const imageReport = JSON.parse(image.stdout) as Report;
    const [fromDisk] = (JSON.parse(disk.stdout) as Report).targets;
    expect(imageReport.targets[0]?.checked).toBe((fromDisk?.checked ?? 0) - 1);
    expect(imageReport.problems.map((p) => p.ruleId)).toEqual(['image/pip-not-read']);
  });

  it('with inputs named too: both are checked, the image after them', async () => {
    const fake = docker(CLEAN);
    const result = await runEnvgen(
      ['vulns', CLEAN, '--image', 'app', '--db', RECORDS_DIR, '--json'],
      fake,
    );
    expect((JSON.parse(result.stdout) as Report).targets.map((t) => t.name)).toEqual([
      CLEAN,
      'app',
    ]);
  });

  it('an image that does not exist: exit 2 with docker reason, nothing to remove', async () => {
    const fake = docker(CLEAN, { FAKE_DOCKER_NO_IMAGE: 'nope:1' });
    const result = await runEnvgen(
      ['vulns', '--image', 'nope:1', '--db', RECORDS_DIR, '--json'],
      fake,
    );
    expect(result.exitCode).toBe(2);
    const problems = (JSON.parse(result.stdout) as Report).problems;
    expect(problems.map((p) => p.ruleId)).toEqual(['image/not-found']);
    expect(problems[0]?.message).toContain('No such image: nope:1');
    expect(fake.calls().some((c) => c.argv[0] === 'rm')).toBe(false);
  });

  it('an image without an environment at /opt/env: exit 2, and the container is removed', async () => {
    const fake = docker(resolve('fixtures/prefixes/not-an-environment'));
    const result = await runEnvgen(
      ['vulns', '--image', 'app', '--db', RECORDS_DIR, '--json'],
      fake,
    );
    expect(result.exitCode).toBe(2);
    expect((JSON.parse(result.stdout) as Report).problems.map((p) => p.ruleId)).toEqual([
      'image/no-environment',
    ]);
    expect(fake.calls().filter((c) => c.argv[0] === 'rm')).toHaveLength(1);
  });

  it('docker not on PATH, or its daemon down: exit 3 with the fix', async () => {
    const fake = docker(CLEAN);
    const missing = await runEnvgen(['vulns', '--image', 'app', '--db', RECORDS_DIR, '--json'], {
      ...fake,
      env: { ...fake.env, PATH: '/nonexistent' },
    });
    const down = await runEnvgen(['vulns', '--image', 'app', '--db', RECORDS_DIR, '--json'], {
      ...fake,
      env: { ...fake.env, FAKE_DOCKER_MISSING_DAEMON: '1' },
    });
    expect([missing.exitCode, down.exitCode]).toEqual([3, 3]);
    expect((JSON.parse(missing.stdout) as Report).problems.map((p) => p.ruleId)).toEqual([
      'image/no-docker',
    ]);
    expect((JSON.parse(down.stdout) as Report).problems.map((p) => p.ruleId)).toEqual([
      'image/docker-daemon',
    ]);
    expect(fake.calls().some((c) => c.argv[0] === 'create')).toBe(false);
  });
});

describe('readImageEnvironment, interrupted', () => {
  it('an interrupt during docker cp stops it, and the container is still removed', async () => {
    const fake = docker(CLEAN, { FAKE_DOCKER_HANG_CP: '1' });
    const io = createNodeIo({ ...process.env, ...fake.env });
    const controller = new AbortController();
    const reading = readImageEnvironment(io, resolve('fixtures/bin/docker'), 'app', {
      signal: controller.signal,
    });
    // Interrupt once the copy has started (the fake records each call before it answers).
    while (!fake.calls().some((c) => c.argv[0] === 'cp')) {
      await new Promise((done) => setTimeout(done, 20));
    }
    controller.abort();
    const error = await reading.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).problems.map((p) => p.ruleId)).toEqual(['image/canceled']);
    expect(fake.calls().map((c) => c.argv[0])).toEqual(['create', 'cp', 'rm']);
  });
});
