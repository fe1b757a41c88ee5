import type { DockerfileContext, DockerStage, Finding } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { instructionText, replaceInstruction } from './edits.js';

const RESERVED = new Set(['scratch', 'context']);
const ONCE = ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'];

export const dkr030 = defineRule<'dockerfile'>({
  id: 'DKR030',
  name: 'structure',
  target: 'dockerfile',
  severity: 'error',
  description:
    'Structural mistakes: duplicate or reserved stage names, COPY --from an unknown or its own stage, several CMD/ENTRYPOINT/HEALTHCHECK in one stage, MAINTAINER.',
  docs: [
    '- Two stages with the same name (compared case-insensitively): `--from` and `--target` can only reach one',
    '  (hadolint **DL3024**, BuildKit **DuplicateStageName**). `scratch` and `context` are reserved (**ReservedStageName**, DL3063).',
    '- `COPY --from=<name>` (or `RUN --mount=from=<name>`) naming the stage itself (DL3023), a stage defined later, or no',
    '  stage at all: BuildKit then pulls an image of that name, almost always a typo (DL3022).',
    '- Only the last CMD, ENTRYPOINT and HEALTHCHECK of a stage count; earlier ones are dead code (DL4003, DL4004,',
    '  DL3012, BuildKit **MultipleInstructionsDisallowed**). The earlier ones are reported.',
    '- `MAINTAINER` is deprecated (DL4000, **MaintainerDeprecated**): use `LABEL org.opencontainers.image.authors=...`',
    '  (`--fix` rewrites it).',
  ].join('\n'),
  aliases: [
    'DL3022',
    'DL3023',
    'DL3024',
    'DL4003',
    'DL4004',
    'DL4000',
    'DL3063',
    'DL3012',
    'DuplicateStageName',
    'MultipleInstructionsDisallowed',
    'MaintainerDeprecated',
    'ReservedStageName',
  ],
  check(context, report) {
    const seen = new Map<string, DockerStage>();
    for (const stage of context.stages) {
      const name = stage.name?.toLowerCase();
      if (name) {
        const first = seen.get(name);
        if (first) {
          report({
            line: stage.from.line,
            column: stage.from.column,
            message: `the stage name "${stage.name}" is already used by the stage at line ${first.from.line}`,
            aliases: ['DL3024', 'DuplicateStageName'],
            fix: 'give each stage a distinct name',
          });
        } else seen.set(name, stage);
        if (RESERVED.has(name)) {
          report({
            line: stage.from.line,
            column: stage.from.column,
            message: `"${stage.name}" is a reserved name and cannot name a stage`,
            aliases: ['DL3063', 'ReservedStageName'],
            fix: 'rename the stage (e.g. `AS base`)',
          });
        }
      }
      for (const finding of [...references(context, stage), ...repeated(stage)]) report(finding);
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'MAINTAINER') continue;
        const text = instructionText(context, instruction);
        const author = instruction.args.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
        const head = /^\s*/.exec(text)?.[0] ?? '';
        const edit =
          instruction.line === instruction.endLine
            ? replaceInstruction(
                context,
                instruction,
                `${head}LABEL org.opencontainers.image.authors="${author}"`,
                'replace MAINTAINER with an OCI authors label',
              )
            : undefined;
        report({
          line: instruction.line,
          column: instruction.column,
          message: 'MAINTAINER is deprecated',
          aliases: ['DL4000', 'MaintainerDeprecated'],
          fix: `write \`LABEL org.opencontainers.image.authors="${author}"\``,
          ...(edit ? { edit } : {}),
        });
      }
    }
    // Before the first FROM only ARG (and parser directives, comments) may stand.
    for (const instruction of context.preamble) {
      report({
        line: instruction.line,
        column: instruction.column,
        message: `${instruction.keyword} before the first FROM: no builder accepts it (only ARG may come before FROM)`,
        fix: 'move it after FROM, or remove it',
      });
    }
    return undefined;
  },
});

/** COPY --from and RUN --mount=from= that do not name an earlier stage. */
function references(context: DockerfileContext, stage: DockerStage): Finding[] {
  const findings: Finding[] = [];
  for (const instruction of stage.instructions) {
    const targets =
      instruction.keyword === 'COPY'
        ? instruction.flags.filter((f) => f.name === 'from').map((f) => f.value)
        : instruction.keyword === 'RUN'
          ? instruction.flags
              .filter((f) => f.name === 'mount')
              .flatMap((f) =>
                f.value
                  .split(',')
                  .flatMap((pair) => (pair.startsWith('from=') ? [pair.slice(5)] : [])),
              )
          : [];
    for (const target of targets) {
      const problem = referenceProblem(context, stage, target);
      if (!problem) continue;
      findings.push({
        line: instruction.line,
        column: instruction.column,
        message: `--from=${target} ${problem}`,
        // hadolint: DL3023 for a stage naming itself, DL3022 for any other reference (an index too).
        aliases: [
          problem.startsWith('refers to the stage it is in') && !/^\d+$/.test(target)
            ? 'DL3023'
            : 'DL3022',
        ],
        fix: 'name a stage defined above this one (or a tagged image, `name:tag`)',
      });
    }
  }
  return findings;
}

function referenceProblem(
  context: DockerfileContext,
  stage: DockerStage,
  target: string,
): string | undefined {
  if (!target || target.includes('$')) return undefined;
  if (/^\d+$/.test(target)) {
    const index = Number(target);
    if (index === stage.index) return 'refers to the stage it is in';
    return index > stage.index ? `refers to stage ${index}, which comes later` : undefined;
  }
  const wanted = target.toLowerCase();
  const match = context.stages.find(
    (s) => s.name?.toLowerCase() === wanted && s.index >= stage.index,
  );
  const earlier = context.stages.some(
    (s) => s.name?.toLowerCase() === wanted && s.index < stage.index,
  );
  if (earlier) return undefined;
  if (match)
    return match.index === stage.index
      ? 'refers to the stage it is in'
      : `refers to the stage "${match.name}", defined later`;
  // An image reference (registry path, tag or digest) is legitimate; a bare unknown name is most likely a typo.
  if (/[:/@.]/.test(target)) return undefined;
  return `names no stage of this Dockerfile (stages: ${context.stages.flatMap((s) => (s.name ? [s.name] : [])).join(', ') || 'none named'}); BuildKit would pull an image "${target}"`;
}

/** hadolint's code for each instruction that only counts once. */
const REPEATED_ALIAS: Record<string, string> = {
  CMD: 'DL4003',
  ENTRYPOINT: 'DL4004',
  HEALTHCHECK: 'DL3012',
};

/** Earlier CMD/ENTRYPOINT/HEALTHCHECK of a stage that a later one overrides. */
function repeated(stage: DockerStage): Finding[] {
  return ONCE.flatMap((keyword) => {
    const all = stage.instructions.filter((i) => i.keyword === keyword);
    const last = all.at(-1);
    return all.slice(0, -1).map(
      (i): Finding => ({
        line: i.line,
        column: i.column,
        message: `only the last ${keyword} of a stage counts: this one is overridden by the ${keyword} at line ${last?.line}`,
        aliases: [REPEATED_ALIAS[keyword] ?? '', 'MultipleInstructionsDisallowed'],
        fix: `remove this ${keyword}`,
      }),
    );
  });
}
