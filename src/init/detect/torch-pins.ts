/**
 * torch pins as envgen's conda-style spec, and the CUDA a build is for.
 *
 * PEP 440 specifiers: https://peps.python.org/pep-0440/#version-specifiers
 * Conda match specs: https://docs.conda.io/projects/conda/en/latest/user-guide/concepts/pkg-specs.html
 */
import type { VersionSpec } from 'pip-requirements-js';

/**
 * A pip torch pin as a conda-style spec: `==2.1.2+cu118` -> `2.1.2` (and the label),
 * `==2.1.*` and `~=2.1.0` -> `2.1` (the series), others operator by operator.
 */
export function torchSpecFromPep440(specs: readonly VersionSpec[]): {
  spec?: string;
  label?: string;
} {
  let label: string | undefined;
  const parts = specs.map(({ operator, version }) => {
    const [plain = '', local] = version.split('+');
    label ??= local;
    return { operator: String(operator), version: plain };
  });
  const single = parts.length === 1 ? parts[0] : undefined;
  let spec: string | undefined;
  if (single && (single.operator === '==' || single.operator === '===')) {
    spec = single.version.replace(/\.\*$/, '');
  } else if (single?.operator === '~=') {
    spec = compatibleRelease(single.version, true);
  } else if (parts.length > 0) {
    const converted = parts.map(({ operator, version }) =>
      operator === '~=' ? compatibleRelease(version, false) : `${operator}${version}`,
    );
    spec = converted.includes(undefined) ? undefined : converted.join(',');
  }
  return { ...(spec ? { spec } : {}), ...(label ? { label } : {}) };
}

/** PEP 440 `~=X.Y.Z` as a conda spec: the series `X.Y` when it starts at `.0`, else a range. */
function compatibleRelease(version: string, alone: boolean): string | undefined {
  const numbers = version.split('.');
  if (numbers.length < 2 || !numbers.every((n) => /^[0-9]+$/.test(n))) return undefined;
  const prefix = numbers.slice(0, -1);
  if (alone && numbers.at(-1) === '0' && prefix.length > 0) return prefix.join('.');
  const upper = [...prefix.slice(0, -1), String(Number(prefix.at(-1)) + 1)];
  return `>=${version},<${upper.join('.')}`;
}

/** A conda version for pytorch as envgen's spec: `=1.13.1` -> `1.13.1`, `2.1.*` -> `2.1`. */
export function condaTorchSpec(version: string): string | undefined {
  const text = version.replaceAll(/\s+/g, '');
  if (text === '' || /^=*\*$/.test(text)) return undefined;
  const single = /^={0,2}([0-9][^=<>!~,|]*)$/.exec(text)?.[1];
  return single ? single.replace(/\.?\*$/, '') : text;
}

/** The CUDA of a conda build string: pytorch's `py3.9_cuda11.7_…`, conda-forge's `cuda118_…`. */
export function cudaOfBuild(build: string): string | undefined {
  const dotted = /cuda([0-9]+)\.([0-9]+)/.exec(build);
  if (dotted) return `${dotted[1]}.${dotted[2]}`;
  const packed = /cuda([0-9]{2})([0-9])(?![0-9])/.exec(build);
  if (packed) return `${packed[1]}.${packed[2]}`;
  return /(^|[_*])cpu/.test(build) ? 'cpu' : undefined;
}
