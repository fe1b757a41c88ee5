import type { DockerfileContext, DockerInstruction, Finding } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { lineage, propertiesOf, stageNamed, unquote } from './stages.js';

/** ARGs BuildKit defines in the global scope without a declaration. */
const PREDEFINED = new Set([
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
]);
/** Variables base images commonly set in their ENV: a stage may use them without declaring them. */
const IMAGE_ENV =
  /^(PATH|HOME|USER|HOSTNAME|SHELL|LANG|LANGUAGE|LC_\w+|TZ|LD_LIBRARY_PATH|LIBRARY_PATH|PYTHON\w*|PIP_\w+|CUDA\w*|NV_\w+|NVIDIA_\w+|NCCL_\w+|CONDA\w*|MAMBA\w*|MAMBA_\w+|ENV_NAME|JAVA_HOME|GOPATH|NODE_VERSION|DEBIAN_FRONTEND)$/;
/** Instructions BuildKit expands variables in (RUN and CMD are left to the shell). */
const EXPANDED = new Set([
  'ADD',
  'COPY',
  'ENV',
  'EXPOSE',
  'LABEL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/** distribution/reference's grammar: [domain[:port]/]path[:tag][@digest], lower-case path. */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN =
  '(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*\\.?[a-zA-Z0-9-]*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

interface Reference {
  name: string;
  modifier: string | null;
  parameter: string | null;
  line: number;
  column: number;
}

export const dkr025 = defineRule<'dockerfile'>({
  id: 'DKR025',
  name: 'from-arg-undefined',
  target: 'dockerfile',
  severity: 'error',
  description:
    'A FROM uses an ARG that is not declared before the first FROM, or whose default leaves an invalid image name; or a variable is used before it is defined.',
  docs: [
    `Only ARGs declared before the first FROM can be used in FROM. \`FROM nvidia/cuda:\${CUDA_VERSION}-runtime-ubuntu22.04\``,
    'with an undeclared `CUDA_VERSION` expands to an empty string (BuildKit **UndefinedArgInFrom**); a declared one with',
    'no default makes `nvidia/cuda:-runtime-ubuntu22.04`, an invalid reference, unless every build passes',
    '`--build-arg` (BuildKit **InvalidDefaultArgInFrom**). The platform ARGs (`TARGETPLATFORM`, `BUILDPLATFORM`...) are',
    'predefined.',
    '',
    'Inside a stage, a variable used in ENV/COPY/LABEL/WORKDIR... before the ARG or ENV that defines it later in the',
    'stage, or a global ARG not re-declared after FROM, expands to nothing (BuildKit **UndefinedVar**). Names that base',
    'images usually set (PATH, CUDA_VERSION, CONDA_DIR...) are left alone, since their ENV is not known here.',
    '',
    `Fix: declare the ARG with a default before the first FROM (\`ARG CUDA_VERSION=12.4.1\`), use \`\${VAR:-default}\`,`,
    'and re-declare global ARGs inside each stage that uses them (`ARG CUDA_VERSION`).',
  ].join('\n'),
  aliases: ['UndefinedArgInFrom', 'UndeclaredArgInFrom', 'InvalidDefaultArgInFrom', 'UndefinedVar'],
  check(context) {
    return [...fromFindings(context), ...stageFindings(context)].sort(
      (a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0),
    );
  },
});

function referencedVariables(instruction: DockerInstruction): Reference[] {
  return instruction.raw.getVariables().map((v) => {
    const start = v.getRange().start;
    return {
      name: v.getName(),
      modifier: v.getModifier(),
      parameter: v.getSubstitutionParameter(),
      line: start.line + 1,
      column: start.character + 1,
    };
  });
}

function fromFindings(context: DockerfileContext): Finding[] {
  const findings: Finding[] = [];
  for (const stage of context.stages) {
    const references = referencedVariables(stage.from);
    let undefinedFound = false;
    for (const reference of references) {
      if (context.globalArgs.has(reference.name) || PREDEFINED.has(reference.name)) continue;
      // `${X:-default}` still gives a value when X is unknown.
      if (reference.modifier === '-' && reference.parameter) continue;
      undefinedFound = true;
      findings.push({
        line: reference.line,
        column: reference.column,
        message: `FROM uses $${reference.name}, which is not an ARG declared before the first FROM: it expands to an empty string`,
        fix: `declare it with a default before the first FROM: \`ARG ${reference.name}=<value>\``,
      });
    }
    if (undefinedFound || !stage.image.includes('$')) continue;
    const image = expand(stage.image, context.globalArgs);
    if (image === undefined || REFERENCE.test(image) || stageNamed(context, image, stage.index))
      continue;
    const first = references.find((r) => !PREDEFINED.has(r.name) && stage.image.includes(r.name));
    findings.push({
      line: first?.line ?? stage.from.line,
      column: first?.column ?? stage.from.column,
      message: `with the ARG defaults, FROM ${stage.image} becomes "${image}", which is not a valid image reference`,
      fix: `give the ARG a default that makes a valid image (\`ARG TAG=25.3.0-1\`), or use \`\${TAG:-25.3.0-1}\` in FROM`,
    });
  }
  return findings;
}

/**
 * The image with the ARG defaults substituted; undefined where a platform ARG makes the result
 * depend on the build (`FROM build_${TARGETARCH}`).
 */
function expand(image: string, args: ReadonlyMap<string, string | undefined>): string | undefined {
  let known = true;
  const expanded = image.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (
      _all,
      braced: string | undefined,
      modifier: string | undefined,
      parameter: string | undefined,
      bare: string | undefined,
    ) => {
      const name = braced ?? bare ?? '';
      if (PREDEFINED.has(name)) known = false;
      const value = unquote(args.get(name) ?? '');
      if (modifier === '-') return value || (parameter ?? '');
      if (modifier === '+') return value ? (parameter ?? '') : '';
      return value;
    },
  );
  return known ? expanded : undefined;
}

function stageFindings(context: DockerfileContext): Finding[] {
  const findings: Finding[] = [];
  for (const stage of context.stages) {
    // ENV carries over to stages built FROM this one; ARG does not.
    const known = new Set(
      lineage(stage)
        .slice(0, -1)
        .flatMap((s) =>
          s.instructions
            .filter((i) => i.keyword === 'ENV')
            .flatMap((i) => propertiesOf(i).map((p) => p.name)),
        ),
    );
    const definers = stage.instructions.filter((i) => i.keyword === 'ARG' || i.keyword === 'ENV');
    for (const instruction of stage.instructions.slice(1)) {
      if (EXPANDED.has(instruction.keyword)) {
        for (const reference of referencedVariables(instruction)) {
          if (known.has(reference.name) || IMAGE_ENV.test(reference.name)) continue;
          if (reference.modifier === '-' || reference.modifier === '+') continue;
          const later = definers.find(
            (d) =>
              d.line > instruction.line && propertiesOf(d).some((p) => p.name === reference.name),
          );
          const global = context.globalArgs.has(reference.name);
          if (!later && !global) continue;
          findings.push({
            line: reference.line,
            column: reference.column,
            message: later
              ? `$${reference.name} is used before the ${later.keyword} at line ${later.line} defines it: here it expands to nothing`
              : `$${reference.name} is a global ARG, which is not visible inside a stage until it is re-declared: here it expands to nothing`,
            fix: later
              ? `move the ${later.keyword} ${reference.name} above this line`
              : `add \`ARG ${reference.name}\` after the FROM of this stage`,
          });
        }
      }
      if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
        for (const property of propertiesOf(instruction)) known.add(property.name);
      }
    }
  }
  return findings;
}
