/**
 * The environment that puts the fake conda/micromamba/docker of fixtures/bin first on PATH
 * (and no real tool from the caller's environment), with the log they write their calls to.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FAKE_BIN = resolve('fixtures/bin');

export interface LoggedCall {
  tool: string;
  argv: string[];
  env: Record<string, string>;
}

export function fakeTools(
  dir: string,
  torch: { version: string; cuda: string },
): { env: Record<string, string | undefined>; calls: () => LoggedCall[] } {
  const log = join(dir, 'calls.jsonl');
  const env = {
    PATH: `${FAKE_BIN}:${process.env.PATH}`,
    ENVGEN_FAKE_LOG: log,
    MAMBA_EXE: undefined,
    CONDA_EXE: undefined,
    GITHUB_STEP_SUMMARY: undefined,
    PYTHONDONTWRITEBYTECODE: '1',
    STUB_TORCH_VERSION: torch.version,
    STUB_TORCH_CUDA: torch.cuda,
    STUB_GPUS: '',
  };
  const calls = (): LoggedCall[] =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as LoggedCall)
      : [];
  return { env, calls };
}
