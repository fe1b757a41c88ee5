import { posix } from 'node:path';
import type { DockerfileContext, DockerStage } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { pipArguments, pipInstallIndex, requirementPinned } from './installers.js';
import { runCommands } from './run-commands.js';
import { lineage, unquote } from './stages.js';

export const dkr017 = defineRule<'dockerfile'>({
  id: 'DKR017',
  name: 'pip-unpinned',
  target: 'dockerfile',
  severity: 'warning',
  description:
    '`pip install` in a RUN names packages without a version, or installs a requirements file that does.',
  docs: [
    'An unpinned `pip install torch` resolves to whatever is newest on the day of the build, so two builds of the',
    'same Dockerfile differ, and a new release can pull a torch for another CUDA into the image (hadolint **DL3013**).',
    '',
    'A requirement counts as pinned when it has a version comparison (`==`, `>=`, `~=`...), is a VCS URL with `@ref`,',
    'or a local path or archive. `-r file` is read when the file is in the project (found by the COPY that puts it',
    'in the image) and every entry of it must be pinned; a `-c` constraints file pins the whole command.',
    '',
    'Fix: `pip install "torch==2.4.1"`, or `pip install -r requirements.txt` with pinned (ideally hashed) entries;',
    'better still, list pip packages in the environment file so envgen pins them with the rest.',
  ].join('\n'),
  aliases: ['DL3013'],
  check(context, report) {
    for (const stage of context.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'RUN') continue;
        for (const command of runCommands(instruction)) {
          const install = pipInstallIndex(command, { pipx: true });
          if (install < 0) continue;
          const args = pipArguments(command, install);
          if (args.constraints.length > 0) continue;
          const unpinned = args.packages.filter((p) => !requirementPinned(p));
          const fromFiles = args.requirements.flatMap((file) => {
            const body = requirementsText(context, stage, file);
            const loose = body === undefined ? [] : unpinnedEntries(body);
            return loose.length > 0
              ? [`${file} (${loose.slice(0, 3).join(', ')}${loose.length > 3 ? ', ...' : ''})`]
              : [];
          });
          if (unpinned.length === 0 && fromFiles.length === 0) continue;
          const parts = [
            ...(unpinned.length > 0 ? [`installs ${unpinned.join(', ')} without a version`] : []),
            ...(fromFiles.length > 0
              ? [`installs unpinned entries of ${fromFiles.join('; ')}`]
              : []),
          ];
          report({
            line: command.line,
            column: command.column,
            message: `\`pip install\` ${parts.join(' and ')}: each build may get different versions`,
            fix: `pin each package (\`${unpinned[0] ?? 'package'}==<version>\`), or move the pip packages into the environment file envgen pins`,
          });
        }
      }
    }
    return undefined;
  },
});

/** The text of a `-r` file, found through the COPY/ADD that put it in the image. */
function requirementsText(
  context: DockerfileContext,
  stage: DockerStage,
  file: string,
): string | undefined {
  const target = posix.normalize(unquote(file));
  const name = posix.basename(target);
  const dir = posix.dirname(context.file);
  const read = (path: string) =>
    context.project.text(posix.normalize(path)) ?? context.project.text(posix.join(dir, path));
  for (const instruction of lineage(stage).flatMap((s) => s.instructions)) {
    if (
      (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') ||
      instruction.flags.some((f) => f.name === 'from')
    )
      continue;
    const words = instruction.args.split(/\s+/).map(unquote);
    const destination = words.at(-1) ?? '';
    for (const source of words.slice(0, -1)) {
      if (source === '.' || source === './') {
        const root = destination.replace(/\/+$/, '');
        if (target.startsWith(`${root}/`)) return read(target.slice(root.length + 1));
        continue;
      }
      if (posix.basename(source) === name) return read(source);
    }
  }
  return target.startsWith('/') ? undefined : read(target);
}

function unpinnedEntries(body: string): string[] {
  return body
    .replaceAll(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('-'))
    .map((line) => line.split(/\s+--hash/)[0]?.trim() ?? line)
    .filter((entry) => !requirementPinned(entry.split(';')[0] ?? entry));
}
