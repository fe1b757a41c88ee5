import { posix } from 'node:path';
import { HISTORY_AND_SECRETS, isExcluded } from '../../../dockerignore.js';
import type { DockerfileContext, Finding } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { unquote } from './stages.js';

const WHOLE = new Set(['.', './', './.', '*', './*']);

export const dkr023 = defineRule<'dockerfile'>({
  id: 'DKR023',
  name: 'copy-whole-context',
  target: 'dockerfile',
  severity: 'warning',
  description:
    '`COPY . <dest>` copies the whole build context with no `.dockerignore` that keeps `.git` and `.env` out.',
  docs: [
    '`COPY . /app` takes everything in the build context: `.git` (history, sometimes tokens in remotes), `.env`',
    'files, model weights and datasets. Each one lands in a layer, and any change to any file invalidates the layer',
    'cache from there on (hadolint **DL4007**; BuildKit **CopyIgnoredFile** checks the converse).',
    '',
    'Reported when the context has no `.dockerignore` (nor `<Dockerfile>.dockerignore`), or when the one it has does',
    "not exclude `.git` and `.env`. With such a `.dockerignore` the copy is a choice and is not reported (envgen's",
    'generated Dockerfiles copy `.` next to the `.dockerignore` it writes).',
    '',
    'Fix: copy only what the service needs (`COPY app/ /app/app/`), or add a `.dockerignore` with at least `.git`,',
    '`.env*`, and weight files (`**/*.pt`, `**/*.safetensors`); `envgen generate` writes one.',
  ].join('\n'),
  aliases: ['DL4007', 'CopyIgnoredFile'],
  check(context) {
    const copies = context.instructions.filter(
      (i) =>
        (i.keyword === 'COPY' || i.keyword === 'ADD') &&
        !i.flags.some((f) => f.name === 'from') &&
        sources(i.args).some((s) => WHOLE.has(s)),
    );
    if (copies.length === 0) return [];
    const ignore = dockerignoreText(context);
    // What goes in: everything without a .dockerignore, else only what it lets through.
    let leaks: string[];
    if (ignore === undefined) {
      if (context.hasDockerignore) return [];
      leaks = ['.git', '.env files', 'weights'];
    } else {
      leaks = HISTORY_AND_SECRETS.filter(({ paths }) =>
        paths.some((path) => !isExcluded(ignore, path)),
      ).map(({ what }) => what);
    }
    if (leaks.length === 0) return [];
    const why =
      ignore === undefined
        ? 'the build context has no .dockerignore'
        : `the .dockerignore lets ${leaks.join(' and ')} through`;
    return copies.map(
      (i): Finding => ({
        line: i.line,
        column: i.column,
        message: `\`${i.keyword} ${i.args}\` copies the whole build context and ${why}: ${leaks.join(', ')} go into the image`,
        fix: `copy only the files the service needs, or exclude ${ignore === undefined ? '.git, .env* and weight files' : leaks.join(' and ')} in a .dockerignore`,
      }),
    );
  },
});

function sources(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) {
    try {
      const words = JSON.parse(trimmed) as unknown;
      if (Array.isArray(words)) return words.slice(0, -1).map(String);
    } catch {
      // Not JSON after all: read it as the plain form.
    }
  }
  return trimmed.split(/\s+/).slice(0, -1).map(unquote);
}

/** The .dockerignore BuildKit uses for this Dockerfile: `<Dockerfile>.dockerignore` first. */
function dockerignoreText(context: DockerfileContext): string | undefined {
  return (
    context.project.text(`${context.file}.dockerignore`) ??
    context.project.text('.dockerignore') ??
    context.project.text(posix.join(posix.dirname(context.file), '.dockerignore'))
  );
}
