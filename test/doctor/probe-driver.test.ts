/**
 * The GPU-driver probe of `envgen doctor`, run through the real Io against a FAKE nvidia-smi:
 * these test machines have no GPU and no NVIDIA driver. `fixtures/bin/nvidia-smi` stands in for
 * nvidia-smi and prints the files of one scenario under `fixtures/nvidia-smi/` (chosen with
 * FAKE_NVIDIA_SMI); those outputs are reconstructed in nvidia-smi's format, not recorded on a
 * real machine (see the README there).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { capabilityFromName, GPU_CAPABILITIES } from '../../src/doctor/gpu-capabilities.js';
import {
  type DriverProbe,
  type GpuInfo,
  parseBanner,
  parseQuery,
  probeDriver,
} from '../../src/doctor/probe-driver.js';
import { createNodeIo, type ExecResult } from '../../src/io.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const fakeBin = join(root, 'fixtures', 'bin');

function probe(
  scenario: string | undefined,
  extra: Record<string, string> = {},
  options: { timeoutMs?: number } = {},
): Promise<DriverProbe> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
    FAKE_NVIDIA_SMI: scenario,
    ...extra,
  };
  if (scenario === undefined) delete env.FAKE_NVIDIA_SMI;
  return probeDriver(createNodeIo(env), options);
}

const fromSmi = (
  index: number,
  name: string,
  computeCapability: string,
  memoryMiB: number,
): GpuInfo => ({ index, name, computeCapability, memoryMiB, capabilitySource: 'nvidia-smi' });

const times = (count: number, gpu: (index: number) => GpuInfo): GpuInfo[] =>
  Array.from({ length: count }, (_, index) => gpu(index));

describe('probeDriver with working drivers', () => {
  const cases: Array<{ scenario: string; driver: string; maxCuda: string; gpus: GpuInfo[] }> = [
    {
      scenario: 'a100-535',
      driver: '535.104.05',
      maxCuda: '12.2',
      gpus: [fromSmi(0, 'NVIDIA A100-SXM4-80GB', '8.0', 81920)],
    },
    {
      scenario: 'a10-550',
      driver: '550.54.15',
      maxCuda: '12.4',
      gpus: times(2, (i) => fromSmi(i, 'NVIDIA A10', '8.6', 23028)),
    },
    {
      scenario: 'l4-570',
      driver: '570.124.06',
      maxCuda: '12.8',
      gpus: [fromSmi(0, 'NVIDIA L4', '8.9', 23034)],
    },
    {
      scenario: 'h100-580',
      driver: '580.65.06',
      maxCuda: '13.0',
      gpus: times(8, (i) => fromSmi(i, 'NVIDIA H100 80GB HBM3', '9.0', 81559)),
    },
    {
      scenario: 'volta-hopper-550',
      driver: '550.54.15',
      maxCuda: '12.4',
      gpus: [
        fromSmi(0, 'Tesla V100-SXM2-32GB', '7.0', 32768),
        fromSmi(1, 'Tesla V100-SXM2-32GB', '7.0', 32768),
        fromSmi(2, 'NVIDIA H100 80GB HBM3', '9.0', 81559),
        fromSmi(3, 'NVIDIA H100 80GB HBM3', '9.0', 81559),
      ],
    },
    {
      scenario: 'p100-560',
      driver: '560.35.03',
      maxCuda: '12.6',
      gpus: [fromSmi(0, 'Tesla P100-PCIE-16GB', '6.0', 16384)],
    },
    {
      scenario: 'b200-575',
      driver: '575.57.08',
      maxCuda: '12.9',
      gpus: [fromSmi(0, 'NVIDIA B200', '10.0', 183359)],
    },
  ];

  for (const { scenario, driver, maxCuda, gpus } of cases) {
    it(`reads ${scenario}`, async () => {
      expect(await probe(scenario)).toEqual({ kind: 'ok', driver, maxCuda, gpus, notes: [] });
    });
  }

  it('falls back to the GPU name when the driver (470) rejects compute_cap, and says so', async () => {
    const result = await probe('t4-470');
    expect(result).toMatchObject({
      kind: 'ok',
      driver: '470.223.02',
      maxCuda: '11.4',
      gpus: [
        {
          index: 0,
          name: 'Tesla T4',
          computeCapability: '7.5',
          memoryMiB: 15109,
          capabilitySource: 'gpu-name',
        },
      ],
    });
    if (result.kind !== 'ok') throw new Error('unreachable');
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0]).toMatch(/470\.223\.02.*too old to report compute_cap.*GPUs' names/);
  });

  it('behaves like a100-535 when FAKE_NVIDIA_SMI is unset', async () => {
    expect(await probe(undefined)).toMatchObject({ kind: 'ok', driver: '535.104.05' });
  });

  it('runs the query with compute_cap, then without it on old drivers, then the banner', async () => {
    const dir = tmpDir();
    const log = join(dir, 'calls.jsonl');
    const query = (fields: string) => [`--query-gpu=${fields}`, '--format=csv,noheader,nounits'];
    const calls = (): unknown[] =>
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { tool: string; argv: string[] }).argv);

    await probe('a100-535', { ENVGEN_FAKE_LOG: log });
    expect(calls()).toEqual([query('index,name,driver_version,compute_cap,memory.total'), []]);

    await probe('t4-470', { ENVGEN_FAKE_LOG: join(dir, 'calls.jsonl') });
    expect(calls().slice(2)).toEqual([
      query('index,name,driver_version,compute_cap,memory.total'),
      query('index,name,driver_version,memory.total'),
      [],
    ]);
  });
});

describe('probeDriver when nvidia-smi cannot answer', () => {
  it('reports missing when nvidia-smi is not on PATH', async () => {
    expect(await probeDriver(createNodeIo({ ...process.env, PATH: '/nonexistent' }))).toEqual({
      kind: 'missing',
      tried: 'nvidia-smi on PATH',
    });
  });

  it('reports an NVML driver/library version mismatch', async () => {
    expect(await probe('nvml-mismatch')).toEqual({
      kind: 'nvml-mismatch',
      detail:
        'Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 550.127',
    });
  });

  it('reports a driver that is not loaded (exit 9)', async () => {
    const result = await probe('driver-not-loaded');
    expect(result.kind).toBe('driver-not-loaded');
    expect(result).toHaveProperty(
      'detail',
      expect.stringContaining("couldn't communicate with the NVIDIA driver"),
    );
  });

  it('reports no devices', async () => {
    expect(await probe('no-devices')).toEqual({
      kind: 'no-devices',
      driver: null,
      detail: 'No devices were found',
    });
  });

  it('reports other failures with the exit code and its meaning', async () => {
    const result = await probe('gpu-lost');
    expect(result).toMatchObject({ kind: 'failed', timedOut: false });
    expect(result).toHaveProperty(
      'detail',
      expect.stringMatching(/^nvidia-smi exited 15 \(a GPU has fallen off the bus.*GPU is lost/s),
    );
  });

  it('stops a hung nvidia-smi and reports the timeout', async () => {
    const result = await probe('hang', {}, { timeoutMs: 500 });
    expect(result).toMatchObject({ kind: 'failed', timedOut: true });
    expect(result).toHaveProperty('detail', expect.stringContaining('did not answer within 0.5 s'));
  });
});

const exec = (over: Partial<ExecResult>): ExecResult => ({
  exitCode: 0,
  stdout: '',
  stderr: '',
  durationMs: 1,
  timedOut: false,
  canceled: false,
  notFound: false,
  ...over,
});

describe('parsing nvidia-smi output', () => {
  it('treats [N/A] and [Not Supported] as no value and keeps every GPU', () => {
    const parsed = parseQuery(
      '0, NVIDIA A100-SXM4-80GB, 535.104.05, [N/A], 81920\n1, Odd, GPU, 535.104.05, 8.6, [Not Supported]\n',
      true,
    );
    expect(parsed.gpus).toEqual([
      { index: 0, name: 'NVIDIA A100-SXM4-80GB', computeCapability: null, memoryMiB: 81920 },
      { index: 1, name: 'Odd, GPU', computeCapability: '8.6', memoryMiB: null },
    ]);
    expect(parsed.drivers).toEqual(['535.104.05', '535.104.05']);
    expect(parsed.unreadable).toEqual([]);
  });

  it('sets aside lines it cannot read', () => {
    expect(parseQuery('garbage\n', true)).toEqual({
      gpus: [],
      drivers: [],
      unreadable: ['garbage'],
    });
  });

  it('reads the highest CUDA version from the banner, N/A and absent as null', () => {
    const notes: string[] = [];
    const line = (cuda: string) =>
      `| NVIDIA-SMI 418.92       Driver Version: 418.92       CUDA Version: ${cuda}     |`;
    expect(parseBanner(exec({ stdout: line('10.1') }), notes)).toEqual({
      driver: '418.92',
      maxCuda: '10.1',
    });
    expect(notes).toEqual([]);
    expect(parseBanner(exec({ stdout: line('N/A') }), notes).maxCuda).toBeNull();
    expect(
      parseBanner(exec({ stdout: '| NVIDIA-SMI 340.108  Driver Version: 340.108 |' }), notes),
    ).toEqual({ driver: '340.108', maxCuda: null });
    expect(parseBanner(exec({ exitCode: 255 }), notes).maxCuda).toBeNull();
    expect(notes).toHaveLength(3);
  });
});

describe('compute capability from the GPU name', () => {
  it.each([
    ['Tesla K80', '3.7'],
    ['Tesla P4', '6.1'],
    ['Tesla P40', '6.1'],
    ['Tesla P100-PCIE-16GB', '6.0'],
    ['Tesla V100-SXM2-32GB', '7.0'],
    ['Tesla V100S-PCIE-32GB', '7.0'],
    ['Tesla T4', '7.5'],
    ['NVIDIA GeForce RTX 2080 Ti', '7.5'],
    ['Quadro RTX 8000', '7.5'],
    ['NVIDIA A100-SXM4-80GB', '8.0'],
    ['NVIDIA A100 80GB PCIe', '8.0'],
    ['NVIDIA A30', '8.0'],
    ['NVIDIA A10', '8.6'],
    ['NVIDIA A10G', '8.6'],
    ['NVIDIA A40', '8.6'],
    ['NVIDIA A2', '8.6'],
    ['NVIDIA A16', '8.6'],
    ['NVIDIA RTX A6000', '8.6'],
    ['NVIDIA GeForce RTX 3090', '8.6'],
    ['NVIDIA L4', '8.9'],
    ['NVIDIA L40', '8.9'],
    ['NVIDIA L40S', '8.9'],
    ['NVIDIA GeForce RTX 4090', '8.9'],
    ['NVIDIA RTX 6000 Ada Generation', '8.9'],
    ['NVIDIA H100 80GB HBM3', '9.0'],
    ['NVIDIA H100 PCIe', '9.0'],
    ['NVIDIA H200', '9.0'],
    ['NVIDIA GH200 480GB', '9.0'],
    ['NVIDIA B200', '10.0'],
    ['NVIDIA GB200', '10.0'],
    ['NVIDIA GeForce RTX 5090', '12.0'],
    ['NVIDIA RTX PRO 6000 Blackwell Server Edition', '12.0'],
    ['nvidia a100-sxm4-40gb', '8.0'],
  ])('%s -> %s', (name, capability) => {
    expect(capabilityFromName(name)).toBe(capability);
  });

  it('gives null for names it does not know', () => {
    expect(capabilityFromName('Matrox G200eW3')).toBeNull();
  });

  it("finds each entry's own example under that entry (no earlier entry shadows it)", () => {
    for (const entry of GPU_CAPABILITIES) {
      expect(capabilityFromName(entry.example), entry.example).toBe(entry.capability);
      const first = GPU_CAPABILITIES.find((other) => other.pattern.test(entry.example));
      expect(first, entry.example).toBe(entry);
    }
  });
});
