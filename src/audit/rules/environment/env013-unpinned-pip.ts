import { parsePipRequirement, VCS_URL } from '../../../spec/package-entries.js';
import type { Finding } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { pipDeps } from './conda-env.js';

const MOVING = new Set(['main', 'master', 'develop', 'dev', 'head', 'trunk']);

/** The ref of a VCS URL (`git+https://host/repo.git@v1.2#egg=x` -> `v1.2`), ignoring `user@host`. */
function vcsRef(url: string): string | undefined {
  const rest = url.replace(/^[a-z]+\+[a-z]+:\/\//i, '').split('#')[0] ?? '';
  const slash = rest.indexOf('/');
  const path = slash === -1 ? '' : rest.slice(slash);
  const at = path.lastIndexOf('@');
  return at === -1 ? undefined : path.slice(at + 1) || undefined;
}

export const env013 = defineRule<'environment'>({
  id: 'ENV013',
  name: 'unpinned-pip',
  target: 'environment',
  severity: 'warning',
  description: 'A pip: entry has no == pin, or a VCS URL names no commit or tag.',
  docs: [
    'pip takes the newest release of an unpinned (or range-only) requirement at every build, and a `git+https://…`',
    'URL without `@<commit>` follows a branch, so the same file builds different code from one day to the next',
    "(hadolint DL3013 for pip, and DL3016's rule that git dependencies need a commit). Branch names such as",
    '`@main` count as unpinned. Requirement-file options (`--extra-index-url`, `-r`) are not requirements and are skipped.',
    '',
    'Fix: pin with `==` (`transformers==4.48.0`), and add a commit or tag to VCS URLs (`…/repo.git@v1.2.0` or `@<sha>`).',
  ].join('\n'),
  check(context) {
    // envgen's own file: the entries come from envgen.yaml, which is where to pin them (or a
    // lock); a finding on a generated file could not be fixed there.
    if (context.model) return [];
    return pipDeps(context).flatMap((d): Finding[] => {
      const text = d.text.trim();
      const vcs = VCS_URL.exec(text);
      if (vcs) {
        const ref = vcsRef(vcs[0]);
        if (ref && !MOVING.has(ref.toLowerCase())) return [];
        return [
          {
            line: d.line,
            column: d.column,
            message: ref
              ? `'${text}' follows the branch '${ref}', so each build can get different code`
              : `'${text}' names no commit or tag, so each build gets the branch's latest code`,
            fix: 'add a commit or tag to the URL: …/repo.git@<sha-or-tag>',
          },
        ];
      }
      if (text.startsWith('-')) return [];
      const parsed = parsePipRequirement(text);
      if (!parsed.ok || parsed.value.pinned) return [];
      return [
        {
          line: d.line,
          column: d.column,
          message: `pip '${text}' is not pinned with '==', so each build may get a different version`,
          fix: `pin it: '${parsed.value.name}==X.Y.Z'`,
        },
      ];
    });
  },
});
