import { defineRule } from '../define-rule.js';
import { type ImageRef, imageColumn, inheritedInstructions, rootImage } from './stages.js';

/** Bases whose default user is not root: micromamba's `mambauser`, distroless `:nonroot` tags. */
function nonRootBase(image: ImageRef): boolean {
  return image.repository === 'mambaorg/micromamba' || /(^|-)nonroot$/.test(image.tag ?? '');
}

export const dkr014 = defineRule<'dockerfile'>({
  id: 'DKR014',
  name: 'final-user-root',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'The final stage runs as root: its last USER is root (or 0), or it sets no USER at all.',
  docs: [
    'A service that runs as root turns any code execution in it (a pickle in a model file, a dependency) into root',
    'in the container, and Kubernetes `runAsNonRoot` refuses the image (hadolint DL3002). Only the final stage',
    'counts: a build stage may need `USER root`. USER set in a stage the final one is built on is inherited, and',
    "micromamba's image already runs as `mambauser`. A final stage with no CMD, ENTRYPOINT or EXPOSE is a base",
    'image for others to build on, and is not reported for lacking USER.',
    '',
    'Differs from hadolint on purpose: hadolint reports the last `USER root` of every stage; envgen only the final',
    "stage's, since build stages (envgen's own among them) run as root to create environments.",
    '',
    'Fix: create a user and switch to it at the end of the final stage:',
    '`RUN useradd --system --uid 10001 --create-home app` then `USER app` (or `USER 10001`).',
  ].join('\n'),
  aliases: ['DL3002'],
  check(context) {
    const final = context.final;
    if (!final) return [];
    const user = inheritedInstructions(context, final)
      .filter((i) => i.keyword === 'USER')
      .at(-1);
    if (user) {
      const name = user.args.split(':')[0]?.trim() ?? '';
      if (name !== 'root' && name !== '0') return [];
      return [
        {
          line: user.line,
          column: user.column,
          message: `the final stage's last USER is \`${user.args}\`: the service runs as root`,
          fix: 'switch to an unprivileged user after the steps that need root (`USER app` or `USER 10001`)',
        },
      ];
    }
    // No CMD, ENTRYPOINT or EXPOSE: a base image for others to build FROM, not a service.
    const inherited = inheritedInstructions(context, final);
    if (!inherited.some((i) => ['CMD', 'ENTRYPOINT', 'EXPOSE'].includes(i.keyword))) return [];
    const { image } = rootImage(context, final);
    if (nonRootBase(image)) return [];
    return [
      {
        line: final.from.line,
        column: imageColumn(final.from),
        message: `the final stage sets no USER, so the service runs as the base image's user, root for \`${image.text}\``,
        fix: 'create a user (`RUN useradd --system --uid 10001 app`) and add `USER app` at the end of the final stage',
      },
    ];
  },
});
