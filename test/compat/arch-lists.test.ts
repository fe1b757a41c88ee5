/**
 * GPU architectures of every CUDA build, and torch 1.8-1.11 end to end.
 *
 * The expected arch lists are the research record in fixtures/reference/research-2026-12: the
 * TORCH_CUDA_ARCH_LIST each release was built with, read from pytorch/builder's release
 * branches and conda-forge/pytorch-cpu-feedstock's history at the commits that built it, each
 * entry with the verbatim lines and the commit (see its SOURCE file).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ResolveRequest, resolveModel } from '../../src/compat/resolve.js';
import { BUILTIN_TABLE, compatTable } from '../../src/compat/table.js';
import type { Build, Platform, Release, Source } from '../../src/rules-format.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const research = (name: string): unknown =>
  JSON.parse(
    readFileSync(
      new URL(`../../fixtures/reference/research-2026-12/${name}`, import.meta.url),
      'utf8',
    ),
  );

interface ArchEntry {
  torch: string;
  cuda: string;
  platform: Platform;
  sass: string[];
  ptx: string | null;
  unconfirmed?: string | null;
}

const table = compatTable();
const release = (torch: string): Release => {
  const found = BUILTIN_TABLE.releases.find((r) => r.torch === torch);
  if (!found) throw new Error(`no release ${torch}`);
  return found;
};

/** The build of a research entry: `1.8.0` names a patch, `1.8` the release's newest. */
function buildOf(source: Source, entry: ArchEntry): Build | undefined {
  const minor = entry.torch.split('.').slice(0, 2).join('.');
  const patch = entry.torch.split('.').length === 3 ? entry.torch : undefined;
  const candidates = release(minor).builds.filter(
    (b) => b.source === source && b.cuda === entry.cuda && b.platforms.includes(entry.platform),
  );
  if (patch) return candidates.find((b) => b.patches?.includes(patch));
  return candidates.find((b) => !b.patches || b.patches.length > 1) ?? candidates[0];
}

const cudaBuilds = BUILTIN_TABLE.releases.flatMap((r) =>
  r.builds
    .filter((b) => b.cuda !== 'cpu')
    .flatMap((b) => b.platforms.map((platform) => ({ release: r, build: b, platform }))),
);

describe('every CUDA build has its arch list or says why not', () => {
  it.each(
    cudaBuilds.map(
      (c) =>
        [
          `${c.release.torch} ${c.build.source} ${c.build.cuda} ${c.platform}${c.build.patches ? ` (${c.build.patches.join(', ')})` : ''}`,
          c,
        ] as const,
    ),
  )('%s', (_label, { build, platform }) => {
    const list = build.archs?.[platform];
    const why = build.archsNotKnown?.[platform];
    expect(Boolean(list) !== Boolean(why), 'exactly one of archs and archsNotKnown').toBe(true);
    if (list) {
      expect(list.sass.length).toBeGreaterThan(0);
      expect(list.sources.length).toBeGreaterThan(0);
      for (const id of list.sources) expect(BUILTIN_TABLE.sources[id], id).toBeDefined();
      // SASS lists are in ascending order, and PTX (when any) is for a listed architecture.
      expect([...list.sass].sort((a, b) => Number(a) - Number(b))).toEqual(list.sass);
      if (list.ptx) expect(list.sass).toContain(list.ptx);
    } else {
      expect(why?.length).toBeGreaterThan(20);
    }
  });

  it('"not known" is the exception', () => {
    const unknown = cudaBuilds.filter((c) => !c.build.archs?.[c.platform]);
    // Today: aarch64 wheels whose build script is not readable here, and unconfirmed builds.
    expect(unknown.length / cudaBuilds.length).toBeLessThan(0.15);
    for (const c of unknown) {
      expect(c.platform === 'linux-aarch64' || Boolean(c.build.unconfirmed)).toBe(true);
    }
  });
});

describe('the arch lists are those of the research record', () => {
  const pip = (research('pip-archs.json') as { entries: ArchEntry[] }).entries.filter(
    // 2.8-2.11 there are secondary readings; the table keeps its own sources for them.
    (e) => Number(e.torch.split('.')[0]) === 1 || Number(e.torch.split('.')[1]) <= 5,
  );
  const channel = (research('conda-archs.json') as { entries: ArchEntry[] }).entries;
  const forge = (
    research('cf.json') as {
      releases: {
        torch: string;
        builds: { cuda: string; platforms: Platform[]; sass: string[]; ptx: string | null }[];
      }[];
    }
  ).releases.flatMap((r) =>
    r.builds.flatMap((b) => b.platforms.map((platform) => ({ ...b, torch: r.torch, platform }))),
  );
  // Where the feedstock changed a list within a release (1.11.0 builds 0-1, then 2 on), the
  // later entry is what a solve installs today: it replaces the earlier one.
  const latestForge = [
    ...new Map(forge.map((e) => [`${e.torch} ${e.cuda} ${e.platform}`, e])).values(),
  ];
  const cases: [string, Source, ArchEntry][] = [
    ...pip.map((e) => [`pip ${e.torch} cu${e.cuda}`, 'pip', e] as [string, Source, ArchEntry]),
    ...channel.map(
      (e) => [`pytorch ${e.torch} ${e.cuda}`, 'pytorch', e] as [string, Source, ArchEntry],
    ),
    ...latestForge.map(
      (e) =>
        [`conda-forge ${e.torch} ${e.cuda} ${e.platform}`, 'conda-forge', e] as [
          string,
          Source,
          ArchEntry,
        ],
    ),
  ];

  it.each(cases)('%s', (_label, source, entry) => {
    const build = buildOf(source, entry);
    // conda-forge builds whose upload is not known (2.0.0 with CUDA 11.8/12.0, 2.1.2 on
    // aarch64) are not in the table; everything else is.
    if (!build) {
      expect(source).toBe('conda-forge');
      return;
    }
    const list = build.archs?.[entry.platform];
    expect(list?.sass).toEqual(entry.sass);
    expect(list?.ptx ?? null).toBe(entry.ptx);
  });
});

/** `envgen audit --format json` in a folder: the exit code and the diagnostics. */
async function audit(cwd: string, args: string[] = []) {
  const result = await runEnvgen(['audit', '--format', 'json', ...args], { cwd });
  const { diagnostics } = JSON.parse(result.stdout) as {
    diagnostics: { ruleId: string; severity: string; message: string }[];
  };
  return { exitCode: result.exitCode, diagnostics };
}

const resolve = (request: Omit<ResolveRequest, 'name'>) =>
  resolveModel(table, { name: 'm', ...request });

describe('the fleet check on the builds that run most in production', () => {
  it('torch 1.13 on a K80 (3.7): the CUDA 11.7 build, with sm_37 in it', () => {
    for (const source of ['pytorch', 'pip'] as const) {
      const outcome = resolve({ torch: '1.13', source, fleet: { gpus: ['3.7'] } });
      expect(outcome.ok && outcome.model.cuda).toBe('11.7');
      expect(outcome.ok && outcome.model.archs).toContain('3.7');
      expect(outcome.ok && outcome.model.reasons.join('\n')).toContain('native code (sm_37)');
    }
  });

  it('torch 2.1 on a K80: the 12.1 build has no Kepler, so CUDA 11.8', () => {
    const outcome = resolve({ torch: '2.1', source: 'pip', fleet: { gpus: ['3.7'] } });
    expect(outcome.ok && outcome.model.cuda).toBe('11.8');
    const refused = resolve({
      torch: '2.1',
      source: 'pip',
      cuda: '12.1',
      fleet: { gpus: ['3.7'] },
    });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.ruleId).toBe('resolve/fleet');
  });

  it('torch 2.1 pip on a P100 (6.0): both CUDA builds carry sm_60', () => {
    for (const cuda of ['11.8', '12.1']) {
      const outcome = resolve({ torch: '2.1', source: 'pip', cuda, fleet: { gpus: ['6.0'] } });
      expect(outcome.ok && outcome.model.reasons.join('\n')).toContain('native code (sm_60)');
      expect(outcome.ok && outcome.model.warnings).toEqual([]);
    }
  });

  it('torch 2.4 CUDA 12.4 on a V100 (7.0), from pip and from the pytorch channel', () => {
    for (const source of ['pip', 'pytorch'] as const) {
      const outcome = resolve({ torch: '2.4', source, cuda: '12.4', fleet: { gpus: ['7.0'] } });
      expect(outcome.ok && outcome.model.reasons.join('\n')).toContain('native code (sm_70)');
    }
  });

  it('a fleet whose driver only runs CUDA 11.x gets an 11.x build', () => {
    const outcome = resolve({ torch: '2.1', source: 'pip', fleet: { driver: '470.82.01' } });
    expect(outcome.ok && outcome.model.cuda).toBe('11.8');
    expect(outcome.ok && outcome.model.warnings.join('\n')).toContain(
      'minor-version compatibility',
    );
    const old = resolve({ torch: '1.10', source: 'pip', fleet: { driver: '470.82.01' } });
    expect(old.ok && old.model.cuda).toBe('11.1');
    expect(old.ok && old.model.reasons.join('\n')).toContain('full support');
  });

  it('CUDA 10.2 has no minor-version compatibility: a 418 driver runs no build of 1.9', () => {
    const outcome = resolve({ torch: '1.9', source: 'pip', fleet: { driver: '418.39' } });
    expect(outcome.ok).toBe(false);
  });

  it('1.8.0+cu111 has no Pascal kernels; 1.8.1+cu111 has (a GTX 1080 Ti is 6.1)', () => {
    const old = resolve({ torch: '1.8.0', source: 'pip', cuda: '11.1', fleet: { gpus: ['6.1'] } });
    expect(old.ok).toBe(false);
    const fixed = resolve({ torch: '1.8', source: 'pip', cuda: '11.1', fleet: { gpus: ['6.1'] } });
    expect(fixed.ok && fixed.model.torch).toBe('1.8.1');
  });

  it('a disputed release day is shown by rules, not repeated as a resolver warning', () => {
    expect(release('1.11').unconfirmed?.released).toBeDefined();
    const outcome = resolve({ torch: '1.11', source: 'pytorch', cuda: '11.3' });
    expect(outcome.ok && outcome.model.warnings.filter((w) => w.includes('released'))).toEqual([]);
  });

  it('resolve names where the arch list came from', () => {
    const outcome = resolve({ torch: '2.1', source: 'pip', cuda: '11.8' });
    expect(outcome.ok && outcome.model.archSources).toEqual(['S48']);
    expect(outcome.ok && outcome.model.reasons.join('\n')).toContain(
      BUILTIN_TABLE.sources.S48?.locator as string,
    );
  });
});

const older = JSON.parse(
  readFileSync(new URL('../../fixtures/reference/compat-1.8-1.11.json', import.meta.url), 'utf8'),
) as { pytorch_releases: { torch_minor: string; pip_lines: Record<string, string[]> }[] };

describe('torch 1.8-1.11 install as PyTorch instructed', () => {
  /** The requirement pins of a `pip install A==1 B==2 -f URL` line, and its URL. */
  const pipLine = (line: string) => {
    const words = line.split(/\s+/).slice(2);
    const flag = words.findIndex((w) => w === '-f' || w === '--extra-index-url');
    return { pins: words.filter((w) => w.includes('==')), url: words[flag + 1] };
  };

  it.each([
    ['1.8', '11.1', '1.8.1'],
    ['1.9', '11.1', '1.9.1'],
    ['1.9', '10.2', '1.9.1'],
    ['1.10', '11.1', '1.10.1'],
    ['1.11', '11.3', '1.11.0'],
  ])(
    'torch %s pip CUDA %s: the pins and the wheel page of the %s instructions',
    (torch, cuda, patch) => {
      const outcome = resolve({ torch, source: 'pip', cuda, vision: true, audio: true });
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      const label = `+cu${cuda.replace('.', '')}`;
      const line = older.pytorch_releases
        .find((r) => r.torch_minor === torch)
        ?.pip_lines[patch]?.find((l) => l.includes(`torch==${patch}${label}`));
      expect(line).toBeDefined();
      const { pins, url } = pipLine(line as string);
      expect(outcome.model.pip).toEqual(expect.arrayContaining(pins));
      expect(outcome.model.pip[0]).toBe(
        `${url?.endsWith('torch_stable.html') ? '--find-links' : '--extra-index-url'} ${url}`,
      );
    },
  );

  it.each([
    ['1.8', 'pytorch', '11.1'],
    ['1.9', 'pytorch', '10.2'],
    ['1.10', 'pytorch', '11.3'],
    ['1.11', 'pytorch', '11.3'],
    ['1.8', 'conda-forge', '11.2'],
    ['1.11', 'conda-forge', '11.1'],
    ['1.9', 'pip', '11.1'],
    ['1.11', 'pip', '10.2'],
    ['1.10', 'pytorch', 'cpu'],
  ])(
    'torch %s from %s, CUDA %s: generate, then audit finds nothing',
    async (torch, source, cuda) => {
      const dir = tmpDir({
        'envgen.yaml': `version: 1\nmodels:\n  old:\n    torch: "${torch}"\n    cuda: "${cuda}"\n    source: ${source}\n    vision: true\n    serve:\n      command: ["python", "serve.py"]\n      port: 8080\n`,
        'serve.py': 'import torch\n',
      });
      expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
      const env = readFileSync(`${dir}/envs/old/environment.yml`, 'utf8');
      if (source === 'pytorch' && cuda !== 'cpu') expect(env).toContain(`- cudatoolkit=${cuda}`);
      const { exitCode, diagnostics } = await audit(dir);
      expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(exitCode).toBe(0);
    },
  );

  // Real files (fixtures/real-envs, each with its SOURCE): both pin the cudatoolkit of a build
  // the pytorch channel has for that torch, so ENV006 has nothing to say.
  it.each([['stylegan3/environment.yml'], ['stable-diffusion/environment.yaml']])(
    'ENV006 is silent on the real %s',
    async (path) => {
      const root = new URL('../../fixtures/real-envs/', import.meta.url).pathname;
      const { diagnostics } = await audit(root, [path]);
      expect(diagnostics.length).toBeGreaterThan(0); // the file was read and audited
      expect(diagnostics.map((d) => d.ruleId)).not.toContain('ENV006');
    },
  );

  it.each([
    ['the page line for 1.9.1', 'pytorch==1.9.1', 'cudatoolkit=11.3', 'python=3.9', ['ENV006']],
    ['1.9.1 with its CUDA 11.1 build', 'pytorch==1.9.1', 'cudatoolkit=11.1', 'python=3.9', []],
  ])('ENV006 on %s', async (_label, pytorch, toolkit, python, expected) => {
    const dir = tmpDir({
      'environment.yml': `name: app\nchannels:\n  - pytorch\n  - conda-forge\n  - nodefaults\ndependencies:\n  - ${python}\n  - ${pytorch}\n  - ${toolkit}\n`,
    });
    const { diagnostics } = await audit(dir, ['environment.yml']);
    expect(diagnostics.map((d) => d.ruleId).filter((id) => id === 'ENV006')).toEqual(expected);
  });
});
