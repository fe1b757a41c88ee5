/**
 * Channel priority: every solve is strict, whatever the machine's or the image's .condarc says,
 * for every source (pytorch channel, conda-forge, pip) and every base image; an install from a
 * lock solves nothing and gets no setting. Checked in the generated Dockerfiles (read back with
 * dockerfile-ast) and in the command lines and environment the fake conda tools of fixtures/bin
 * record for `envgen build`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_BIN, fakeTools } from '../helpers/fake-tools.js';
import {
  type FixtureChannelServer,
  NO_PROXY_ENV,
  serveChannels,
} from '../helpers/fixture-channel.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const SPEC = `version: 1
models:
  chat:
    torch: "2.1"
    python: "3.11"
    cuda: "11.8"
    source: pytorch
  forge:
    torch: "2.5"
    python: "3.11"
    cuda: cpu
    source: conda-forge
    base: miniforge
  wheels:
    torch: "2.4"
    python: "3.11"
    cuda: "12.1"
    source: pip
  mm:
    torch: "2.4"
    python: "3.11"
    cuda: cpu
    source: conda-forge
    base: micromamba
`;

/** The build stage's instructions: from its FROM to the next FROM. */
function buildStage(dockerfile: string): Instruction[] {
  const all = DockerfileParser.parse(dockerfile).getInstructions();
  const next = all.findIndex((i, n) => n > 0 && i.getKeyword() === 'FROM');
  return all.slice(0, next);
}

const text = (i: Instruction): string => i.getTextContent();

describe('channel priority in the generated build stage', () => {
  it('conda (miniconda, miniforge) solves with CONDA_CHANNEL_PRIORITY=strict set before the solve', async () => {
    const dir = tmpDir({ 'envgen.yaml': SPEC });
    expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
    for (const model of ['chat', 'forge', 'wheels']) {
      const stage = buildStage(readFileSync(join(dir, 'envs', model, 'Dockerfile'), 'utf8'));
      const env = stage.findIndex((i) => text(i) === 'ENV CONDA_CHANNEL_PRIORITY=strict');
      const solve = stage.findIndex((i) => text(i).includes('conda env create'));
      expect([model, env >= 0, solve > env]).toEqual([model, true, true]);
    }
    const micromamba = buildStage(readFileSync(join(dir, 'envs/mm/Dockerfile'), 'utf8'));
    const run = micromamba.find((i) => text(i).includes('micromamba create'));
    expect(run && text(run)).toContain('micromamba create --yes --strict-channel-priority ');
  });
});

describe('channel priority in envgen build', () => {
  /** The stub torch answers as the model's resolved torch, so the smoke check passes. */
  async function repo(torch = { version: '2.1.2', cuda: '11.8' }) {
    const dir = tmpDir({ 'envgen.yaml': SPEC });
    expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
    return { dir, ...fakeTools(dir, torch) };
  }

  it('conda: `env create` gets CONDA_CHANNEL_PRIORITY=strict (it has no flag for it)', async () => {
    const { dir, env, calls } = await repo();
    const result = await runEnvgen(['build', 'chat', '--conda', join(FAKE_BIN, 'conda')], {
      cwd: dir,
      env: { ...env, CONDA_CHANNEL_PRIORITY: 'flexible' },
    });
    expect(result.exitCode).toBe(0);
    const create = calls().find((c) => c.argv[0] === 'env');
    expect(create?.argv.slice(0, 2)).toEqual(['env', 'create']);
    expect(create?.argv).not.toContain('--strict-channel-priority');
    // The caller's own setting (flexible here) is replaced for the solve.
    expect(create?.env.CONDA_CHANNEL_PRIORITY).toBe('strict');
  });

  it('micromamba and mamba 2: `create --strict-channel-priority`', async () => {
    for (const tool of ['micromamba', 'mamba']) {
      const { dir, env, calls } = await repo({ version: '2.5.1', cuda: '' });
      const result = await runEnvgen(['build', 'forge', '--conda', join(FAKE_BIN, tool)], {
        cwd: dir,
        env,
      });
      expect(result.exitCode).toBe(0);
      const create = calls().find((c) => c.tool === tool && c.argv[0] === 'create');
      expect(create?.argv.slice(0, 3)).toEqual(['create', '--yes', '--strict-channel-priority']);
    }
  });
});

describe('an install from a lock solves nothing', () => {
  let channel: FixtureChannelServer;
  beforeEach(async () => {
    channel = await serveChannels();
  });
  afterEach(async () => {
    await channel.close();
  });

  it('the locked build stage and `envgen build` carry no priority setting', async () => {
    const dir = tmpDir({
      'envgen.yaml': `version: 1
lock:
  mirrors:
    conda-forge: ${channel.url}/conda-forge
models:
  tagger:
    torch: "2.5"
    python: "3.11"
    cuda: cpu
    source: conda-forge
`,
    });
    const fakes = fakeTools(dir, { version: '2.5.1', cuda: '' });
    const env = { ...fakes.env, ENVGEN_CACHE_DIR: join(dir, '.cache'), ...NO_PROXY_ENV };
    expect((await runEnvgen(['lock'], { cwd: dir, env })).exitCode).toBe(0);
    const dockerfile = readFileSync(join(dir, 'envs/tagger/Dockerfile'), 'utf8');
    expect(dockerfile).toContain('--file /tmp/envgen/conda.lock');
    expect(dockerfile).not.toContain('CHANNEL_PRIORITY');
    expect(dockerfile).not.toContain('--strict-channel-priority');
    const result = await runEnvgen(['build', '--conda', join(FAKE_BIN, 'conda')], {
      cwd: dir,
      env,
    });
    expect(result.exitCode).toBe(0);
    const create = fakes.calls().find((c) => c.tool === 'conda' && c.argv[0] === 'create');
    expect(create?.argv).toContain('--file');
    expect(create?.env.CONDA_CHANNEL_PRIORITY).toBeUndefined();
  });
});
