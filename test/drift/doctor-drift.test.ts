/**
 * `envgen doctor` runs drift for each model whose environment exists, and lists what drifted
 * under the model; without an environment nothing changes. No GPU here: the fake nvidia-smi of
 * fixtures/bin (see test/cli/doctor.test.ts).
 */
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const PREFIXES = join(import.meta.dirname, '../../fixtures/prefixes');
const BIN = resolve('fixtures/bin');

function repoWith(prefix: string | null): string {
  const dir = tmpDir();
  cpSync(join(PREFIXES, 'repo'), dir, { recursive: true });
  if (prefix) cpSync(join(PREFIXES, prefix), join(dir, '.envgen/envs/tagger'), { recursive: true });
  return dir;
}

interface Report {
  models: { name: string; status: string; problems: { ruleId: string; severity: string }[] }[];
}

async function doctor(dir: string) {
  const result = await runEnvgen(['doctor', '--json'], {
    cwd: dir,
    env: {
      PATH: `${BIN}:${process.env.PATH}`,
      FAKE_NVIDIA_SMI: 'a100-535',
      FAKE_CONDA_CUDA: '12.4',
      MAMBA_EXE: undefined,
      CONDA_EXE: undefined,
      CUDA_HOME: undefined,
      CUDA_PATH: undefined,
      LD_LIBRARY_PATH: undefined,
      CONDA_OVERRIDE_CUDA: undefined,
    },
  });
  const report = JSON.parse(result.stdout) as Report;
  const tagger = report.models.find((m) => m.name === 'tagger');
  return {
    ...result,
    tagger,
    drift: tagger?.problems
      .filter((p) => /^(drift|prefix)\//.test(p.ruleId))
      .map((p) => [p.ruleId, p.severity]),
  };
}

describe('envgen doctor and drift', () => {
  it('reports nothing of drift when the environment matches its lock', async () => {
    const { drift } = await doctor(repoWith('clean'));
    expect(drift).toEqual([]);
  });

  it("lists the environment's drift under its model, as an error", async () => {
    const { drift, tagger, exitCode } = await doctor(repoWith('edited-py'));
    expect(drift).toEqual([['drift/altered-file', 'error']]);
    expect(tagger?.status).toBe('error');
    expect(exitCode).toBe(1);
  });

  it('checks nothing of drift where the model has no environment', async () => {
    const { drift, tagger } = await doctor(repoWith(null));
    expect(drift).toEqual([]);
    expect(tagger?.problems).toEqual([]);
  });

  it('a model without a lock is information: its files are still checked', async () => {
    const dir = repoWith('deleted-file');
    rmSync(join(dir, 'envs/tagger/conda-linux-64.lock'));
    const { drift } = await doctor(dir);
    expect(drift).toEqual([
      ['drift/no-lock', 'info'],
      ['drift/deleted-file', 'error'],
    ]);
  });
});
