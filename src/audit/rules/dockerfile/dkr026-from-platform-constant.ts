import { defineRule } from '../define-rule.js';
import { instructionText, replaceInstruction } from './edits.js';

const TARGET_PLATFORM = /^\$\{?TARGETPLATFORM\}?$/;

export const dkr026 = defineRule<'dockerfile'>({
  id: 'DKR026',
  name: 'from-platform-constant',
  target: 'dockerfile',
  severity: 'info',
  description: '`FROM --platform=` is set to a constant (or to the redundant `$TARGETPLATFORM`).',
  docs: [
    '`FROM --platform=linux/amd64` forces every build of the stage to that platform: a build for `linux/arm64`',
    '(Grace Hopper, Graviton) silently produces an amd64 image run under emulation, or fails at run time',
    '(hadolint **DL3029**, BuildKit **FromPlatformFlagConstDisallowed**). `--platform=$TARGETPLATFORM` is the default',
    'and says nothing (BuildKit **RedundantTargetPlatform**, hadolint **DL3065**).',
    '',
    'A constant is accepted when the stage name says which platform it is for (`AS build_amd64`), the pattern BuildKit',
    'documents for per-architecture stages. `$BUILDPLATFORM` (cross-compiling builders) is fine.',
    '',
    'Fix: drop `--platform` and pass `docker build --platform linux/amd64` (or set `platform:` in envgen.yaml),',
    'or use `--platform=$BUILDPLATFORM` for a stage that only builds.',
  ].join('\n'),
  aliases: ['DL3029', 'FromPlatformFlagConstDisallowed', 'RedundantTargetPlatform', 'DL3065'],
  check(context, report) {
    for (const stage of context.stages) {
      const platform = stage.from.flags.find((f) => f.name === 'platform')?.value;
      if (!platform) continue;
      if (TARGET_PLATFORM.test(platform)) {
        const text = instructionText(context, stage.from);
        const edit = replaceInstruction(
          context,
          stage.from,
          text.replace(/--platform=\$\{?TARGETPLATFORM\}?\s+/, ''),
          'remove the redundant --platform=$TARGETPLATFORM',
        );
        report({
          line: stage.from.line,
          column: stage.from.column,
          message: '`--platform=$TARGETPLATFORM` is what FROM does anyway',
          fix: 'remove `--platform=$TARGETPLATFORM`',
          aliases: ['RedundantTargetPlatform', 'DL3065'],
          ...(edit ? { edit } : {}),
        });
        continue;
      }
      if (platform.includes('$')) continue;
      const parts = platform.toLowerCase().split('/').filter(Boolean);
      const name = stage.name?.toLowerCase() ?? '';
      if (parts.some((part) => name.includes(part))) continue;
      report({
        line: stage.from.line,
        column: stage.from.column,
        message: `FROM --platform=${platform} pins this stage to one platform whatever \`docker build --platform\` asks for`,
        aliases: ['DL3029', 'FromPlatformFlagConstDisallowed'],
        fix: `drop --platform and build with \`docker build --platform ${platform}\`, or name the stage for its platform (\`AS build_${parts.at(-1) ?? 'amd64'}\`)`,
      });
    }
    return undefined;
  },
});
