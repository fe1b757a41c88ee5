import { cudaOfLabel, pytorchIndexLabel } from '../../../pytorch-wheels.js';
import { expandArgs } from '../../contexts.js';
import { matchSpecOf } from '../../match-specs.js';
import type { DockerfileContext, DockerInstruction, Finding } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { runCommands } from '../dockerfile/run-commands.js';
import { condaTool } from '../dockerfile/shell.js';
import { imageColumn } from '../dockerfile/stages.js';
import {
  type CudaClaim,
  commandSpecs,
  condaSpecCuda,
  cudaDrift,
  environmentCopies,
  environmentCudaClaims,
  imageCuda,
} from './image.js';

/** CUDA named inside a RUN: a wheel index, a `+cuXXX` pin, a conda CUDA pin on the command line. */
function runClaims(instruction: DockerInstruction): CudaClaim[] {
  const claims: CudaClaim[] = [];
  const add = (what: string, cuda: string | undefined): void => {
    if (cuda) claims.push({ cuda, what, line: instruction.line, column: instruction.column });
  };
  for (const command of runCommands(instruction)) {
    for (const word of command.words) {
      const index = pytorchIndexLabel(word);
      if (index?.startsWith('cu')) add(`wheel index ${word}`, cudaOfLabel(index));
      const local = /^(torch|torchvision|torchaudio)\b.*\+(cu\d+)\b/i.exec(word)?.[2];
      if (local) add(word, cudaOfLabel(local));
    }
    if (!condaTool(command)) continue;
    for (const spec of commandSpecs(command)) {
      const parsed = matchSpecOf(spec);
      if (parsed.ok) add(spec, condaSpecCuda(parsed.value));
    }
  }
  return claims;
}

function check(ctx: DockerfileContext): Finding[] {
  const bases: CudaClaim[] = ctx.stages.flatMap((stage) => {
    const image = expandArgs(stage.image, ctx.globalArgs).text;
    const cuda = imageCuda(image);
    // At the image on its FROM, as the other base-image rules point.
    const at = { line: stage.from.line, column: imageColumn(stage.from) };
    return cuda ? [{ cuda, what: `base image ${image}`, ...at }] : [];
  });
  const runs = ctx.instructions.flatMap(runClaims);
  const copies = environmentCopies(ctx);
  // Each environment is compared on its own: a bundle image carries several, each with its CUDA.
  const groups = copies.length > 0 ? copies : [undefined];
  const byLine = new Map<number, { column: number; messages: Set<string> }>();
  for (const copy of groups) {
    // Entries of the environment file are reported on the COPY that brings it in.
    const envClaims = copy
      ? environmentCudaClaims(copy.env).map((c) => ({ ...c, ...position(copy.instruction) }))
      : [];
    const model = ctx.model;
    const reference: CudaClaim | undefined = model
      ? { cuda: model.cuda, what: `envgen.yaml (model '${model.name}')`, line: 0, column: 0 }
      : (envClaims[0] ?? runs[0] ?? bases[0]);
    if (!reference) continue;
    for (const claim of [...envClaims, ...runs, ...bases]) {
      if (claim === reference) continue;
      const drift = reference.cuda === 'cpu' ? 'major' : cudaDrift(claim.cuda, reference.cuda);
      if (!drift) continue;
      const wanted = reference.cuda === 'cpu' ? 'a CPU build' : `CUDA ${reference.cuda}`;
      const message =
        drift === 'major'
          ? `CUDA major mismatch: ${claim.what} means CUDA ${claim.cuda}, but ${reference.what} means ${wanted}`
          : `CUDA minor-version drift (warning-level): ${claim.what} means CUDA ${claim.cuda}, but ${reference.what} means ${wanted}`;
      const entry = byLine.get(claim.line) ?? { column: claim.column, messages: new Set() };
      entry.messages.add(message);
      byLine.set(claim.line, entry);
    }
  }
  const spec = Boolean(ctx.model);
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([line, { column, messages }]) => ({
      line,
      column,
      message: [...messages].join('; '),
      fix: spec
        ? 'make the image follow envgen.yaml: run `envgen generate`, or change this base image tag, pin or wheel index to the CUDA the spec resolves'
        : 'use one CUDA version for the whole image: the base image tag, cuda-version/pytorch-cuda/cudatoolkit and the /whl/cuXXX index should name the same major.minor',
    }));
}

function position(instruction: DockerInstruction): { line: number; column: number } {
  return { line: instruction.line, column: instruction.column };
}

export const spec001 = defineRule<'dockerfile'>({
  id: 'SPEC001',
  name: 'cuda-versions-agree',
  target: 'dockerfile',
  severity: 'error',
  description:
    "The CUDA version of the base image tag, the environment file's CUDA pins, the pip wheel index and the spec agree.",
  docs: `An image names its CUDA version in several places: the base image tag (\`nvidia/cuda:12.4.1-…\`), the environment it copies (\`cuda-version\`, \`pytorch-cuda\`, \`cudatoolkit\`, a \`cuda12x\` build string, a \`/whl/cu121\` index or \`+cu121\` pin) and, for files envgen generates, the model in envgen.yaml. When they disagree, the image ships two CUDA runtimes or a torch built for a CUDA the rest of the image does not have ("cu129 wheels won't run cleanly on a 12.1 runtime base", saturncloud/images#472).

A different major is a mismatch (reported as an error). A different minor within one major is drift that minor-version compatibility usually absorbs, so its message says it is warning-level; the cuda-version-feedstock README recommends \`cuda-version >=X.0,<X+1\` for that reason, and such a range agrees with any X.Y.

The reference is the spec's model when the Dockerfile is \`envs/<model>/Dockerfile\`, otherwise the copied environment file. Each environment of a bundle image is compared on its own. Fix: regenerate from envgen.yaml, or change the tag, pin or index so they name one CUDA.`,
  check,
});
