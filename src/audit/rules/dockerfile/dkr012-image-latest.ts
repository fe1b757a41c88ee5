import { defineRule } from '../define-rule.js';
import { baseImages, imageColumn, pinEdit } from './stages.js';

export const dkr012 = defineRule<'dockerfile'>({
  id: 'DKR012',
  name: 'image-latest',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'A base image uses the `:latest` tag (e.g. `continuumio/miniconda3:latest`, `condaforge/miniforge3:latest`), which moves with every release.',
  docs: [
    '`:latest` is a moving tag: each release of the image re-points it, so the same Dockerfile builds a different',
    'conda, Python and OS from one week to the next and a build that passed may fail (hadolint DL3007). Images',
    'from trusted registries are not exempt. A `:latest` tag pinned by digest (`:latest@sha256:...`) is not',
    'reported, since the digest decides.',
    '',
    'Fix: replace `latest` with the version tag it points to today (`condaforge/miniforge3:25.3.0-1`), or add',
    'its digest.',
  ].join('\n'),
  aliases: ['DL3007'],
  check(context, report) {
    for (const { stage, image } of baseImages(context)) {
      if (image.tag?.toLowerCase() !== 'latest' || image.digest) continue;
      const edit = pinEdit(context, stage, image);
      report({
        line: stage.from.line,
        column: imageColumn(stage.from),
        ...(edit ? { edit } : {}),
        message: `the base image \`${image.text}\` uses \`:latest\`, which re-points with each release: rebuilds get a different image`,
        fix: `replace \`latest\` with a version tag (\`${image.text.replace(/:latest$/i, ':<version>')}\`), or pin a digest`,
      });
    }
    return undefined;
  },
});
