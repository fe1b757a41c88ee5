import { posix } from 'node:path';
import { lockPath } from '../../../layout.js';
import type { EnvironmentContext } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { isLinux64Lock, topLevelKeys } from './conda-env.js';

const CONDA_PLATFORMS = ['linux-64', 'linux-aarch64', 'osx-64', 'osx-arm64', 'win-64'];

/** Lock files by their usual names (looked for in the file's folder and at the project root). */
function lockNames(context: EnvironmentContext): Set<string> {
  const stem = posix.basename(context.file).replace(/\.ya?ml$/, '');
  const name = typeof context.value?.name === 'string' ? context.value.name : undefined;
  const names = [
    'conda-lock.yml',
    'conda-lock.yaml',
    `${stem}.conda-lock.yml`,
    'pixi.lock',
    ...CONDA_PLATFORMS.flatMap((p) => [
      `conda-${p}.lock`,
      `conda-${p}.lock.yml`,
      `${p}.lock`,
      `${stem}-${p}.lock`,
      `${stem}.${p}.lock`,
    ]),
    `${stem}.lock`,
    `${stem}.lock.yml`,
    'env.lock',
    ...(name ? [`${name}.lock`] : []),
    'spec-file.txt',
    'explicit.txt',
  ];
  return new Set(names);
}

export const env019 = defineRule<'environment'>({
  id: 'ENV019',
  name: 'no-lock',
  target: 'environment',
  severity: 'info',
  description:
    'No lock (conda-lock.yml, an @EXPLICIT list, pixi.lock) sits next to the environment file, so rebuilds are not reproducible.',
  docs: [
    'An `environment.yml` states intent; the solver picks the versions on the day of the build, so a rebuild months',
    'later can differ even with every top-level package pinned. A lock records every package, its build and its',
    'hash: Jupyter\'s guidance is to "mature these into fully-reproducible lockfiles with e.g. conda-lock", and tools',
    'such as jake read `conda list --explicit --md5`. Looked for, next to the file and at the project root:',
    '`conda-lock.yml`, `<name>.conda-lock.yml`, `conda-<platform>.lock` and other `*.lock` names, `pixi.lock`, and',
    'text files that start an explicit list with `@EXPLICIT` (`spec-file.txt`, `explicit.txt`).',
    '',
    'Fix: `conda-lock -f environment.yml -p linux-64` (or `conda list --explicit --md5 > conda-linux-64.lock` from a',
    'built environment), commit it, and install from it in the image.',
  ].join('\n'),
  check(context) {
    if (isLinux64Lock(context)) return [];
    const names = lockNames(context);
    const folder = posix.dirname(context.file);
    const found = [...new Set([folder, '.'])].some((dir) => {
      const isLock = (name: string): boolean => {
        const body = context.project?.text(dir === '.' ? name : `${dir}/${name}`);
        if (body === undefined) return false;
        return name.endsWith('.txt') ? body.includes('@EXPLICIT') : true;
      };
      // The files there with a lock's name, rather than every lock name looked up in turn (a
      // name with a folder in it, from the file's own `name:`, is looked up as it is).
      return (
        (context.project?.filesIn(dir) ?? []).some((name) => names.has(name) && isLock(name)) ||
        [...names].some((name) => name.includes('/') && isLock(name))
      );
    });
    if (found) return [];
    const keys = topLevelKeys(context);
    const key = keys.find((k) => k.key === 'dependencies') ?? keys[0];
    const dir = posix.dirname(context.file);
    return [
      {
        line: key?.line ?? 1,
        column: key?.column ?? 1,
        message: `no lock file next to ${context.file} (conda-lock.yml, conda-linux-64.lock, pixi.lock, an @EXPLICIT list): each build solves anew`,
        // envgen's own file: its lock is `envgen lock`'s, which the generated Dockerfile installs.
        fix: context.model
          ? `run 'envgen lock ${context.model.name}': it writes ${lockPath(context.model.name, '<platform>')}, and the Dockerfile then installs it`
          : `run 'conda-lock -f ${context.file} -p linux-64'${dir === '.' ? '' : ` in ${dir}/`} (or save 'conda list --explicit --md5' as conda-linux-64.lock) and commit it`,
      },
    ];
  },
});
