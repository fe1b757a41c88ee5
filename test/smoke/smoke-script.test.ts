/**
 * The smoke-check script (templates/smoke_check.py.hbs) run by this machine's python3 against
 * FAKES: there is no PyTorch, conda, Docker or GPU here. `fixtures/stub-torch` is a stub `torch`
 * module (a test stand-in, not PyTorch) driven by STUB_* variables, and `fixtures/bin` holds fake
 * `conda`/`mamba`/`micromamba`/`docker` executables that record their calls. The script itself is
 * the real one, rendered from its template as `envgen generate` renders it. The last tests check
 * the fakes that the `envgen build` tests rely on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { templates } from '../../src/render/templates.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const stubTorch = join(root, 'fixtures', 'stub-torch');
const fakeBin = join(root, 'fixtures', 'bin');

const STUB_VARIABLES = [
  'STUB_TORCH_VERSION',
  'STUB_TORCH_CUDA',
  'STUB_CUDNN',
  'STUB_GPUS',
  'STUB_ARCH_LIST',
  'STUB_MATMUL_ERROR',
  'STUB_MATMUL_NAN',
  'STUB_IMPORT_ERROR',
] as const;

/** The stub's variables, all set (empty means unset to the stub) so none leaks in from outside. */
function stubEnv(values: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PYTHONPATH: stubTorch, PYTHONDONTWRITEBYTECODE: '1' };
  for (const name of STUB_VARIABLES) env[name] = '';
  return { ...env, ...values };
}

interface SmokeReport {
  python: string;
  torch: string | null;
  cuda?: string | null;
  cudnn?: number | null;
  cudaAvailable?: boolean;
  archList?: string[];
  devices?: {
    index: number;
    name: string;
    capability: string;
    matmul?: { ok: boolean; error?: string };
  }[];
  imports: Record<string, { ok: boolean; seconds?: number; error?: string }>;
  errors: string[];
}

function smokeScript(): string {
  const dir = tmpDir({ 'smoke_check.py': templates()('smoke_check.py', { header: '# test' }) });
  return join(dir, 'smoke_check.py');
}

async function smoke(
  args: string[],
  env: Record<string, string>,
): Promise<{ report: SmokeReport; exitCode: number | undefined }> {
  const result = await execa('python3', [smokeScript(), ...args], {
    env: stubEnv(env),
    reject: false,
  });
  expect(result.stderr).toBe('');
  return { report: JSON.parse(result.stdout) as SmokeReport, exitCode: result.exitCode };
}

const TWO_GPUS = 'NVIDIA A100-SXM4-80GB=8.0,NVIDIA H100 80GB HBM3=9.0';
const ARCHS = 'sm_50,sm_60,sm_70,sm_75,sm_80,sm_86,sm_90';

describe('smoke_check.py against the stub torch', () => {
  it('reports a CPU build: no CUDA, no cuDNN, no devices', async () => {
    const { report, exitCode } = await smoke([], {});
    expect(exitCode).toBe(0);
    expect(report).toMatchObject({
      torch: '2.1.2',
      cuda: null,
      cudnn: null,
      cudaAvailable: false,
      archList: [],
      devices: [],
      imports: {},
      errors: [],
    });
    expect(report.python).toMatch(/^3\.\d+\.\d+$/);
  });

  it('reports a CUDA build on a machine without a GPU (a CPU-only CI runner)', async () => {
    const { report } = await smoke(['--device'], {
      STUB_TORCH_CUDA: '11.8',
      STUB_CUDNN: '8902',
      STUB_ARCH_LIST: ARCHS,
    });
    expect(report).toMatchObject({
      torch: '2.1.2',
      cuda: '11.8',
      cudnn: 8902,
      cudaAvailable: false,
      devices: [],
      errors: [],
    });
    // torch.cuda.get_arch_list() is empty without a GPU (as in real torch); the script falls back
    // to the compiled arch flags, so a CPU-only runner still sees what the build carries.
    expect(report.archList).toEqual(ARCHS.split(','));
  });

  it('reports every GPU with its capability and a successful matmul with --device', async () => {
    const { report } = await smoke(['--device'], {
      STUB_TORCH_VERSION: '2.4.1',
      STUB_TORCH_CUDA: '12.1',
      STUB_CUDNN: '90100',
      STUB_GPUS: TWO_GPUS,
      STUB_ARCH_LIST: ARCHS,
    });
    expect(report).toMatchObject({
      torch: '2.4.1',
      cuda: '12.1',
      cudnn: 90100,
      cudaAvailable: true,
      archList: ARCHS.split(','),
      errors: [],
    });
    expect(report.devices).toEqual([
      { index: 0, name: 'NVIDIA A100-SXM4-80GB', capability: '8.0', matmul: { ok: true } },
      { index: 1, name: 'NVIDIA H100 80GB HBM3', capability: '9.0', matmul: { ok: true } },
    ]);
  });

  it('runs no device operation without --device', async () => {
    const { report } = await smoke([], { STUB_TORCH_CUDA: '12.1', STUB_GPUS: TWO_GPUS });
    expect(report.devices?.map((device) => device.matmul)).toEqual([undefined, undefined]);
  });

  it('reports a kernel that cannot run on the GPU as a failed matmul and an error', async () => {
    const message = 'CUDA error: no kernel image is available for execution on the device';
    const { report, exitCode } = await smoke(['--device'], {
      STUB_TORCH_CUDA: '11.8',
      STUB_GPUS: 'NVIDIA H100=9.0',
      STUB_ARCH_LIST: 'sm_50,sm_60,sm_70',
      STUB_MATMUL_ERROR: message,
    });
    expect(exitCode).toBe(0);
    expect(report.cudaAvailable).toBe(true);
    expect(report.devices).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100',
        capability: '9.0',
        matmul: { ok: false, error: message },
      },
    ]);
    expect(report.errors).toEqual([`cuda:0 matmul: ${message}`]);
  });

  it('reports a matmul that gives NaN as not ok', async () => {
    const { report } = await smoke(['--device'], {
      STUB_TORCH_CUDA: '12.1',
      STUB_GPUS: 'NVIDIA L4=8.9',
      STUB_MATMUL_NAN: '1',
    });
    expect(report.devices?.[0]?.matmul).toEqual({ ok: false });
  });

  it('reports a torch that does not import, and still exits 0 with one JSON object', async () => {
    const { report, exitCode } = await smoke(['--device', '--import', 'json'], {
      STUB_IMPORT_ERROR: 'libcudart.so.11.0: cannot open shared object file: No such file',
    });
    expect(exitCode).toBe(0);
    expect(report.torch).toBeNull();
    expect(report.errors).toEqual([
      'import torch: ImportError: libcudart.so.11.0: cannot open shared object file: No such file',
    ]);
    expect(report).not.toHaveProperty('cuda');
  });

  it('imports each --import module and reports the ones that fail', async () => {
    const { report } = await smoke(['--import', 'json', '--import', 'not_a_module_xyz'], {});
    expect(report.imports.json).toMatchObject({ ok: true });
    expect(report.imports.json?.seconds).toBeGreaterThanOrEqual(0);
    expect(report.imports.not_a_module_xyz).toEqual({
      ok: false,
      error: "ModuleNotFoundError: No module named 'not_a_module_xyz'",
    });
    expect(report.errors).toEqual([]);
  });

  it('finds a declared package’s module from the installed metadata, and skips packages without Python', async () => {
    // pip is installed as a distribution in the machine's Python; cmake-like names are not.
    const { report } = await smoke(
      [
        '--package',
        'pip=pip',
        '--package',
        'no-such-c-library=no_such_c_library',
        '--package',
        'json-stdlib=json',
      ],
      {},
    );
    expect(report.imports.pip).toMatchObject({ ok: true, module: 'pip' });
    expect(report.imports['no-such-c-library']).toMatchObject({ ok: null });
    // No distribution of that name, but the guessed module imports: it is checked.
    expect(report.imports['json-stdlib']).toMatchObject({ ok: true, module: 'json' });
  });

  it('reports the torch version as found, for envgen to compare with the pin', async () => {
    const { report } = await smoke([], { STUB_TORCH_VERSION: '2.0.1', STUB_TORCH_CUDA: '11.7' });
    expect(report.torch).toBe('2.0.1');
    expect(report.cuda).toBe('11.7');
  });

  it('reports a CPU build as such even on a machine with GPUs', async () => {
    const { report } = await smoke(['--device'], { STUB_GPUS: TWO_GPUS, STUB_CUDNN: '8902' });
    expect(report).toMatchObject({ cuda: null, cudnn: null, cudaAvailable: false, devices: [] });
  });
});

describe('the fake conda (fixtures/bin, a stand-in for conda in tests)', () => {
  const environmentYml = 'name: model\nchannels: [conda-forge]\ndependencies: [python=3.11]\n';

  it('creates a prefix whose python imports the stub torch, and keeps a copy of the spec', async () => {
    const dir = tmpDir({ 'environment.yml': environmentYml });
    const prefix = join(dir, 'env');
    const created = await execa(join(fakeBin, 'conda'), [
      'env',
      'create',
      '--yes',
      '--file',
      join(dir, 'environment.yml'),
      '--prefix',
      prefix,
    ]);
    expect(created.stdout).toContain('Solving environment: done');
    expect(readFileSync(join(prefix, '.envgen-fake-spec'), 'utf8')).toBe(environmentYml);
    expect(readFileSync(join(prefix, 'conda-meta', 'history'), 'utf8')).toContain('# cmd: conda');
    const { stdout } = await execa(
      join(prefix, 'bin', 'python'),
      ['-c', 'import torch; print(torch.__version__)'],
      { env: { STUB_TORCH_VERSION: '2.4.1' } },
    );
    expect(stdout.trim()).toBe('2.4.1');
  });

  it('fails a solve with conda’s JSON error object when FAKE_CONDA_FAIL=solve and --json', async () => {
    const dir = tmpDir({ 'environment.yml': environmentYml });
    const result = await execa(
      join(fakeBin, 'conda'),
      ['env', 'create', '--yes', '--file', join(dir, 'environment.yml')].concat([
        '--prefix',
        join(dir, 'env'),
        '--json',
      ]),
      { env: { FAKE_CONDA_FAIL: 'solve' }, reject: false },
    );
    expect(result.exitCode).toBe(1);
    const error = JSON.parse(result.stdout) as Record<string, string>;
    expect(error.exception_name).toBe('PackagesNotFoundError');
    expect(error.message).toContain('- pytorch-cuda=99.9');
    expect(error.exception_type).toBe("<class 'conda.exceptions.PackagesNotFoundError'>");
  });

  it('hangs with a child process when FAKE_CONDA_FAIL=hang, for timeout tests', async () => {
    const dir = tmpDir({ 'environment.yml': environmentYml });
    const pidFile = join(dir, 'child.pid');
    const child = execa(
      join(fakeBin, 'conda'),
      ['env', 'create', '--yes', '--file', join(dir, 'environment.yml'), '--prefix', dir],
      { env: { FAKE_CONDA_FAIL: 'hang', FAKE_CHILD_PID_FILE: pidFile }, reject: false },
    );
    let sleepPid = 0;
    for (let i = 0; i < 100 && !sleepPid; i++) {
      await new Promise((done) => setTimeout(done, 50));
      sleepPid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
    }
    expect(sleepPid).toBeGreaterThan(0);
    expect(() => process.kill(sleepPid, 0)).not.toThrow();
    child.kill('SIGKILL');
    const result = await child;
    expect(result.isTerminated).toBe(true);
    expect(result.stdout).toContain('Collecting package metadata');
    process.kill(sleepPid, 'SIGKILL');
  });

  it('records each call (argv, conda variables, cwd) in $ENVGEN_FAKE_LOG', async () => {
    const dir = tmpDir({ 'environment.yml': environmentYml });
    const log = join(dir, 'calls.jsonl');
    const env = { ENVGEN_FAKE_LOG: log, CONDA_OVERRIDE_CUDA: '12.1', UNRELATED_SECRET: 'x' };
    await execa(join(fakeBin, 'micromamba'), ['--version'], { env, cwd: dir });
    const argv = ['create', '--yes', '--prefix', join(dir, 'env'), '--file', 'environment.yml'];
    await execa(join(fakeBin, 'micromamba'), argv, { env, cwd: dir });
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { tool: string; argv: string[]; env: object; cwd: string },
      );
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({
      tool: 'micromamba',
      argv,
      env: { CONDA_OVERRIDE_CUDA: '12.1' },
    });
    expect(calls[1]?.env).not.toHaveProperty('UNRELATED_SECRET');
    expect(resolve(calls[1]?.cwd ?? '')).toBe(resolve(dir));
    expect(readFileSync(join(dir, 'env', '.envgen-fake-spec'), 'utf8')).toBe(environmentYml);
  });
});

describe('the fake docker (fixtures/bin, a stand-in for Docker in tests)', () => {
  it('runs the smoke check it is given, seeing GPUs only with --gpus', async () => {
    const env = {
      ...stubEnv({ STUB_TORCH_CUDA: '12.1', STUB_GPUS: 'NVIDIA H100=9.0' }),
      FAKE_DOCKER_SMOKE_SCRIPT: smokeScript(),
    };
    const image = ['--rm', 'envgen/model:test', 'python', '/opt/envgen/smoke_check.py', '--device'];
    const withGpus = await execa(join(fakeBin, 'docker'), ['run', '--gpus', 'all', ...image], {
      env,
    });
    expect(JSON.parse(withGpus.stdout)).toMatchObject({ cudaAvailable: true, errors: [] });
    const without = await execa(join(fakeBin, 'docker'), ['run', ...image], { env });
    expect(JSON.parse(without.stdout)).toMatchObject({ cudaAvailable: false, devices: [] });
  });

  it('fails every command but the client-side ones when the daemon is missing', async () => {
    const env = { FAKE_DOCKER_MISSING_DAEMON: '1' };
    const version = await execa(join(fakeBin, 'docker'), ['--version'], { env });
    expect(version.stdout).toBe('Docker version 28.2.2, build e6534b4');
    const buildx = await execa(join(fakeBin, 'docker'), ['buildx', 'version'], { env });
    expect(buildx.stdout).toContain('github.com/docker/buildx');
    const info = await execa(join(fakeBin, 'docker'), ['info', '--format', '{{json .}}'], {
      env,
      reject: false,
    });
    expect(info.exitCode).toBe(1);
    expect(info.stderr).toContain('Cannot connect to the Docker daemon');
  });
});
