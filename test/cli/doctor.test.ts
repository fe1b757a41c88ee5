/**
 * `envgen doctor` end to end. No GPU here: fixtures/bin/nvidia-smi is a fake that prints the
 * scenario in fixtures/nvidia-smi/<FAKE_NVIDIA_SMI> (reconstructed in nvidia-smi's format), and
 * the fake conda/docker stand in for the real tools.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const BIN = resolve('fixtures/bin');

function machine(scenario: string, extra: Record<string, string | undefined> = {}) {
  return {
    PATH: `${BIN}:${process.env.PATH}`,
    FAKE_NVIDIA_SMI: scenario,
    FAKE_CONDA_CUDA: '12.4',
    MAMBA_EXE: undefined,
    CONDA_EXE: undefined,
    CUDA_HOME: undefined,
    CUDA_PATH: undefined,
    LD_LIBRARY_PATH: undefined,
    CONDA_OVERRIDE_CUDA: undefined,
    ...extra,
  };
}

const spec = (models: Record<string, string>) =>
  `version: 1\nmodels:\n${Object.entries(models)
    .map(([name, body]) => `  ${name}:\n${body.replace(/^/gm, '    ')}`)
    .join('\n')}\n`;

interface Verdict {
  name: string;
  status: string;
  problems: { ruleId: string; severity: string; fix: string }[];
}

async function doctor(
  scenario: string,
  models: Record<string, string>,
  extra: Record<string, string | undefined> = {},
) {
  // No models: a folder without envgen.yaml, where doctor checks only the machine.
  const dir = tmpDir(Object.keys(models).length > 0 ? { 'envgen.yaml': spec(models) } : {});
  const result = await runEnvgen(['doctor', '--json'], { cwd: dir, env: machine(scenario, extra) });
  return {
    ...result,
    report: JSON.parse(result.stdout) as {
      ok: boolean;
      models: Verdict[];
      problems: { ruleId: string; severity: string }[];
    } & Record<string, unknown>,
  };
}

const ids = (v: Verdict | undefined) =>
  v?.problems.filter((p) => p.severity !== 'info').map((p) => [p.ruleId, p.severity]);

describe('envgen doctor: the machine', () => {
  it('reports the driver, the highest CUDA it supports and every GPU', async () => {
    const { exitCode, report } = await doctor('volta-hopper-550', {});
    expect(exitCode).toBe(0);
    expect(report.driver).toBe('550.54.15');
    expect(report.maxCuda).toBe('12.4');
    expect(
      (report.gpus as { computeCapability: string }[]).map((g) => g.computeCapability),
    ).toEqual(['7.0', '7.0', '9.0', '9.0']);
    expect(report.conda).toMatchObject({ kind: 'micromamba', cuda: '12.4' });
    expect(report.docker).toMatchObject({ nvidiaRuntime: true });
  });

  it('an old driver without compute_cap: capabilities from the GPU name, and it says so', async () => {
    const { report } = await doctor('t4-470', {});
    expect(report.gpus).toEqual([
      expect.objectContaining({ name: expect.stringContaining('T4'), computeCapability: '7.5' }),
    ]);
    expect((report.notes as string[]).join('\n')).toMatch(/compute_cap/);
  });

  it.each([
    ['nvml-mismatch', 'doctor/nvml-mismatch'],
    ['driver-not-loaded', 'doctor/driver-not-loaded'],
    ['no-devices', 'doctor/no-devices'],
  ])('%s is a finding with its fix (exit 1)', async (scenario, id) => {
    const { exitCode, report } = await doctor(scenario, { m: 'torch: "2.4"\ncuda: "12.1"\n' });
    expect(exitCode).toBe(1);
    expect(report.problems.map((p) => p.ruleId)).toContain(id);
    expect(report.models[0]?.status).toBe('error');
  });

  it('no nvidia-smi at all is a finding too (exit 1), and CPU models still run', async () => {
    const dir = tmpDir({ 'envgen.yaml': spec({ cpu: 'torch: "2.4"\ncuda: cpu\n' }) });
    const result = await runEnvgen(['doctor', '--json'], {
      cwd: dir,
      env: machine('a100-535', { PATH: `${tmpDir()}:/usr/bin:/bin` }),
    });
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.problems.map((p: { ruleId: string }) => p.ruleId)).toContain('doctor/no-driver');
    expect(report.models[0].status).toBe('ok');
  });

  it('a hanging nvidia-smi means doctor could not look (exit 3)', async () => {
    const dir = tmpDir();
    const result = await runEnvgen(['doctor'], { cwd: dir, env: machine('hang') });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('[doctor/nvidia-smi-failed]');
  }, 60_000);

  it('CUDA_HOME and CUDA libraries on LD_LIBRARY_PATH are warnings', async () => {
    const { report } = await doctor(
      'a100-535',
      {},
      { CUDA_HOME: '/usr/local/cuda-11.8', LD_LIBRARY_PATH: '/usr/local/cuda/lib64:/opt/lib' },
    );
    expect(report.problems.map((p) => p.ruleId)).toEqual(
      expect.arrayContaining(['doctor/cuda-home', 'doctor/ld-library-path']),
    );
  });

  it('conda that detects no __cuda on a GPU machine is a warning', async () => {
    const { report } = await doctor('a100-535', {}, { FAKE_CONDA_CUDA: undefined });
    expect(report.problems.map((p) => p.ruleId)).toContain('doctor/conda-no-cuda');
  });

  it('a docker whose daemon does not answer is one line, marked as a problem, not as a check passed', async () => {
    const env = machine('a100-535', { FAKE_DOCKER_MISSING_DAEMON: '1' });
    const result = await runEnvgen(['doctor', '--conda', resolve(BIN, 'conda')], {
      cwd: tmpDir(),
      env,
    });
    const docker = result.stdout.split('\n').filter((line) => /^\s+\S+ docker/.test(line));
    expect(docker).toHaveLength(1);
    expect(docker[0]).toMatch(/^\s+! docker is installed but its daemon does not answer/);
    const json = JSON.parse(
      (
        await runEnvgen(['doctor', '--json', '--conda', resolve(BIN, 'conda')], {
          cwd: tmpDir(),
          env,
        })
      ).stdout,
    );
    expect(json.problems.map((p: { ruleId: string }) => p.ruleId)).toContain(
      'doctor/docker-daemon',
    );
  });

  it('docker is information unless the models run in containers', async () => {
    const env = machine('a100-535', { PATH: `${BIN}:/usr/bin:/bin` });
    const noDocker = { ...env, PATH: env.PATH.replace(BIN, tmpDir()) };
    const dir = tmpDir();
    const plain = JSON.parse(
      (
        await runEnvgen(['doctor', '--json', '--conda', resolve(BIN, 'conda')], {
          cwd: dir,
          env: noDocker,
        })
      ).stdout,
    );
    expect(
      plain.problems.find((p: { ruleId: string }) => p.ruleId === 'doctor/no-docker')?.severity,
    ).toBe('info');
    const containers = await runEnvgen(
      ['doctor', '--json', '--docker', '--conda', resolve(BIN, 'conda')],
      { cwd: dir, env: noDocker },
    );
    expect(containers.exitCode).toBe(1);
  });
});

describe('envgen doctor: the models', () => {
  it('a CUDA 12.4 build on driver 535: a warning (minor-version compatibility), exit 0', async () => {
    const { exitCode, report } = await doctor('a100-535', {
      m: 'torch: "2.4"\ncuda: "12.4"\nsource: pip\n',
    });
    expect(exitCode).toBe(0);
    expect(report.models[0]?.status).toBe('warning');
    expect(ids(report.models[0])).toEqual([['doctor/minor-compat', 'warning']]);
  });

  it('a CUDA 13.0 build on driver 535: an error, with the driver or the build to use instead', async () => {
    const { exitCode, report } = await doctor('a100-535', {
      m: 'torch: "2.9"\ncuda: "13.0"\nsource: pip\n',
    });
    expect(exitCode).toBe(1);
    const [problem] = report.models[0]?.problems ?? [];
    expect(problem?.ruleId).toBe('doctor/driver-too-old');
    expect(problem?.fix).toContain('580');
    expect(problem?.fix).toMatch(/CUDA 12\.8/);
  });

  it("torch 2.11's CUDA 12.8 build on Volta: an error naming the CUDA 12.6 build; the 12.6 build is fine", async () => {
    const bad = await doctor('volta-hopper-550', {
      m: 'torch: "2.11"\ncuda: "12.8"\nsource: pip\n',
    });
    expect(bad.exitCode).toBe(1);
    const problem = bad.report.models[0]?.problems.find((p) => p.ruleId === 'doctor/arch-missing');
    expect(problem?.fix).toMatch(/CUDA 12\.6/);
    const good = await doctor('volta-hopper-550', {
      m: 'torch: "2.11"\ncuda: "12.6"\nsource: pip\n',
    });
    expect(good.report.models[0]?.problems.some((p) => p.ruleId === 'doctor/arch-missing')).toBe(
      false,
    );
  });

  it('torch 2.8 and later CUDA 12.8 builds on Pascal: an error', async () => {
    for (const torch of ['2.8', '2.10']) {
      const { report } = await doctor('p100-560', {
        m: `torch: "${torch}"\ncuda: "12.8"\nsource: pip\n`,
      });
      expect(report.models[0]?.problems.map((p) => p.ruleId)).toContain('doctor/arch-missing');
    }
  });

  it('Hopper on torch 1.13 (the measured floor) suggests the smallest upgrade that runs', async () => {
    const { report } = await doctor('h100-580', {
      m: 'torch: "1.13"\ncuda: "11.7"\npython: "3.9"\n',
    });
    const problem = report.models[0]?.problems.find((p) => p.ruleId === 'doctor/arch-missing');
    expect(problem?.fix).toMatch(/torch 2\.0\.\d/);
  });

  it('an unknown arch list is information, not a warning', async () => {
    // The aarch64 CUDA wheels' arch lists are not in the table (their build script could not
    // be read at the release commit); an L4 (8.9) has no measured floor either.
    const { exitCode, report } = await doctor('l4-570', {
      m: 'torch: "2.10"\ncuda: "12.8"\nsource: pip\nplatform: linux-aarch64\n',
    });
    expect(exitCode).toBe(0);
    expect(report.models[0]?.status).toBe('ok');
    expect(report.models[0]?.problems.map((p) => [p.ruleId, p.severity])).toEqual([
      ['doctor/arch-unknown', 'info'],
    ]);
  });

  it('where the environment exists, the smoke check runs in it on the GPU', async () => {
    const dir = tmpDir({
      'envgen.yaml': spec({ m: 'torch: "2.1"\ncuda: "11.8"\nsource: pytorch\n' }),
    });
    const env = machine('a100-535', {
      PYTHONDONTWRITEBYTECODE: '1',
      STUB_TORCH_VERSION: '2.1.2',
      STUB_TORCH_CUDA: '11.8',
    });
    await runEnvgen(['generate'], { cwd: dir });
    expect((await runEnvgen(['build'], { cwd: dir, env })).exitCode).toBe(0);
    // The stub torch sees an A100, but its build lacks sm_80 and kernels fail.
    const gpu = {
      ...env,
      STUB_GPUS: 'NVIDIA A100-SXM4-80GB=8.0',
      STUB_ARCH_LIST: 'sm_90',
      STUB_MATMUL_ERROR: 'CUDA error: no kernel image is available for execution on the device',
    };
    const result = await runEnvgen(['doctor', '--json'], { cwd: dir, env: gpu });
    expect(result.exitCode).toBe(1);
    const model = JSON.parse(result.stdout).models[0];
    expect(model.problems.map((p: { ruleId: string }) => p.ruleId)).toEqual(
      expect.arrayContaining(['smoke/arch', 'smoke/device-op']),
    );
  });

  it('Ctrl-C stops the smoke check it is running and exits 130, with the report so far', async () => {
    const dir = tmpDir({
      'envgen.yaml': spec({ m: 'torch: "2.1"\ncuda: "11.8"\nsource: pytorch\n' }),
    });
    const env = machine('a100-535', {
      PYTHONDONTWRITEBYTECODE: '1',
      STUB_TORCH_VERSION: '2.1.2',
      STUB_TORCH_CUDA: '11.8',
    });
    await runEnvgen(['generate'], { cwd: dir });
    expect((await runEnvgen(['build'], { cwd: dir, env })).exitCode).toBe(0);
    const pidFile = join(dir, 'smoke.pid');
    const running = runEnvgen(['doctor', '--json'], {
      cwd: dir,
      env: { ...env, STUB_IMPORT_SLEEP: '30', STUB_PID_FILE: pidFile },
    });
    while (!existsSync(pidFile)) await new Promise((done) => setTimeout(done, 50));
    process.emit('SIGINT');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(
      JSON.parse(result.stdout).models[0].problems.map((p: { ruleId: string }) => p.ruleId),
    ).toContain('build/canceled');
    expect(process.listenerCount('SIGINT')).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((done) => setTimeout(done, 300));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('the checklist: a mark per check and a fix under each problem', async () => {
    const dir = tmpDir({ 'envgen.yaml': spec({ m: 'torch: "2.9"\ncuda: "13.0"\nsource: pip\n' }) });
    const result = await runEnvgen(['doctor'], { cwd: dir, env: machine('a100-535') });
    expect(result.stdout).toMatch(/✓ driver 535\.104\.05/);
    expect(result.stdout).toMatch(
      /✗ m: torch 2\.9\.1, CUDA 13\.0: cannot run here\n.*✗ .*\n\s+fix: /,
    );
  });
});

describe('envgen doctor: the NVIDIA Container Toolkit against its container-escape advisories', () => {
  // CVE-2024-0132 is fixed in 1.16.2, CVE-2025-23359 in 1.17.4 (src/doctor/container-toolkit.ts).
  const toolkit = async (version: string | undefined, path?: string) => {
    const { report } = await doctor(
      'a100-535',
      {},
      {
        FAKE_NVIDIA_CTK: version,
        ...(path ? { PATH: path } : {}),
      },
    );
    return report as typeof report & { notes: string[] };
  };
  const ctkProblems = (report: { problems: { ruleId: string; severity: string }[] }) =>
    report.problems.filter((p) => p.ruleId.startsWith('doctor/nvidia-ctk'));

  it.each([
    ['1.16.1', ['CVE-2024-0132', 'CVE-2025-23359']],
    ['1.16.2', ['CVE-2025-23359']],
    ['1.17.3', ['CVE-2025-23359']],
    ['1.17.4', []],
    ['1.18.0', []],
  ])('nvidia-ctk %s is affected by %j', async (version, cves) => {
    const found = ctkProblems(await toolkit(version)) as {
      ruleId: string;
      severity: string;
      message?: string;
    }[];
    expect(found.map((p) => [p.ruleId, p.severity])).toEqual(
      cves.map(() => ['doctor/nvidia-ctk-vulnerable', 'error']),
    );
    expect(found.map((p) => /CVE-\d+-\d+/.exec(p.message ?? '')?.[0])).toEqual(cves);
  });

  it('a vulnerable toolkit fails doctor (exit 1)', async () => {
    const { exitCode } = await doctor('a100-535', {}, { FAKE_NVIDIA_CTK: '1.16.1' });
    expect(exitCode).toBe(1);
  });

  it('an nvidia-ctk that does not say its version is information', async () => {
    expect(ctkProblems(await toolkit('broken')).map((p) => [p.ruleId, p.severity])).toEqual([
      ['doctor/nvidia-ctk-unknown', 'info'],
    ]);
  });

  it('no nvidia-ctk: the check is skipped, with a note', async () => {
    // Only the fake nvidia-smi, conda and docker: a folder without nvidia-ctk, then the system's.
    const bin = tmpDir();
    for (const tool of ['nvidia-smi', 'conda', 'docker']) {
      const { symlinkSync } = await import('node:fs');
      symlinkSync(join(BIN, tool), join(bin, tool));
    }
    const report = await toolkit(undefined, `${bin}:/usr/bin:/bin`);
    expect(ctkProblems(report)).toEqual([]);
    expect(report.notes.some((n) => n.includes('nvidia-ctk is not on PATH'))).toBe(true);
  });
});
