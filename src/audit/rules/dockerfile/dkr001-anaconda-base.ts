import type { DockerfileContext, DockerInstruction, DockerStage } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { type AnacondaOrigin, anacondaOrigin, anacondaUse, solvesIn } from './anaconda.js';
import { lineage } from './stages.js';

/**
 * Why an Anaconda-based stage matters, or undefined when it is harmless: a build-only stage is,
 * when nothing of it ships and it never asks `defaults` (the final image does not descend from
 * it, no `/opt/conda` is copied out of it, and each solve excludes `defaults`).
 */
function exposure(context: DockerfileContext, stage: DockerStage): string | undefined {
  if (!context.final || lineage(context.final).includes(stage)) {
    return 'the final image is built on it and ships its Anaconda-built base environment';
  }
  const names = new Set([String(stage.index), stage.name?.toLowerCase()].filter(Boolean));
  const leak = context.instructions.find((i) => {
    const from = i.flags.find((f) => f.name === 'from')?.value.toLowerCase();
    if (i.keyword !== 'COPY' || from === undefined || !names.has(from)) return false;
    return i.args
      .split(/\s+/)
      .slice(0, -1)
      .some((source) => /^\/(opt\/conda\/?)?$/.test(source));
  });
  if (leak)
    return `line ${leak.line} copies its Anaconda-built base environment into another stage`;
  const solve = solvesIn(context, stage).find((s) => anacondaUse(context, stage, s).use !== 'no');
  return solve
    ? `the solve at line ${solve.line} does not exclude \`defaults\` (no \`nodefaults\`, no \`--override-channels\`)`
    : undefined;
}

export const dkr001 = defineRule<'dockerfile'>({
  id: 'DKR001',
  name: 'anaconda-base',
  target: 'dockerfile',
  severity: 'warning',
  description:
    "The base image or installer comes from Anaconda (continuumio/miniconda3, anaconda3, a Miniconda3-*.sh download), which brings Anaconda's `defaults` channel and its Terms of Service.",
  docs: [
    "Anaconda's images and installers ship a `.condarc` that lists `defaults` (repo.anaconda.com), and their base",
    "environment is built from it. Every solve that does not exclude `defaults` uses Anaconda's repository, whose",
    'Terms of Service require a paid licence for organisations of 200+ people, and recent conda stops a',
    'non-interactive build with `CondaToSNonInteractiveError` (pytorch/xla#9661, droid-dataset/droid#68,',
    'awslabs/osml-model-runner#134; Anaconda ToS FAQ).',
    '',
    'Fix: start from `condaforge/miniforge3` or `mambaorg/micromamba` (conda-forge only). A build-only stage on',
    'an Anaconda image is not reported when the final image does not come from it and each of its solves',
    "excludes `defaults` (an environment file with `nodefaults`, or `--override-channels`), as envgen's own files do.",
  ].join('\n'),
  check(context, report) {
    const origins = new Map<DockerInstruction, { origin: AnacondaOrigin; stages: DockerStage[] }>();
    for (const stage of context.stages) {
      const origin = anacondaOrigin(context, stage);
      if (!origin) continue;
      const group = origins.get(origin.instruction) ?? { origin, stages: [] };
      group.stages.push(stage);
      origins.set(origin.instruction, group);
    }
    for (const { origin, stages } of origins.values()) {
      const why = stages.map((s) => exposure(context, s)).find(Boolean);
      if (!why) continue;
      report({
        line: origin.line,
        column: origin.column,
        message: `${origin.kind === 'image' ? 'the base image' : 'the installer'} \`${origin.what}\` is Anaconda's, with \`defaults\` in its .condarc; ${why}`,
        fix: 'start from condaforge/miniforge3 or mambaorg/micromamba; or, in a build-only stage, exclude defaults from every solve (`nodefaults` in the environment file, or `--override-channels -c conda-forge`)',
      });
    }
    return undefined;
  },
});
