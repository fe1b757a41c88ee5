import { expandArgs } from '../../contexts.js';
import { matchSpecOf } from '../../match-specs.js';
import type {
  DockerfileContext,
  DockerInstruction,
  DockerStage,
  Edit,
  Finding,
} from '../../types.js';
import { defineRule } from '../define-rule.js';
import { runCommands } from '../dockerfile/run-commands.js';
import type { ShellCommand } from '../dockerfile/shell.js';
import { lineage } from '../dockerfile/stages.js';
import {
  assignments,
  commandSpecs,
  condaSpecCuda,
  copiesInLineage,
  environmentCudaClaims,
  isCudaCondaSpec,
  isGpuEnvironment,
  isSolve,
  solvedEnvironment,
  solveFile,
  workdirAt,
} from './image.js';

const NAME = 'CONDA_OVERRIDE_CUDA';

/** The override a RUN sees: `set`, set but empty (pretends no GPU), or `unset`. */
function overrideFor(
  ctx: DockerfileContext,
  chain: readonly DockerStage[],
  run: DockerInstruction,
): 'set' | 'empty' | 'unset' {
  const inline = [...run.args.matchAll(/\bCONDA_OVERRIDE_CUDA=("[^"]*"|'[^']*'|[^\s;&|]*)/g)];
  if (inline.length > 0) return /^["']?["']?$/.test(inline.at(-1)?.[1] ?? '') ? 'empty' : 'set';
  // micromamba's CUDA-tagged images set it themselves (micromamba-docker#620).
  const root = expandArgs(chain[0]?.image ?? '', ctx.globalArgs).text;
  if (/micromamba:.*cuda/i.test(root)) return 'set';
  let state: 'set' | 'empty' | 'unset' = 'unset';
  for (const instruction of chain.flatMap((stage) => stage.instructions)) {
    if (instruction.line >= run.line) break;
    if (instruction.keyword === 'RUN' && instruction.args.includes('override_virtual_packages')) {
      state = 'set';
    }
    for (const { name, value } of assignments(instruction)) {
      if (name !== NAME) continue;
      // A bare `ARG CONDA_OVERRIDE_CUDA` is meant to come from --build-arg.
      if (value === null) state = instruction.keyword === 'ARG' ? 'set' : state;
      else state = value.replaceAll(/["']/g, '').trim() === '' ? 'empty' : 'set';
    }
  }
  return state;
}

/** What makes a solve a GPU solve, for the message; undefined when it is not one. */
function gpuReason(
  ctx: DockerfileContext,
  command: ShellCommand,
  stage: DockerStage,
  line: number,
) {
  const copies = copiesInLineage(ctx, stage);
  const file = solveFile(command);
  if (file && !/\.ya?ml$/.test(file)) return undefined;
  const workdir = workdirAt(ctx, stage, line);
  const copy =
    solvedEnvironment(file, copies, workdir) ?? (copies.length === 1 ? copies[0] : undefined);
  if (file && copy && isGpuEnvironment(copy.env)) {
    const cuda = environmentCudaClaims(copy.env).find((c) => c.cuda.includes('.'))?.cuda;
    return { what: copy.env.file, cuda };
  }
  if (file && !copy && ctx.model && ctx.model.cuda !== 'cpu' && ctx.model.source !== 'pip') {
    return { what: `model '${ctx.model.name}' (CUDA ${ctx.model.cuda})`, cuda: ctx.model.cuda };
  }
  const specs = commandSpecs(command)
    .map((spec) => matchSpecOf(spec))
    .flatMap((parsed) => (parsed.ok ? [parsed.value] : []))
    .filter((spec) => isCudaCondaSpec(spec.name, spec.build));
  if (specs.length === 0) return undefined;
  const cuda = specs.map(condaSpecCuda).find((c) => c?.includes('.'));
  return { what: specs.map((s) => s.name).join(', '), cuda };
}

/**
 * Inserts `ENV CONDA_OVERRIDE_CUDA=<cuda>` above the RUN: the line with its text nearest to
 * where it was (`line`, 1-based), so an identical RUN in another stage is never taken for it.
 */
function insertOverride(runLine: string, line: number, cuda: string): Edit {
  return {
    description: `set ${NAME}=${cuda} before the RUN that solves the GPU environment`,
    apply(text) {
      const lines = text.split('\n');
      let index = -1;
      lines.forEach((l, i) => {
        if (l === runLine && (index < 0 || Math.abs(i + 1 - line) < Math.abs(index + 1 - line))) {
          index = i;
        }
      });
      if (index < 0) return text;
      let above = index - 1;
      while (above >= 0 && /^\s*(#.*)?$/.test(lines[above] ?? '')) above--;
      if (new RegExp(`^\\s*(ENV|ARG)\\s+${NAME}\\b`, 'i').test(lines[above] ?? '')) return text;
      const indent = /^\s*/.exec(runLine)?.[0] ?? '';
      lines.splice(index, 0, `${indent}ENV ${NAME}=${cuda}`);
      return lines.join('\n');
    },
  };
}

function check(ctx: DockerfileContext, report: (finding: Finding) => void): undefined {
  for (const stage of ctx.stages) {
    const chain = lineage(stage);
    for (const run of stage.instructions.filter((i) => i.keyword === 'RUN')) {
      const solve = runCommands(run).find(isSolve);
      if (!solve) continue;
      const reason = gpuReason(ctx, solve, stage, run.line);
      if (!reason) continue;
      const state = overrideFor(ctx, chain, run);
      if (state === 'set') continue;
      const cuda = (ctx.model?.cuda !== 'cpu' ? ctx.model?.cuda : undefined) ?? reason.cuda;
      const value = cuda ?? '<major.minor>';
      const runLine = ctx.lines[run.line - 1];
      report({
        line: run.line,
        column: run.column,
        message:
          state === 'empty'
            ? `this RUN solves a GPU environment (${reason.what}) with ${NAME} empty, which tells conda there is no CUDA driver: the solve picks CPU builds or fails`
            : `this RUN solves a GPU environment (${reason.what}) during docker build, where there is no GPU and so no __cuda virtual package, and ${NAME} is not set for it: conda-forge then picks CPU builds or refuses __cuda-dependent packages`,
        fix: `set \`ENV ${NAME}=${value}\` in this stage before the RUN, or prefix the command with \`${NAME}=${value}\``,
        ...(state === 'unset' && cuda && runLine !== undefined
          ? { edit: insertOverride(runLine, run.line, cuda) }
          : {}),
      });
    }
  }
}

export const spec003 = defineRule<'dockerfile'>({
  id: 'SPEC003',
  name: 'cuda-override-in-build',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'A RUN that solves a GPU conda environment during docker build has CONDA_OVERRIDE_CUDA set (ENV or ARG in its stage, or on the command).',
  docs: `\`docker build\` runs without a GPU, so conda sees no \`__cuda\` virtual package. A GPU environment (\`cuda-version\`, \`pytorch=*=cuda*\`, \`pytorch-cuda\`, \`cudatoolkit\`, \`cuda-*\`, \`cudnn\`, the \`nvidia\` channel) then solves to CPU builds without an error, or fails on packages that require \`__cuda\`. conda-forge's CUDA docs ("Installing CUDA packages without a GPU") and the cuda-version README say to set \`CONDA_OVERRIDE_CUDA=<major.minor>\` for the solve; the override must reach every command that solves.

The rule accepts \`ENV\`/\`ARG CONDA_OVERRIDE_CUDA\` earlier in the RUN's stage or in a stage it builds on (\`FROM build AS next\`), the variable on the RUN itself, \`override_virtual_packages\` set by an earlier RUN, and micromamba's CUDA-tagged images, which set it. An empty value tells conda there is no driver and is reported. Solves from an explicit lock (\`--file *.txt\`/\`*.lock\`) do not solve and are skipped.

Fix: \`ENV CONDA_OVERRIDE_CUDA=12.4\` before the RUN (\`--fix\` inserts it when the CUDA version is known).`,
  check,
});
