/**
 * What the name of a requirements file, environment file or dependency group says it is for:
 * a GPU or CPU variant, work on the repo (dev, test, docs), or just another variant. One
 * vocabulary for every reader, matched by whole words (`requirements-nogpu.txt` is no GPU file,
 * `environment-docker.yml` no docs file).
 */

export type VariantKind = 'gpu' | 'cpu' | 'dev' | 'plain';

/** Names of variants for working on the repo, never for running it. */
const DEV_WORDS = new Set([
  'dev',
  'devel',
  'develop',
  'development',
  'test',
  'tests',
  'testing',
  'doc',
  'docs',
  'lint',
  'linting',
  'ci',
  'build',
  'typing',
  'style',
  'format',
  'precommit',
  'benchmark',
  'benchmarks',
  'notebook',
  'notebooks',
]);

/** `requirements-gpu.txt` -> gpu, `environment_cuda118.yml` -> gpu, `requirements/dev.txt` -> dev. */
export function variantKind(name: string): VariantKind {
  const words = name
    .toLowerCase()
    .replace(/\.(txt|ya?ml|in)$/, '')
    .replace(/pre-commit/g, 'precommit')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((w) => DEV_WORDS.has(w))) return 'dev';
  if (words.some((w) => w === 'gpu' || w === 'cuda' || /^cu(da)?[0-9]{2,3}$/.test(w))) return 'gpu';
  if (words.includes('cpu')) return 'cpu';
  return 'plain';
}

/** GPU first, then plain, then cpu, then dev: the order variants are tried in. */
export function variantRank(name: string): number {
  return { gpu: 0, plain: 1, cpu: 2, dev: 3 }[variantKind(name)];
}
