/**
 * The built-in compatibility table (src/compat/rules.json) against the reference it was
 * written from (fixtures/reference/compat.json, a copy of the research output): every
 * release, patch, build, pairing and driver row of the reference must be in the table, and
 * whatever the reference could not confirm must carry an `unconfirmed` note.
 */
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import rulesJson from '../../src/compat/rules.json';
import type { Build, Patch, Release, RulesTable } from '../../src/rules-format.js';
import { compareDotted } from '../../src/versions/dotted.js';

interface RefRelease {
  torch_minor: string;
  patches: string[];
  release_date: string;
  python: { min: string; max: string; experimental: string | null; sources: string[] };
  pip_cuda_wheels: string[];
  pip_index_flag: string;
  /** Where the wheels are, when not `https://download.pytorch.org/whl/cuXXX` (1.8-1.10). */
  pip_index_url?: string;
  pypi_default_cuda: string;
  conda_pytorch_channel: {
    published: boolean;
    mechanism: 'cudatoolkit' | 'pytorch-cuda' | null;
    cuda: string[];
    install_lines: Record<string, string[]>;
    /** pytorch.org lines that select no build of the channel (1.8.1, 1.9.x `cudatoolkit=11.3`). */
    install_lines_wrong_on_page?: string[];
  };
  torchvision: Record<string, string>;
  torchaudio: Record<string, string>;
  conda_forge: { cuda_variants_at_release: Record<string, string[]> | string };
}

interface RefDriverRow {
  cuda_minor: string;
  release_label: string;
  toolkit_driver_linux_x86_64: string;
  toolkit_driver_windows_x86_64: string;
}

interface Reference {
  sources: Record<string, { desc: string; locator: string; authority: string }>;
  pytorch_releases: RefRelease[];
  cuda_driver_table: RefDriverRow[];
}

const readJson = (rel: string): unknown =>
  JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));

const rules = rulesJson as unknown as RulesTable;
const shared = readJson('../../fixtures/reference/compat.json') as Reference;
/**
 * torch 1.8-1.11 are not in the shared reference: they come from this project's own research
 * (fixtures/reference/research-2026-12, with its sources), in the reference's shape.
 */
const older = readJson('../../fixtures/reference/compat-1.8-1.11.json') as Omit<
  Reference,
  'sources'
>;
const ref: Reference = {
  sources: shared.sources,
  pytorch_releases: [...older.pytorch_releases, ...shared.pytorch_releases],
  cuda_driver_table: [
    ...[...older.cuda_driver_table].sort((a, b) => compareDotted(a.cuda_minor, b.cuda_minor)),
    ...shared.cuda_driver_table,
  ],
};
const schema = readJson('../../schemas/rules.schema.json') as object;

const FULL_VERSION = /^\d+\.\d+\.\d+$/;
/** A value that starts with a plain `X.Y.Z` version: `0.15.1 (pip) / ...` -> `0.15.1`. */
const leadingVersion = (value: string): string | null =>
  /^(\d+\.\d+\.\d+)(?=$|\s)/.exec(value)?.[1] ?? null;
/** A value that starts with a minor wildcard: `2.11.x (...)` -> `2.11`. */
const leadingMinorWildcard = (value: string): string | null =>
  /^(\d+\.\d+)\.x\b/.exec(value)?.[1] ?? null;
const isUnconfirmed = (value: string): boolean => /unconfirmed/i.test(value);
const stripGe = (value: string): string => value.replace(/^>=\s*/, '');
const minorKey = (v: string): number[] => v.split('.').map(Number);

const releaseOf = (torch: string): Release => {
  const release = rules.releases.find((r) => r.torch === torch);
  if (!release) throw new Error(`release ${torch} is missing from the table`);
  return release;
};
const buildsOf = (torch: string, source: Build['source']): Build[] =>
  releaseOf(torch).builds.filter((b) => b.source === source);
/** The table's patches a reference key names: `2.1.0`, or `2.12.x` / `2.14` for all. */
const patchesFor = (release: Release, key: string): Patch[] =>
  FULL_VERSION.test(key) ? release.patches.filter((p) => p.version === key) : release.patches;

const refReleases = ref.pytorch_releases.map((r) => [r.torch_minor, r] as const);

describe('rules.json', () => {
  it('validates against schemas/rules.schema.json', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(rules);
    if (!ok) console.error(JSON.stringify(validate.errors, null, 2));
    expect(ok, ajv.errorsText(validate.errors, { separator: '\n' })).toBe(true);
  });

  it('lists the releases of the reference, in ascending order', () => {
    expect(rules.releases.map((r) => r.torch)).toEqual(
      ref.pytorch_releases.map((r) => r.torch_minor),
    );
    const sorted = [...rules.releases].sort((a, b) => {
      const [a1 = 0, a2 = 0] = minorKey(a.torch);
      const [b1 = 0, b2 = 0] = minorKey(b.torch);
      return a1 - b1 || a2 - b2;
    });
    expect(rules.releases).toEqual(sorted);
  });
});

describe.each(refReleases)('torch %s', (torch, refRelease) => {
  it('is a release of the table', () => {
    expect(rules.releases.some((r) => r.torch === torch)).toBe(true);
  });

  it('has every patch of the reference', () => {
    const release = releaseOf(torch);
    const versions = release.patches.map((p) => p.version);
    for (const patch of refRelease.patches) {
      if (FULL_VERSION.test(patch)) {
        expect(versions).toContain(patch);
        continue;
      }
      // Only an "unconfirmed (...)" text (2.14): the release must still have a patch, every
      // version the text names must be one, and the release must say the list is unconfirmed.
      expect(isUnconfirmed(patch)).toBe(true);
      expect(release.patches.length).toBeGreaterThan(0);
      expect(release.unconfirmed?.patches).toBeDefined();
      for (const named of patch.match(/\d+\.\d+\.\d+/g) ?? []) {
        expect(versions).toContain(named);
        expect(
          release.patches.find((p) => p.version === named)?.unconfirmed?.version,
        ).toBeDefined();
      }
    }
    for (const version of versions) expect(version.startsWith(`${torch}.`)).toBe(true);
  });

  it('pairs torchvision and torchaudio as the reference does', () => {
    const release = releaseOf(torch);
    for (const lib of ['torchvision', 'torchaudio'] as const) {
      for (const [key, value] of Object.entries(refRelease[lib])) {
        const patches = patchesFor(release, key);
        expect(patches.length, `${lib} ${key}`).toBeGreaterThan(0);
        const exact = leadingVersion(value);
        const minor = leadingMinorWildcard(value);
        for (const patch of patches) {
          if (exact) expect(patch[lib], `${lib} for ${patch.version}`).toBe(exact);
          if (minor) {
            expect(patch[lib]?.startsWith(`${minor}.`), `${lib} for ${patch.version}`).toBe(true);
          }
          const conda = /\/\s*(\d+\.\d+\.\d+)\s*\(conda/.exec(value)?.[1];
          if (conda) expect(patch.conda?.[lib], `conda ${lib} for ${patch.version}`).toBe(conda);
          if (isUnconfirmed(value)) {
            expect(patch.unconfirmed?.[lib], `${lib} for ${patch.version}`).toBeDefined();
          }
        }
      }
    }
  });

  it('has the Python range of the reference', () => {
    const python = releaseOf(torch).python;
    const refPython = refRelease.python;
    for (const field of ['min', 'max'] as const) {
      const value = refPython[field];
      if (/^3\.\d+$/.test(value)) expect(python[field]).toBe(value);
      if (isUnconfirmed(value)) expect(python.unconfirmed?.[field]).toBeDefined();
    }
    const experimental = refPython.experimental;
    if (experimental === null) expect(python.experimental).toEqual([]);
    else if (/^3\.\d+t?$/.test(experimental)) expect(python.experimental).toEqual([experimental]);
    else if (isUnconfirmed(experimental)) expect(python.unconfirmed?.experimental).toBeDefined();
  });

  it('has a pip build for every CUDA wheel variant of the reference', () => {
    const pip = buildsOf(torch, 'pip');
    const flag = refRelease.pip_index_flag.split(/\s+/)[0];
    for (const cuda of refRelease.pip_cuda_wheels) {
      const build = pip.find((b) => b.cuda === cuda);
      expect(build, `pip cu${cuda}`).toBeDefined();
      expect(build?.platforms).toContain('linux-64');
      const url = (refRelease.pip_index_url ?? 'https://download.pytorch.org/whl/cuXXX').replace(
        'cuXXX',
        `cu${cuda.replace('.', '')}`,
      );
      expect(build?.index?.url).toBe(url);
      expect(build?.index?.flag).toBe(flag);
      expect(build?.unconfirmed).toBeUndefined();
    }
    expect(pip.some((b) => b.cuda === 'cpu')).toBe(true);
  });

  it('has the pytorch-channel builds of the reference', () => {
    const release = releaseOf(torch);
    const channel = refRelease.conda_pytorch_channel;
    const builds = buildsOf(torch, 'pytorch');
    if (!channel.published) {
      expect(release.pytorchChannel).toBeNull();
      expect(builds).toEqual([]);
      return;
    }
    expect(release.pytorchChannel?.mechanism).toBe(channel.mechanism);
    for (const cuda of channel.cuda) {
      expect(
        builds.some((b) => b.cuda === cuda),
        `pytorch ${cuda}`,
      ).toBe(true);
    }
    // Each official install line names a CUDA (or cpuonly) and the channels, in order.
    for (const line of Object.values(channel.install_lines).flat()) {
      if (!line.startsWith('conda install')) continue;
      const cuda = /(?:cudatoolkit|pytorch-cuda)=(\d+\.\d+)/.exec(line)?.[1] ?? 'cpu';
      expect(line.includes('cpuonly') || cuda !== 'cpu', line).toBe(true);
      const channels = [...line.matchAll(/-c\s+(\S+)/g)].map((m) => m[1]);
      const build = builds.find((b) => b.cuda === cuda);
      expect(build, line).toBeDefined();
      expect(build?.channels, line).toEqual(channels);
    }
  });

  it('has no build for the lines of the install page that select none', () => {
    const release = releaseOf(torch);
    for (const line of refRelease.conda_pytorch_channel.install_lines_wrong_on_page ?? []) {
      const cuda = /cudatoolkit=(\d+\.\d+)/.exec(line)?.[1];
      const patch = /pytorch==(\S+)/.exec(line)?.[1] ?? '';
      const builds = buildsOf(torch, 'pytorch').filter(
        (b) => b.cuda === cuda && (!b.patches || b.patches.includes(patch)),
      );
      expect(builds, line).toEqual([]);
      // ... and the release says so, so a user who copied the line learns why.
      expect(release.notes.some((n) => n.includes(`cudatoolkit=${cuda}`))).toBe(true);
    }
  });

  it('has a conda-forge build for every linux variant at release', () => {
    const variants = refRelease.conda_forge.cuda_variants_at_release;
    const builds = buildsOf(torch, 'conda-forge');
    if (typeof variants === 'string') {
      expect(isUnconfirmed(variants)).toBe(true);
      expect(builds.filter((b) => b.cuda !== 'cpu')).toEqual([]);
      return;
    }
    for (const platform of ['linux-64', 'linux-aarch64'] as const) {
      for (const cuda of variants[platform] ?? []) {
        expect(
          builds.some((b) => b.cuda === cuda && b.platforms.includes(platform)),
          `conda-forge ${cuda} ${platform}`,
        ).toBe(true);
      }
    }
    for (const build of builds) expect(build.channels).toEqual(['conda-forge']);
  });

  it('has the PyPI default CUDA of the reference', () => {
    const release = releaseOf(torch);
    const value = refRelease.pypi_default_cuda;
    const cuda = /^(\d+\.\d+)\b/.exec(value)?.[1];
    if (!cuda) {
      expect(isUnconfirmed(value)).toBe(true);
      expect(release.pypiDefaultCuda).toBeUndefined();
      return;
    }
    expect(release.pypiDefaultCuda?.cuda).toBe(cuda);
    if (isUnconfirmed(value)) expect(release.pypiDefaultCuda?.unconfirmed).toBeDefined();
  });

  it('marks an unconfirmed release date', () => {
    if (isUnconfirmed(refRelease.release_date)) {
      expect(releaseOf(torch).unconfirmed?.released).toBeDefined();
    }
  });
});

describe('pytorch channel', () => {
  it.each(
    rules.releases.filter((r) => minorKey(r.torch)[0] === 2 && (minorKey(r.torch)[1] ?? 0) >= 6),
  )('torch $torch (2.6+) has no pytorch-channel build', (release) => {
    expect(release.pytorchChannel).toBeNull();
    expect(release.builds.filter((b) => b.source === 'pytorch')).toEqual([]);
  });
});

describe('values the reference does not confirm', () => {
  it.each([
    ['2.9', '12.9'],
    ['2.12', '12.9'],
  ])('torch %s pip cu%s is present and marked unconfirmed', (torch, cuda) => {
    const build = buildsOf(torch, 'pip').find((b) => b.cuda === cuda);
    expect(build).toBeDefined();
    expect(build?.unconfirmed).toBeDefined();
  });

  it('torch 2.13 Python max is marked unconfirmed', () => {
    expect(releaseOf('2.13').python.unconfirmed?.max).toBeDefined();
  });

  it('torch 2.14 is marked unconfirmed', () => {
    const release = releaseOf('2.14');
    expect(release.unconfirmed?.released).toBeDefined();
    expect(release.unconfirmed?.patches).toBeDefined();
    expect(release.patches.length).toBeGreaterThan(0);
  });
});

describe('drivers', () => {
  it('has every row of the reference driver table, in order', () => {
    expect(rules.drivers.map((d) => d.label)).toEqual(
      ref.cuda_driver_table.map((d) => d.release_label),
    );
  });

  it.each(ref.cuda_driver_table.map((row) => [row.release_label, row] as const))(
    '%s',
    (label, row) => {
      const driver = rules.drivers.find((d) => d.label === label);
      expect(driver).toBeDefined();
      expect(driver?.cuda).toBe(row.cuda_minor);
      expect(driver?.linux).toBe(stripGe(row.toolkit_driver_linux_x86_64));
      const windows = row.toolkit_driver_windows_x86_64;
      expect(driver?.windows).toBe(windows === 'N/A' ? null : stripGe(windows));
    },
  );
});

describe('sources', () => {
  it.each(Object.entries(ref.sources))('reference source %s is in the table', (id, source) => {
    expect(rules.sources[id]).toEqual({
      title: source.desc,
      locator: source.locator,
      authority: source.authority,
    });
  });

  it('every source id the table uses exists', () => {
    const used = new Set<string>();
    const walk = (node: unknown, key?: string): void => {
      if (Array.isArray(node)) {
        for (const item of node) {
          if (key === 'sources' && typeof item === 'string') used.add(item);
          else walk(item);
        }
      } else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node))
          if (k !== 'sources' || Array.isArray(v)) walk(v, k);
      } else if (typeof node === 'string') {
        for (const m of node.matchAll(/\bS\d+\b/g)) used.add(m[0]);
      }
    };
    const { sources: _sources, ...rest } = rules;
    walk(rest);
    expect(used.size).toBeGreaterThan(0);
    const missing = [...used].filter((id) => !(id in rules.sources));
    expect(missing).toEqual([]);
  });
});
