/**
 * What the environment rules share: how a channel entry is classified (Anaconda-hosted,
 * conda-forge, GPU vendor), where the PyTorch packages come from, whether the file targets a
 * GPU, and line-based edits that keep the file's own layout and indentation.
 *
 * Channels: https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-channels.html
 */
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { channelName, isCondaForge, isPytorchChannel } from '../../../conda-channels.js';
import { isPytorchIndex, pytorchIndexLabel } from '../../../pytorch-wheels.js';
import type { Dependency, EnvironmentContext } from '../../types.js';

/** Every channel an environment file names, with its position: the `channels:` entries and the `channel::pkg` prefixes. */
export function environmentChannels(
  context: EnvironmentContext,
): { raw: string; name: string; line: number; column: number; inSpec: boolean }[] {
  return [
    ...context.channels.map((c) => ({
      raw: c.name,
      name: channelName(c.name),
      line: c.line,
      column: c.column,
      inSpec: false,
    })),
    ...condaDeps(context).flatMap((d) =>
      d.conda?.channel
        ? [
            {
              raw: d.conda.channel,
              name: channelName(d.conda.channel),
              line: d.line,
              column: d.column,
              inSpec: true,
            },
          ]
        : [],
    ),
  ];
}

export function condaDeps(context: EnvironmentContext): Dependency[] {
  return (context.dependencies ?? []).filter((d) => d.kind === 'conda');
}

export function pipDeps(context: EnvironmentContext): Dependency[] {
  return (context.dependencies ?? []).filter((d) => d.kind === 'pip');
}

/** pip's requirement-file options (`--extra-index-url URL`, `-e .`) are entries too. */
export function isPipOption(entry: Dependency): boolean {
  return entry.text.trim().startsWith('-');
}

export const CONDA_TORCH = new Set([
  'pytorch',
  'pytorch-gpu',
  'pytorch-cpu',
  'torchvision',
  'torchaudio',
]);
export const PIP_TORCH = new Set(['torch', 'torchvision', 'torchaudio']);

/** The package indexes of the `pip:` list: `--index-url`, `--extra-index-url`, `-i`, `--find-links`, `-f`. */
export function pipIndexes(context: EnvironmentContext): { url: string; line: number }[] {
  return pipDeps(context).flatMap((d) => {
    const match = /^(?:--index-url|--extra-index-url|-i|--find-links|-f)(?:\s*=\s*|\s+)(\S+)/.exec(
      d.text.trim(),
    );
    return match?.[1] ? [{ url: match[1], line: d.line }] : [];
  });
}

/**
 * The PyTorch build a pip index serves, as the ENV rules read it: its label (`cu124`, `cpu`,
 * `rocm6.2`), `unlabelled` for a PyTorch index (or mirror) without one, undefined for any
 * other index.
 */
export function pipIndexBuild(url: string): string | undefined {
  return isPytorchIndex(url) ? (pytorchIndexLabel(url) ?? 'unlabelled') : undefined;
}

/**
 * Where conda takes `pytorch` from: conda-forge when the spec says so, or when conda-forge is a
 * channel and no PyTorch channel is.
 */
export function condaForgePytorch(context: EnvironmentContext): Dependency | undefined {
  const pytorch = condaDeps(context).find((d) => d.name === 'pytorch');
  if (!pytorch) return undefined;
  const channel = pytorch.conda?.channel;
  if (channel) return isCondaForge(channel) ? pytorch : undefined;
  const names = context.channels.map((c) => c.name);
  return names.some(isCondaForge) && !names.some(isPytorchChannel) ? pytorch : undefined;
}

/** Whether the file (or its model) targets a GPU, and the evidence in words. */
export interface GpuTarget {
  gpu: boolean;
  because: string;
}

/**
 * The spec's model decides when there is one. Without a spec, the file itself: `pytorch-cuda`,
 * `pytorch-gpu`, `cuda-version`, `cudatoolkit`, a `cuda*` build string of a PyTorch package, a
 * `/whl/cuXXX` pip index or a `+cuXXX` pin. Nothing of these: unknown (no GPU rule fires).
 */
export function gpuTarget(context: EnvironmentContext): GpuTarget | undefined {
  const model = context.model;
  if (model && typeof model.cuda === 'string') {
    return model.cuda === 'cpu'
      ? { gpu: false, because: `model "${model.name}" of envgen.yaml targets the CPU` }
      : { gpu: true, because: `model "${model.name}" of envgen.yaml targets CUDA ${model.cuda}` };
  }
  const conda = condaDeps(context).find(
    (d) =>
      ['pytorch-cuda', 'pytorch-gpu', 'cuda-version', 'cudatoolkit'].includes(d.name) ||
      (CONDA_TORCH.has(d.name) && /cuda/i.test(d.conda?.build ?? '')),
  );
  if (conda)
    return { gpu: true, because: `the file asks for CUDA ('${conda.text}', line ${conda.line})` };
  const index = pipIndexes(context).find((i) => /^cu\d+$/.test(pipIndexBuild(i.url) ?? ''));
  if (index)
    return {
      gpu: true,
      because: `the file uses a CUDA wheel index (${index.url}, line ${index.line})`,
    };
  const pin = pipDeps(context).find((d) => !isPipOption(d) && /\+cu\d+/.test(d.text));
  if (pin)
    return { gpu: true, because: `the file pins a CUDA wheel ('${pin.text}', line ${pin.line})` };
  return undefined;
}

/**
 * A file marked as a linux-64 lock: conda-lock's header comment (`# platform: linux-64`) before
 * the first key, or a name such as `environment.linux-64.lock.yml`.
 */
export function isLinux64Lock(context: EnvironmentContext): boolean {
  const name = context.file.split('/').at(-1) ?? '';
  if (/lock/i.test(name) && /linux-64/.test(name)) return true;
  for (const line of context.lines) {
    if (!/^\s*(#.*)?$/.test(line)) break;
    if (/^\s*#\s*platform:\s*linux-64\s*$/.test(line)) return true;
  }
  return false;
}

/** Top-level keys with the position of the key itself. */
export function topLevelKeys(
  context: EnvironmentContext,
): { key: string; line: number; column: number }[] {
  const root = context.document?.contents;
  if (!isMap(root)) return [];
  return root.items.flatMap((pair) => {
    const key = pair.key;
    if (!isScalar(key) || !key.range) return [];
    return [{ key: String(key.value), ...context.positionOf(key.range[0]) }];
  });
}

// Line-based edits: each re-reads the text it is given, so applying twice changes nothing, and
// writes the new line with the indentation of its neighbour, so the file stays valid YAML.

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function topSeq(text: string, key: string): YAMLSeq | undefined {
  const document = parseDocument(text);
  if (document.errors.length > 0) return undefined;
  const node = document.get(key, true);
  return isSeq(node) ? node : undefined;
}

function scalarValues(seq: YAMLSeq): string[] {
  return seq.items.flatMap((item) => (isScalar(item) ? [String((item as Scalar).value)] : []));
}

/** Adds `value` as the last item of the top-level list `key` (block or flow style). */
export function appendToList(text: string, key: string, value: string): string {
  const seq = topSeq(text, key);
  if (!seq?.range || scalarValues(seq).includes(value)) return text;
  if (seq.flow) {
    const close = text.lastIndexOf(']', seq.range[1]);
    if (close < seq.range[0]) return text;
    return `${text.slice(0, close)}${seq.items.length > 0 ? ', ' : ''}${value}${text.slice(close)}`;
  }
  const last = seq.items.at(-1) as { range?: [number, number, number] } | undefined;
  if (!last?.range) return text;
  const lineStart = text.lastIndexOf('\n', last.range[0] - 1) + 1;
  const prefix = text.slice(lineStart, last.range[0]);
  if (!/^\s*-\s+$/.test(prefix)) return text;
  const lineEnd = text.indexOf('\n', Math.max(last.range[1] - 1, last.range[0]));
  const newline = eol(text);
  if (lineEnd === -1) return `${text}${newline}${prefix}${value}${newline}`;
  const at = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
  return `${text.slice(0, at)}${newline}${prefix}${value}${text.slice(at)}`;
}

/** Inserts the conda dependency `value` just before the `pip:` item of `dependencies:`. */
export function insertBeforePipSection(text: string, value: string): string {
  const seq = topSeq(text, 'dependencies');
  if (!seq || scalarValues(seq).some((v) => v.trim().split(/[\s=<>!~]/)[0] === value)) return text;
  const pip = seq.items.find((item) => isMap(item) && (item as YAMLMap).has('pip')) as
    | YAMLMap
    | undefined;
  if (!pip?.range) return text;
  const start = pip.range[0];
  if (seq.flow || pip.flow) {
    return `${text.slice(0, start)}${value}, ${text.slice(start)}`;
  }
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const prefix = text.slice(lineStart, start);
  if (!/^\s*-\s+$/.test(prefix)) return text;
  return `${text.slice(0, lineStart)}${prefix}${value}${eol(text)}${text.slice(lineStart)}`;
}

/** Removes a top-level `key: value` of a block map, with its whole line(s). */
export function removeTopLevelKey(text: string, key: string): string {
  const document = parseDocument(text);
  const root = document.contents;
  if (document.errors.length > 0 || !isMap(root) || root.flow) return text;
  const pair = root.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  const keyRange = (pair?.key as Scalar | undefined)?.range;
  if (!pair || !keyRange) return text;
  const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
  const end = Math.max(keyRange[1], valueRange ? valueRange[1] : keyRange[1]);
  const lineStart = text.lastIndexOf('\n', keyRange[0] - 1) + 1;
  if (text.slice(lineStart, keyRange[0]).trim() !== '') return text;
  const lineEnd = text.indexOf('\n', Math.max(end - 1, keyRange[0]));
  return lineEnd === -1
    ? text.slice(0, lineStart)
    : text.slice(0, lineStart) + text.slice(lineEnd + 1);
}
