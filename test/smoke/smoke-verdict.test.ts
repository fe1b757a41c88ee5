import { describe, expect, it } from 'vitest';
import type { ResolvedModel } from '../../src/compat/resolve.js';
import { importNameOf, importsFor } from '../../src/smoke/import-names.js';
import { type SmokeReport, smokeProblems } from '../../src/smoke/smoke-verdict.js';

const model = (over: Partial<ResolvedModel> = {}): ResolvedModel => ({
  name: 'm',
  torch: '2.4.1',
  python: '3.12',
  cuda: '12.1',
  source: 'pip',
  platform: 'linux-64',
  torchvision: null,
  torchaudio: null,
  channels: [],
  dependencies: [],
  pip: [],
  minDriver: null,
  archs: null,
  ptx: null,
  archSources: null,
  reasons: [],
  warnings: [],
  ...over,
});

const report = (over: Partial<SmokeReport> = {}): SmokeReport => ({
  torch: '2.4.1+cu121',
  cuda: '12.1',
  cudaAvailable: true,
  archList: ['sm_50', 'sm_60', 'sm_70', 'sm_75', 'sm_80', 'sm_86', 'sm_90'],
  devices: [{ index: 0, name: 'A10', capability: '8.6', matmul: { ok: true } }],
  imports: {},
  errors: [],
  ...over,
});

const ids = (m: ResolvedModel, r: SmokeReport, gpu = false) =>
  smokeProblems(m, r, { gpu }).map((p) => p.ruleId);

describe('smoke verdict', () => {
  it('accepts the resolved build (the local version label is not a mismatch)', () => {
    expect(ids(model(), report(), true)).toEqual([]);
  });

  it.each([
    ['torch did not import', report({ torch: null }), ['smoke/torch-import']],
    ['another torch version', report({ torch: '2.3.1+cu121' }), ['smoke/torch-version']],
    ['the CPU build', report({ cuda: null }), ['smoke/cpu-build']],
    ['another CUDA build', report({ cuda: '11.8' }), ['smoke/cuda-build']],
    [
      'a failed import',
      report({ imports: { transformers: { ok: false, error: 'ModuleNotFoundError' } } }),
      ['smoke/import'],
    ],
  ])('%s', (_name, r, expected) => {
    expect(ids(model(), r)).toEqual(expected);
  });

  it('another Python than the one resolved', () => {
    expect(ids(model(), report({ python: '3.11.7' }))).toEqual(['smoke/python-version']);
    expect(ids(model(), report({ python: '3.12.4' }))).toEqual([]);
    expect(ids(model({ python: '3.13t' }), report({ python: '3.13.1' }))).toEqual([]);
  });

  it('a CUDA build where the CPU build was resolved', () => {
    expect(ids(model({ cuda: 'cpu' }), report())).toEqual(['smoke/cuda-build']);
  });

  it('--gpu: no GPU, an architecture not in the build, a failing device operation', () => {
    expect(ids(model(), report({ cudaAvailable: false, devices: [] }), true)).toEqual([
      'smoke/no-gpu',
    ]);
    const blackwell = report({
      devices: [
        {
          index: 0,
          name: 'B200',
          capability: '10.0',
          matmul: { ok: false, error: 'no kernel image' },
        },
      ],
    });
    expect(ids(model(), blackwell, true)).toEqual(['smoke/arch', 'smoke/device-op']);
    // Native code for 8.0 serves 8.6 and 8.9; PTX (compute_90) serves any newer GPU.
    expect(
      ids(
        model(),
        report({ archList: ['sm_80'], devices: [{ index: 0, name: 'L4', capability: '8.9' }] }),
        true,
      ),
    ).toEqual([]);
    expect(
      ids(
        model(),
        report({
          archList: ['sm_80', 'compute_90'],
          devices: [{ index: 0, name: 'B200', capability: '10.0' }],
        }),
        true,
      ),
    ).toEqual([]);
    expect(
      ids(
        model(),
        report({ archList: ['sm_90'], devices: [{ index: 0, name: 'A100', capability: '8.0' }] }),
        true,
      ),
    ).toEqual(['smoke/arch']);
  });
});

describe('import names', () => {
  it.each([
    ['transformers>=4.35', 'transformers'],
    ['scikit-learn', 'sklearn'],
    ['Pillow==10.0', 'PIL'],
    ['uvicorn[standard]', 'uvicorn'],
    ['conda-forge::pyyaml', 'yaml'],
    ['opentelemetry-sdk', 'opentelemetry.sdk'],
    ['sentence-transformers', 'sentence_transformers'],
    ['pip', null],
    ['libjpeg-turbo', null],
    ['ffmpeg', null],
  ])('%s -> %s', (requirement, expected) => {
    expect(importNameOf(requirement)).toBe(expected);
  });

  it('lists each module once', () => {
    expect(importsFor(['numpy', 'numpy>=1', 'opencv-python', 'py-opencv'])).toEqual([
      'numpy',
      'cv2',
    ]);
  });
});
