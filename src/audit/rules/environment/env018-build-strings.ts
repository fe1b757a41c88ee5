import { defineRule } from '../define-rule.js';
import { condaDeps, isLinux64Lock } from './conda-env.js';

export const env018 = defineRule<'environment'>({
  id: 'ENV018',
  name: 'build-strings',
  target: 'environment',
  severity: 'warning',
  description:
    'Exact build strings are pinned (numpy=1.26.4=py311h..._0), which only fit one platform.',
  docs: [
    'A build string such as `py311h64a7726_0` names one binary of one platform; on another platform (or after the',
    'channel rebuilds) it does not exist and the solve fails. Such pins usually come from an unedited `conda env export`',
    '(use `--from-history` or `--no-builds`; TorchSSL discussion #10 on "platform-specific build constraints").',
    'Wildcard builds that select a variant (`pytorch=*=cuda*`, `cpu*`) are not flagged. Exact builds are allowed in a',
    'file marked as a linux-64 lock: a `# platform: linux-64` header comment (as conda-lock writes) or a name such as',
    '`environment.linux-64.lock.yml`.',
    '',
    'Fix: drop the build (`numpy=1.26.4`), or keep exact builds in a real lock (conda-lock, `conda list --explicit`).',
  ].join('\n'),
  check(context) {
    if (isLinux64Lock(context)) return [];
    return condaDeps(context)
      .filter((d) => d.conda?.build && !d.conda.build.includes('*'))
      .map((d) => ({
        line: d.line,
        column: d.column,
        message: `'${d.text}' pins the build '${d.conda?.build}', which exists for one platform only`,
        fix: `drop the build: '${d.name}${d.conda?.version ? `${/^[=<>!~]/.test(d.conda.version) ? '' : '='}${d.conda.version}` : ''}', and keep exact builds in a lock file`,
      }));
  },
});
