import { isAnacondaChannel } from '../../../conda-channels.js';
import { pytorchIndexLabel } from '../../../pytorch-wheels.js';
import { matchSpecOf } from '../../match-specs.js';
import type { DockerfileContext, EnvironmentContext, Finding } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { runCommands } from '../dockerfile/run-commands.js';
import { condaTool } from '../dockerfile/shell.js';
import { imageColumn, lineage } from '../dockerfile/stages.js';
import { commandSpecs, environmentCopies, firstOptionValue, rootImageText } from './image.js';

/** conda packages NVIDIA publishes under its EULA (cuda-version: LicenseRef-NVIDIA-End-User-License-Agreement). */
const NVIDIA_CONDA =
  /^(cuda-.+|cudnn|cudatoolkit|pytorch-cuda|cutensor|libcu(blas|fft|rand|solver|sparse|file|tensor|dnn).*|libnpp.*|libnvjitlink.*|libnvjpeg.*|libnvinfer.*|tensorrt.*)$/;

interface Inventory {
  nvidia: string[];
  anaconda: string[];
  /** PyTorch's CUDA wheels: they bundle or pull NVIDIA's nvidia-* wheels. */
  wheels?: boolean;
}

function condaEntry(inventory: Inventory, text: string): void {
  const parsed = matchSpecOf(text);
  if (!parsed.ok) return;
  const { name, build, channel } = parsed.value;
  if (NVIDIA_CONDA.test(name) || name === 'pytorch-gpu') inventory.nvidia.push(text);
  else if (/^(pytorch|torchvision|torchaudio)$/.test(name) && /^cuda/.test(build ?? '')) {
    inventory.nvidia.push(`${text} (pulls cuda-* libraries)`);
  }
  if (channel && isAnacondaChannel(channel)) inventory.anaconda.push(text);
}

function pipEntry(inventory: Inventory, text: string): void {
  if (/^nvidia-[a-z0-9-]+/i.test(text)) inventory.nvidia.push(text);
  else if (pytorchIndexLabel(text)?.startsWith('cu') || /^torch\b.*\+cu\d+/i.test(text)) {
    inventory.nvidia.push(text.replace(/^--(extra-)?index-url[= ]\s*/, ''));
    inventory.wheels = true;
  }
}

function channelEntry(inventory: Inventory, channel: string): void {
  if (channel === 'nvidia' || channel.startsWith('nvidia/'))
    inventory.nvidia.push(`channel ${channel}`);
  if (isAnacondaChannel(channel)) inventory.anaconda.push(`channel ${channel}`);
}

function environmentInventory(env: EnvironmentContext): Inventory {
  const inventory: Inventory = { nvidia: [], anaconda: [] };
  for (const channel of env.channels) channelEntry(inventory, channel.name);
  for (const dep of env.dependencies) {
    if (dep.kind === 'conda') condaEntry(inventory, dep.text);
    else pipEntry(inventory, dep.text);
  }
  return inventory;
}

function message(subject: string, inventory: Inventory): string {
  const parts: string[] = [];
  if (inventory.nvidia.length > 0) {
    const wheels = inventory.wheels ? ' (CUDA wheels of torch bundle or pull nvidia-* wheels)' : '';
    parts.push(
      `NVIDIA components under NVIDIA's licence terms (CUDA EULA, cuDNN SLA): ${inventory.nvidia.join(', ')}${wheels}`,
    );
  }
  if (inventory.anaconda.length > 0) {
    parts.push(
      `packages from Anaconda's channels under Anaconda's Terms of Service: ${inventory.anaconda.join(', ')}`,
    );
  }
  return `licence inventory: ${subject} puts into the image ${parts.join('; and ')}`;
}

function fix(inventory: Inventory): string {
  const record = "list these in the image's licence notices or SBOM before you redistribute it";
  return inventory.anaconda.length > 0
    ? `${record}; for the Anaconda packages use conda-forge with nodefaults, or make sure the organisation's Anaconda licence covers redistribution`
    : record;
}

function check(ctx: DockerfileContext, reportFinding: (finding: Finding) => void): undefined {
  const report = (line: number, column: number, subject: string, inventory: Inventory): void => {
    if (inventory.nvidia.length + inventory.anaconda.length === 0) return;
    reportFinding({ line, column, message: message(subject, inventory), fix: fix(inventory) });
  };
  if (ctx.final) {
    const image = rootImageText(ctx, ctx.final);
    const from = lineage(ctx.final)[0]?.from ?? ctx.final.from;
    const inventory: Inventory = { nvidia: [], anaconda: [] };
    if (/^((docker\.io|nvcr\.io)\/)?nvidia\//.test(image))
      inventory.nvidia.push(`base image ${image}`);
    if (/^(docker\.io\/)?continuumio\/(anaconda3|miniconda3)(:|@|$)/.test(image)) {
      inventory.anaconda.push(`base image ${image} (conda from the defaults channel)`);
    }
    report(from.line, imageColumn(from), 'the final base image', inventory);
  }
  for (const copy of environmentCopies(ctx)) {
    report(
      copy.instruction.line,
      copy.instruction.column,
      copy.env.file,
      environmentInventory(copy.env),
    );
  }
  for (const run of ctx.instructions.filter((i) => i.keyword === 'RUN')) {
    const inventory: Inventory = { nvidia: [], anaconda: [] };
    for (const command of runCommands(run)) {
      if (condaTool(command)) {
        const channel = firstOptionValue(command, ['-c', '--channel']);
        if (channel) channelEntry(inventory, channel);
        for (const spec of commandSpecs(command)) condaEntry(inventory, spec);
      } else if (/^pip3?$/.test(command.words[0] ?? '') || command.words.includes('pip')) {
        for (const word of command.words) pipEntry(inventory, word);
      }
    }
    report(run.line, run.column, 'this RUN', inventory);
  }
}

export const spec006 = defineRule<'dockerfile'>({
  id: 'SPEC006',
  name: 'licence-inventory',
  target: 'dockerfile',
  severity: 'info',
  description:
    'Lists what the image redistributes under NVIDIA EULA terms or Anaconda Terms of Service.',
  docs: `An image is a redistribution of everything in it. CUDA packages (\`cuda-version\`, \`cuda-*\`, \`cudnn\`, \`cudatoolkit\`, \`pytorch-cuda\`, the \`nvidia\` channel, \`nvidia-*\` wheels and the CUDA wheels of torch that pull them, \`nvidia/cuda\` base images) come under NVIDIA's licence (conda-forge's \`cuda-version\` lists \`LicenseRef-NVIDIA-End-User-License-Agreement\`, anaconda.org/conda-forge/cuda-version). Packages from Anaconda's channels (\`defaults\`, \`main\`, \`r\`, repo.anaconda.com) come under Anaconda's Terms of Service, which require a paid licence for organisations of 200 or more and for "embedding, mirroring, or providing third parties access" (Anaconda ToS FAQ).

This is an inventory, not a defect: one info finding per source (the final base image, each environment file on its COPY, each RUN that installs such packages), so a release checklist or SBOM can pick them up.

Fix: record the licences; for Anaconda packages prefer conda-forge with \`nodefaults\` (ENV001-ENV003, DKR001).`,
  check,
});
