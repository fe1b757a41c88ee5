import { describe, expect, it } from 'vitest';
import { type ResolveRequest, resolveModel } from '../../src/compat/resolve.js';
import { BUILTIN_TABLE, compatTable } from '../../src/compat/table.js';
import type { Build, Release } from '../../src/rules-format.js';
import { compareDotted } from '../../src/versions/dotted.js';

const table = compatTable();

function resolveOk(request: Omit<ResolveRequest, 'name'>) {
  const outcome = resolveModel(table, { name: 'm', ...request });
  if (!outcome.ok)
    throw new Error(`expected a resolution, got ${outcome.error.ruleId}: ${outcome.error.message}`);
  return outcome.model;
}

function resolveError(request: Omit<ResolveRequest, 'name'>) {
  const outcome = resolveModel(table, { name: 'm', ...request });
  if (outcome.ok)
    throw new Error(
      `expected no resolution, got torch ${outcome.model.torch} cuda ${outcome.model.cuda}`,
    );
  return outcome.error;
}

/**
 * The newest patch any build of this source, CUDA and platform exists for: where a release has
 * two such builds for different patches (1.8.0+cu111 and 1.8.1+cu111 carry different arch
 * lists), the resolver takes the newer.
 */
const newestPatch = (release: Release, build: Build, platform: string): string =>
  release.patches
    .map((p) => p.version)
    .filter((v) =>
      release.builds.some(
        (b) =>
          b.source === build.source &&
          b.cuda === build.cuda &&
          b.platforms.includes(platform as Build['platforms'][number]) &&
          (!b.patches || b.patches.includes(v)),
      ),
    )
    .sort(compareDotted)
    .at(-1) as string;

const everyBuild = BUILTIN_TABLE.releases.flatMap((release) =>
  release.builds.flatMap((build) =>
    build.platforms.map((platform) => ({ release, build, platform })),
  ),
);

describe('resolver across the whole table', () => {
  it.each(
    everyBuild.map(
      (c) => [`${c.release.torch} ${c.build.source} ${c.build.cuda} ${c.platform}`, c] as const,
    ),
  )('resolves %s to that build and its newest patch', (_label, { release, build, platform }) => {
    const model = resolveOk({
      torch: release.torch,
      cuda: build.cuda,
      source: build.source,
      platform,
    });
    expect(model.source).toBe(build.source);
    expect(model.cuda).toBe(build.cuda);
    expect(model.platform).toBe(platform);
    expect(model.torch).toBe(newestPatch(release, build, platform));
    expect(model.minDriver === null).toBe(build.cuda === 'cpu');
    if (build.unconfirmed) expect(model.warnings.join('\n')).toContain(build.unconfirmed);
  });

  it.each(BUILTIN_TABLE.releases.map((r) => [r.torch, r] as const))(
    'torch %s: a CUDA version no build has is refused, naming the builds that exist',
    (_torch, release) => {
      const error = resolveError({ torch: release.torch, cuda: '10.0' });
      expect(error.ruleId).toBe('resolve/no-build');
      expect(error.field).toBe('cuda');
      for (const build of release.builds.filter((b) => b.platforms.includes('linux-64'))) {
        expect(error.fix).toContain(build.cuda);
      }
    },
  );

  it.each(BUILTIN_TABLE.releases.map((r) => [r.torch, r] as const))(
    'torch %s: a Python below its range is refused with the supported versions',
    (_torch, release) => {
      const [major, minor] = release.python.min.split('.').map(Number);
      const error = resolveError({ torch: release.torch, python: `${major}.${Number(minor) - 1}` });
      expect(error.ruleId).toBe('resolve/python');
      expect(error.fix).toContain(release.python.min);
      expect(error.fix).toContain(release.python.max);
    },
  );

  it.each(
    BUILTIN_TABLE.releases
      .filter((r) => compareDotted(r.torch, '2.5') > 0)
      .map((r) => [r.torch] as const),
  )('torch %s is not on the pytorch channel', (torch) => {
    const error = resolveError({ torch, source: 'pytorch' });
    expect(error.ruleId).toBe('resolve/no-build');
    expect(error.fix).toMatch(/what would work: .*from (conda-forge|pip)/);
  });
});

describe('torch version specs follow conda semantics', () => {
  it.each([
    ['2.1', '2.1.2'],
    ['2.1.*', '2.1.2'],
    ['2.1.0', '2.1.0'],
    ['>=2.1,<2.3', '2.2.2'],
    ['2.0|1.13', '2.0.1'],
    ['<2', '1.13.1'],
  ])('%s -> %s', (spec, expected) => {
    expect(resolveOk({ torch: spec, cuda: 'cpu', source: 'pip' }).torch).toBe(expected);
  });

  it('reads 2.1 as the 2.1 series, not 2.10', () => {
    const model = resolveOk({ torch: '2.1' });
    expect(model.torch.startsWith('2.1.')).toBe(true);
  });

  it('refuses what is not a version spec', () => {
    expect(resolveError({ torch: '>>2' }).ruleId).toBe('resolve/bad-torch-spec');
  });

  it('lists the known releases when nothing matches', () => {
    const error = resolveError({ torch: '9.9' });
    expect(error.ruleId).toBe('resolve/unknown-torch');
    for (const release of BUILTIN_TABLE.releases) expect(error.fix).toContain(release.torch);
  });
});

describe('defaults', () => {
  it('without a torch spec picks the newest confirmed release and says what it skipped', () => {
    const confirmed = BUILTIN_TABLE.releases
      .filter((r) => !r.unconfirmed?.patches)
      .map((r) => r.torch);
    const newest = confirmed.sort(compareDotted).at(-1) as string;
    const model = resolveOk({});
    expect(model.torch.startsWith(`${newest}.`)).toBe(true);
    const skipped = BUILTIN_TABLE.releases.filter((r) => r.unconfirmed?.patches);
    for (const release of skipped) expect(model.reasons.join('\n')).toContain(release.torch);
  });

  it('an unconfirmed release asked for by name resolves with warnings', () => {
    const release = BUILTIN_TABLE.releases.find((r) => r.unconfirmed?.patches) as Release;
    const model = resolveOk({ torch: release.torch, source: 'pip' });
    expect(model.warnings.length).toBeGreaterThan(0);
  });

  it('without a Python picks the newest the release supports', () => {
    const release = BUILTIN_TABLE.releases.find((r) => r.torch === '2.4') as Release;
    expect(resolveOk({ torch: '2.4' }).python).toBe(release.python.max);
  });

  it('accepts an experimental Python only when asked, with a warning', () => {
    const model = resolveOk({ torch: '2.2', python: '3.12', source: 'pip' });
    expect(model.python).toBe('3.12');
    expect(model.warnings.some((w) => w.includes('experimental'))).toBe(true);
  });

  it('source auto prefers the pytorch channel, then conda-forge, then pip', () => {
    expect(resolveOk({ torch: '2.1', cuda: '11.8' }).source).toBe('pytorch');
    expect(resolveOk({ torch: '2.6', cuda: '12.6' }).source).toBe('conda-forge');
    expect(resolveOk({ torch: '2.6', cuda: '12.4' }).source).toBe('pip');
  });

  it('cuda auto without a fleet takes the newest confirmed build of the preferred source', () => {
    expect(resolveOk({ torch: '2.4', source: 'pytorch' }).cuda).toBe('12.4');
    // 2.12's cu129 wheels are disputed: never chosen automatically.
    expect(resolveOk({ torch: '2.12', source: 'pip' }).cuda).toBe('13.2');
    const explicit = resolveOk({ torch: '2.12', source: 'pip', cuda: '12.9' });
    expect(explicit.cuda).toBe('12.9');
    expect(explicit.warnings.length).toBeGreaterThan(0);
  });
});

describe('fleet', () => {
  it('an old driver gets CUDA 11.8 through minor-version compatibility, and says so', () => {
    const model = resolveOk({ torch: '2.1', fleet: { driver: '470.57.02' } });
    expect(model.cuda).toBe('11.8');
    expect(model.warnings.some((w) => w.includes('minor-version compatibility'))).toBe(true);
  });

  it('a driver at the toolkit floor gets the newest build without a warning', () => {
    const model = resolveOk({ torch: '2.1', source: 'pytorch', fleet: { driver: '530.30.02' } });
    expect(model.cuda).toBe('12.1');
    expect(model.warnings.filter((w) => w.includes('driver'))).toEqual([]);
  });

  it('a driver below every floor is refused', () => {
    const error = resolveError({ torch: '2.1', fleet: { driver: '440.33.01' } });
    expect(error.ruleId).toBe('resolve/fleet');
  });

  it('Pascal on torch 2.8 and later gets the CUDA 12.6 wheels', () => {
    for (const torch of ['2.8', '2.9', '2.10', '2.11']) {
      const model = resolveOk({
        torch,
        source: 'pip',
        fleet: { gpus: ['6.1'], driver: '560.35.05' },
      });
      expect(model.cuda).toBe('12.6');
      expect(model.archs).toContain('6.0');
    }
  });

  it('a GPU the sources disagree on is not relied on automatically: Volta on 2.8 gets cu126', () => {
    const model = resolveOk({
      torch: '2.8',
      source: 'pip',
      fleet: { gpus: ['7.0'], driver: '575.57.08' },
    });
    expect(model.cuda).toBe('12.6');
    const asked = resolveOk({
      torch: '2.8',
      source: 'pip',
      cuda: '12.8',
      fleet: { gpus: ['7.0'] },
    });
    expect(asked.warnings.some((w) => w.includes('7.0'))).toBe(true);
  });

  it('Blackwell gets CUDA 12.8 or newer with a driver that can run it', () => {
    for (const gpu of ['10.0', '12.0']) {
      const model = resolveOk({
        torch: '2.8',
        source: 'pip',
        fleet: { gpus: [gpu], driver: '570.124.06' },
      });
      expect(compareDotted(model.cuda, '12.8')).toBeGreaterThanOrEqual(0);
      expect(model.archs).toContain(gpu);
    }
    const newer = resolveOk({
      torch: '2.11',
      source: 'pip',
      fleet: { gpus: ['12.0'], driver: '580.65.06' },
    });
    expect(newer.cuda).toBe('13.0');
  });

  it('a measured floor is a hard bound, even where a build reaches the GPU through PTX', () => {
    // conda-forge 2.6 CUDA 12.6 carries PTX 9.0, which would JIT for Blackwell; cog measured
    // that Blackwell needs torch >= 2.7 on CUDA >= 12.8.
    expect(
      resolveError({ torch: '2.6', source: 'conda-forge', fleet: { gpus: ['12.0'] } }).ruleId,
    ).toBe('resolve/fleet');
    expect(resolveError({ torch: '2.1', fleet: { gpus: ['12.0'] } }).ruleId).toBe('resolve/fleet');
  });

  it('free-threaded Python comes from pip wheels, with conda’s python-freethreading', () => {
    const model = resolveOk({ torch: '2.6', python: '3.13t', cuda: '12.4' });
    expect(model.source).toBe('pip');
    expect(model.dependencies).toEqual(['python=3.13', 'python-freethreading', 'pip']);
    expect(resolveError({ torch: '2.6', python: '3.13t', source: 'conda-forge' }).ruleId).toBe(
      'resolve/no-build',
    );
  });

  it('Blackwell on a release before its floor is refused', () => {
    const error = resolveError({ torch: '2.6', source: 'pip', fleet: { gpus: ['12.0'] } });
    expect(error.ruleId).toBe('resolve/fleet');
  });

  it('Hopper on torch 1.13 is refused by the measured floor; 2.0 on 11.8 is allowed', () => {
    expect(resolveError({ torch: '1.13', fleet: { gpus: ['9.0'] } }).ruleId).toBe('resolve/fleet');
    expect(resolveOk({ torch: '2.0', cuda: '11.8', fleet: { gpus: ['9.0'] } }).cuda).toBe('11.8');
  });

  it('mixed Pascal + Blackwell on pip wheels is an error naming which builds carry each GPU', () => {
    const error = resolveError({
      torch: '2.8',
      source: 'pip',
      fleet: { gpus: ['6.0', '12.0'], driver: '575.57.08' },
    });
    expect(error.ruleId).toBe('resolve/fleet');
    expect(error.message).toContain('6.0');
    expect(error.message).toContain('12.0');
    // conda-forge's 12.9 build keeps Pascal and adds Blackwell: the error offers it.
    expect(error.fix).toMatch(/conda-forge with CUDA 12\.9/);
  });

  it('with source auto the same fleet resolves to the build that carries both', () => {
    const model = resolveOk({
      torch: '2.8',
      fleet: { gpus: ['6.0', '12.0'], driver: '575.57.08' },
    });
    expect(model.source).toBe('conda-forge');
    expect(model.archs).toEqual(expect.arrayContaining(['6.0', '12.0']));
  });

  it('a GPU reached only through PTX runs with a warning, and is refused under minor-version compatibility', () => {
    // conda-forge's CUDA 11.8 build carries sm up to 8.9 + PTX 8.9: Hopper (9.0) needs the JIT.
    const request = { torch: '2.1', source: 'conda-forge' as const, cuda: '11.8' };
    const full = resolveOk({ ...request, fleet: { gpus: ['9.0'], driver: '520.61.05' } });
    expect(full.warnings.some((w) => w.includes('PTX'))).toBe(true);
    expect(resolveError({ ...request, fleet: { gpus: ['9.0'], driver: '470.57.02' } }).ruleId).toBe(
      'resolve/fleet',
    );
  });

  it('native code for X.Y serves a GPU X.Z with Z >= Y', () => {
    const model = resolveOk({
      torch: '2.9',
      source: 'pip',
      cuda: '13.0',
      fleet: { gpus: ['12.1'], driver: '580.65.06' },
    });
    expect(model.reasons.join('\n')).toContain('sm_120');
    expect(model.warnings).toEqual([]);
  });
});

describe('install plans', () => {
  it('pip: extra index for the CUDA version and the local version label on torch', () => {
    const model = resolveOk({ torch: '2.1', source: 'pip', cuda: '11.8', vision: true });
    expect(model.pip).toEqual([
      '--extra-index-url https://download.pytorch.org/whl/cu118',
      'torch==2.1.2+cu118',
      'torchvision==0.16.2+cu118',
      'numpy<2',
    ]);
    expect(model.dependencies).toEqual(['python=3.11', 'pip']);
    expect(model.channels).not.toContain('defaults');
  });

  it('conda-forge: a selector that cannot fall back to the CPU build', () => {
    const model = resolveOk({ torch: '2.11', source: 'conda-forge', cuda: '12.9' });
    expect(model.channels).toEqual(['conda-forge']);
    expect(model.dependencies).toContain('pytorch=2.11.0=cuda129*');
    expect(model.dependencies).toContain('cuda-version=12.9');
  });

  it('pytorch channel: pytorch-cuda from 1.13, cudatoolkit on 1.12, cpuonly for cpu', () => {
    const modern = resolveOk({ torch: '2.0', source: 'pytorch', cuda: '11.8' });
    expect(modern.channels).toEqual(['pytorch', 'nvidia', 'conda-forge']);
    expect(modern.dependencies).toContain('pytorch-cuda=11.8');
    const legacy = resolveOk({ torch: '1.12', source: 'pytorch', cuda: '11.6' });
    expect(legacy.dependencies).toContain('cudatoolkit=11.6');
    expect(legacy.channels).toContain('conda-forge');
    expect(resolveOk({ torch: '2.5', source: 'pytorch', cuda: 'cpu' }).dependencies).toContain(
      'cpuonly',
    );
  });

  it('2.0.0 pins the pytorch channel its own torchvision/torchaudio, pip the wheel pairing', () => {
    const conda = resolveOk({
      torch: '2.0.0',
      source: 'pytorch',
      cuda: '11.8',
      vision: true,
      audio: true,
    });
    expect([conda.torchvision, conda.torchaudio]).toEqual(['0.15.0', '2.0.0']);
    const pip = resolveOk({
      torch: '2.0.0',
      source: 'pip',
      cuda: '11.8',
      vision: true,
      audio: true,
    });
    expect([pip.torchvision, pip.torchaudio]).toEqual(['0.15.1', '2.0.1']);
  });

  it('releases built against NumPy 1.x get numpy<2, with the reason; later ones do not', () => {
    const old = resolveOk({ torch: '2.2', source: 'pytorch', cuda: '12.1' });
    expect(old.dependencies).toContain('numpy<2');
    expect(old.reasons.some((r) => r.startsWith('numpy<2:'))).toBe(true);
    expect(resolveOk({ torch: '2.3', source: 'pytorch', cuda: '12.1' }).dependencies).not.toContain(
      'numpy<2',
    );
  });

  it('driver floors come from the table', () => {
    const model = resolveOk({ torch: '2.1', cuda: '11.8' });
    expect(model.minDriver).toEqual({ toolkit: '520.61.05', compat: '450.80.02' });
  });

  it('a domain library with no known pairing is an error, not a guess', () => {
    const release = BUILTIN_TABLE.releases.find((r) =>
      r.patches.some((p) => p.torchvision === null),
    ) as Release;
    const error = resolveError({ torch: release.torch, vision: true, source: 'pip' });
    expect(error.field).toBe('vision');
  });
});

describe('user overlays', () => {
  it('a release added by the user resolves, and the reason says where it came from', () => {
    const base = BUILTIN_TABLE.releases.find((r) => r.torch === '2.13') as Release;
    const added: Release = {
      ...base,
      torch: '2.15',
      unconfirmed: {},
      patches: [{ version: '2.15.0', torchvision: '0.30.0', torchaudio: '2.11.0', sources: [] }],
    };
    const overlaid = compatTable([{ releases: [added] }]);
    const outcome = resolveModel(overlaid, {
      name: 'm',
      torch: '2.15',
      source: 'pip',
      vision: true,
    });
    expect(outcome.ok).toBe(true);
    if (outcome.ok) {
      expect(outcome.model.torch).toBe('2.15.0');
      expect(outcome.model.torchvision).toBe('0.30.0');
      expect(outcome.model.reasons[0]).toContain('compat');
    }
  });

  it('an overlay entry replaces the built-in one with the same key', () => {
    const base = BUILTIN_TABLE.releases.find((r) => r.torch === '2.1') as Release;
    const narrowed: Release = { ...base, builds: base.builds.filter((b) => b.cuda !== '12.1') };
    const overlaid = compatTable([{ releases: [narrowed] }]);
    const outcome = resolveModel(overlaid, { name: 'm', torch: '2.1', cuda: '12.1' });
    expect(outcome.ok).toBe(false);
  });
});
