import type { Table } from '../../../compat/table.js';
import { isPytorchChannel } from '../../../conda-channels.js';
import type { Release } from '../../../rules-format.js';
import { parseCondaVersionSpec } from '../../../versions/conda-version.js';
import { majorOf } from '../../../versions/dotted.js';
import type { Dependency, EnvironmentContext } from '../../types.js';
import { defineRule } from '../define-rule.js';
import {
  CONDA_TORCH,
  condaDeps,
  condaForgePytorch,
  pipIndexBuild,
  pipIndexes,
} from './conda-env.js';

/** The first sign of CUDA 12 or newer in the file or its model, in words. */
function cuda12Evidence(context: EnvironmentContext): string | undefined {
  const model = context.model;
  if (model && model.cuda !== 'cpu' && (majorOf(model.cuda) ?? 0) >= 12) {
    return `model "${model.name}" targets CUDA ${model.cuda}`;
  }
  for (const d of condaDeps(context)) {
    const version = ['cudatoolkit', 'cuda-version', 'pytorch-cuda'].includes(d.name)
      ? d.conda?.version
      : undefined;
    if ((majorOf(version) ?? 0) >= 12) return `'${d.text}' (line ${d.line})`;
    const build = CONDA_TORCH.has(d.name) ? /cuda(\d\d)/.exec(d.conda?.build ?? '') : null;
    if (build?.[1] && Number(build[1]) >= 12) return `'${d.text}' (line ${d.line})`;
  }
  const index = pipIndexes(context).find(
    (i) => Number(/^cu(\d\d)/.exec(pipIndexBuild(i.url) ?? '')?.[1] ?? 0) >= 12,
  );
  return index ? `the wheel index ${index.url} (line ${index.line})` : undefined;
}

/** What the table says of `cudatoolkit` next to the file's `pytorch`. */
type TableVerdict =
  /** The official selector of this torch's CUDA build: nothing to report. */
  | { kind: 'selects' }
  /** The right mechanism, but no build of this torch for that CUDA version. */
  | { kind: 'no-build'; what: string; cudas: string[] }
  /** This torch selects its CUDA build another way (`pytorch-cuda` on the pytorch channel). */
  | { kind: 'other-selector'; what: string; selector: string }
  /** The table cannot tell (no pytorch, an unknown release, or a version it cannot read). */
  | { kind: 'unknown' };

/**
 * `cudatoolkit` is how the pytorch channel selected the CUDA build of torch 1.8-1.12
 * (`cudatoolkit=11.3 -c pytorch`), and the CUDA runtime that conda-forge's CUDA 11 builds
 * depend on; for those, with a version the table has a build for, it is the right package.
 */
function tableVerdict(context: EnvironmentContext, toolkit: Dependency): TableVerdict {
  const pytorch = condaDeps(context).find((d) => d.name === 'pytorch');
  const cuda = /(\d+)\.(\d+)/
    .exec(toolkit.conda?.version ?? '')
    ?.slice(1, 3)
    .join('.');
  if (!pytorch?.conda?.version) return { kind: 'unknown' };
  const forge = condaForgePytorch(context) !== undefined;
  const channel = pytorch.conda.channel;
  const pytorchChannel = channel
    ? isPytorchChannel(channel)
    : context.channels.some((c) => isPytorchChannel(c.name));
  if (!forge && !pytorchChannel) return { kind: 'unknown' };
  const releases = releasesMatching(context.project.table, pytorch.conda.version);
  if (releases.length === 0) return { kind: 'unknown' };
  const source = forge ? 'conda-forge' : 'pytorch';
  const what = `pytorch ${pytorch.conda.version.replace(/^=+/, '')} from the ${source === 'pytorch' ? 'pytorch channel' : 'conda-forge'}`;
  if (source === 'pytorch') {
    const selector = releases.find((r) => r.pytorchChannel?.mechanism === 'pytorch-cuda');
    if (selector) {
      return { kind: 'other-selector', what, selector: `pytorch-cuda=${cuda ?? 'X.Y'}` };
    }
  }
  const cudas = [
    ...new Set(
      releases.flatMap((r) =>
        r.builds
          .filter((b) => b.source === source && b.cuda !== 'cpu' && (majorOf(b.cuda) ?? 99) <= 11)
          .map((b) => b.cuda),
      ),
    ),
  ];
  if (cudas.length === 0) return { kind: 'unknown' };
  if (cuda && cudas.includes(cuda)) return { kind: 'selects' };
  return { kind: 'no-build', what, cudas };
}

function releasesMatching(table: Table, version: string): Release[] {
  const parsed = parseCondaVersionSpec(version);
  if (!parsed.ok) return [];
  return table.releases.filter((r) => r.patches.some((p) => parsed.matcher.matches(p.version)));
}

export const env006 = defineRule<'environment'>({
  id: 'ENV006',
  name: 'cudatoolkit',
  target: 'environment',
  severity: 'warning',
  description:
    'cudatoolkit is used where it selects no build of the torch the file pins (or with CUDA 12 or newer, where it is an error).',
  docs: [
    '`cudatoolkit` is the monolithic CUDA package of CUDA 11 and older. It is the right package in two places, both',
    "read from envgen's compatibility table: the `pytorch` channel selected the CUDA build of torch 1.8-1.12 with",
    "`cudatoolkit=X.Y` (pytorch.org's previous-versions page: `conda install pytorch==1.11.0 … cudatoolkit=11.3 -c pytorch`),",
    "and conda-forge's CUDA 11 builds of pytorch run on it. Anywhere else it is a mistake:",
    '',
    "- with a `cudatoolkit` version the table has no build for (the page's `cudatoolkit=11.3` line for 1.9.x finds no",
    '  CUDA 11.3 build on the channel, which only has 10.2 and 11.1, and the solve takes the CPU build);',
    '- next to pytorch 1.13-2.5 from the `pytorch` channel, which select their CUDA build with `pytorch-cuda=X.Y`;',
    '- from CUDA 12 on, where conda-forge splits CUDA into `cuda-*` packages selected with the `cuda-version`',
    '  metapackage (https://conda-forge.org/docs/user/cuda/; cuda-version-feedstock README): next to CUDA 12 packages',
    '  `cudatoolkit` does not solve or drags an old runtime in beside the new one, so the message says it is an error.',
    '',
    'A file with no pinned `pytorch` says nothing the table can check, and gets the general advice.',
    '',
    'Fix: the `cudatoolkit` version of a build the table lists (`envgen rules --torch X.Y`), `pytorch-cuda=X.Y` for',
    'pytorch 1.13-2.5 on the pytorch channel, or `cuda-version=X.Y` on conda-forge.',
  ].join('\n'),
  check(context) {
    const toolkit = condaDeps(context).filter((d) => d.name === 'cudatoolkit');
    if (toolkit.length === 0) return [];
    const cuda12 = cuda12Evidence(context);
    return toolkit.flatMap((d) => {
      const where = { line: d.line, column: d.column };
      if (cuda12) {
        return [
          {
            ...where,
            message: `'${d.text}' is the legacy CUDA ≤ 11 package, and this environment uses CUDA 12 or newer (${cuda12}): this is an error, CUDA 12 has no cudatoolkit`,
            fix: `remove '${d.text}': CUDA 12 libraries come with cuda-version=12.X (conda-forge) or pytorch-cuda (pytorch channel)`,
          },
        ];
      }
      const verdict = tableVerdict(context, d);
      switch (verdict.kind) {
        case 'selects':
          return [];
        case 'no-build':
          return [
            {
              ...where,
              message: `'${d.text}' selects no build of ${verdict.what}: its CUDA builds are for cudatoolkit ${verdict.cudas.join(', ')}, so the solve fails or quietly takes the CPU build`,
              fix: `use one of ${verdict.cudas.map((c) => `'cudatoolkit=${c}'`).join(', ')} (envgen rules shows each build's driver and GPUs)`,
            },
          ];
        case 'other-selector':
          return [
            {
              ...where,
              message: `'${d.text}' does not select the CUDA build of ${verdict.what}: from 1.13 on, that channel selects it with pytorch-cuda`,
              fix: `replace '${d.text}' with '${verdict.selector}' and add the nvidia channel after pytorch`,
            },
          ];
        default:
          return [
            {
              ...where,
              message: `'${d.text}' is the legacy CUDA ≤ 11 package; CUDA 12 and newer use the split cuda-* packages selected by cuda-version`,
              fix: `replace '${d.text}' with 'cuda-version=${/\d+\.\d+/.exec(d.conda?.version ?? '')?.[0] ?? 'X.Y'}'`,
            },
          ];
      }
    });
  },
});
