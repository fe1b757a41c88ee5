import { defineRule } from '../define-rule.js';
import { condaDeps } from './conda-env.js';

/** Packages whose drift changes what the service runs on; the catalogue rates these a warning. */
const CORE = /^(python|pytorch.*|torch.*|cuda-version|cudnn|nccl)$/;

/** Whether a version constraint fixes Python's major.minor: `3.11`, `=3.11.4`, `3.11.*`, `>=3.11,<3.12`. */
function fixesMinor(version: string): boolean {
  const spec = version.replaceAll(/\s+/g, '');
  if (/^(==?|~=)?\d+\.\d+(\.[\d*]+|\.?\*)?$/.test(spec) && !/^~=\d+\.\d+$/.test(spec)) return true;
  const lower = /(?:^|,)>=?(\d+)\.(\d+)/.exec(spec);
  const upper = /(?:^|,)<(\d+)\.(\d+)(?:$|,)/.exec(spec);
  return Boolean(
    lower && upper && lower[1] === upper[1] && Number(upper[2]) === Number(lower[2]) + 1,
  );
}

function hasVersion(version: string | undefined): boolean {
  return version !== undefined && !/^=*\*?$/.test(version.trim());
}

export const env012 = defineRule<'environment'>({
  id: 'ENV012',
  name: 'unpinned-conda',
  target: 'environment',
  severity: 'info',
  description:
    'A conda dependency has no version; python should be pinned at least to major.minor.',
  docs: [
    'An unpinned dependency takes whatever is newest on the day of the build, so two builds of the same file differ',
    '(the idea of hadolint DL3008/DL3013/DL3018/DL3033, applied to conda MatchSpecs). The rule is `info`, and its',
    'message says when the package is one where drift breaks the service (`python`, `pytorch`/`torch*`,',
    '`cuda-version`, `cudnn`, `nccl`), which the catalogue rates a warning. `python` needs at least `major.minor`.',
    'A build-only pin (`pytorch=*=cuda*`) fixes the build, not the version. A package with a version on any of its',
    'lines counts as pinned.',
    '',
    'Fix: add a version (`numpy=1.26`, `python=3.11`); for exact rebuilds, keep a lock next to the file (ENV019).',
  ].join('\n'),
  check(context) {
    const deps = condaDeps(context).filter((d) => d.conda);
    const pinned = new Set(deps.filter((d) => hasVersion(d.conda?.version)).map((d) => d.name));
    const seen = new Set<string>();
    return deps.flatMap((d) => {
      if (seen.has(d.name)) return [];
      seen.add(d.name);
      const core = CORE.test(d.name);
      if (d.name === 'python' && pinned.has('python')) {
        const versions = deps.filter((p) => p.name === 'python').map((p) => p.conda?.version ?? '');
        if (versions.some(fixesMinor)) return [];
        return [
          {
            line: d.line,
            column: d.column,
            message: `'${d.text}' does not fix Python's major.minor (a warning-level gap: the interpreter decides which builds of every other package fit)`,
            fix: "pin python to major.minor: 'python=3.11'",
          },
        ];
      }
      if (pinned.has(d.name)) return [];
      const buildOnly = d.conda?.build
        ? ` (the build '${d.conda.build}' is pinned, the version is not)`
        : '';
      return [
        {
          line: d.line,
          column: d.column,
          message: core
            ? `'${d.text}' has no version${buildOnly}: a core package (a warning-level gap), so every build may get a different one`
            : `'${d.text}' has no version${buildOnly}, so every build may get a different one`,
          fix:
            d.name === 'python'
              ? "pin python to major.minor: 'python=3.11'"
              : `add a version: '${d.name}=X.Y'`,
        },
      ];
    });
  },
});
