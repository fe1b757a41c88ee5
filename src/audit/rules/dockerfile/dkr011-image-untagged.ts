import { defineRule } from '../define-rule.js';
import { baseImages, imageColumn, pinEdit } from './stages.js';

export const dkr011 = defineRule<'dockerfile'>({
  id: 'DKR011',
  name: 'image-untagged',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'A base image has no tag or digest, so it means `latest`, whatever that is on the day of the build.',
  docs: [
    '`FROM condaforge/miniforge3` pulls `:latest`: the next build may get another conda, another Python, another',
    'glibc, and an image that built yesterday stops building (hadolint DL3006). Images from trusted registries',
    'are not exempt: a trusted source still changes under an unpinned name. `scratch`, earlier stage names and',
    'images chosen by a build argument without a default are not reported.',
    '',
    'Fix: name a version tag (`condaforge/miniforge3:25.3.0-1`), or better a digest',
    '(`condaforge/miniforge3:25.3.0-1@sha256:...`), which cannot move.',
  ].join('\n'),
  aliases: ['DL3006'],
  check(context, report) {
    for (const { stage, image } of baseImages(context)) {
      if (image.tag || image.digest || image.unresolved || image.repository === 'scratch') continue;
      const edit = pinEdit(context, stage, image);
      report({
        line: stage.from.line,
        column: imageColumn(stage.from),
        ...(edit ? { edit } : {}),
        message: `the base image \`${image.text}\` has no tag or digest, so every build pulls whatever \`latest\` is then`,
        fix: `name a version tag (\`${image.text}:<version>\`), or pin a digest (\`${image.text}@sha256:<digest>\`)`,
      });
    }
    return undefined;
  },
});
