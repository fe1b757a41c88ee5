/**
 * What the repo's own Dockerfiles and READMEs say about how it is installed and run, read
 * after its requirement files, so a file that pins something always wins:
 *
 * - `pip install -e .` / `pip install ".[demo]"` (or `poetry install`, `uv sync`,
 *   `python setup.py develop`): the repo is a package the service imports, installed into the
 *   image (localPackages), with the extras it names
 * - a `src/` layout: its package imports only once installed
 * - `--index-url https://download.pytorch.org/whl/cu118` or `FROM pytorch/pytorch:2.1.0-cuda12.1-…`:
 *   the CUDA (and torch) the repo builds with, when no requirement says
 */

import { cudaOfLabel, pytorchIndexLabel } from '../../pytorch-wheels.js';
import type { DetectionCollector } from './collector.js';
import { lineAt } from './line-index.js';
import type { DependencyGroup } from './pyproject.js';
import type { PythonSources } from './python-sources.js';
import type { RequirementsReader } from './requirements.js';
import { variantKind } from './variant-names.js';

/** `pip install -e .`, `pip3 install --no-deps ".[demo,serve]"`, `python -m pip install .` */
const SELF_INSTALL_ALL =
  /\bpip3?\s+install\s+(?:--?[A-Za-z][\w-]*(?:=\S+)?\s+)*(?:-e\s+|--editable[=\s]+)?["']?\.(?:\[([A-Za-z0-9_,.\s-]*)\])?["']?(?=\s|$|&|;|\))/gm;

/** `pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime` */
const PYTORCH_IMAGE =
  /^\s*FROM\s+(?:docker\.io\/)?pytorch\/pytorch:([0-9]+\.[0-9]+\.[0-9]+)-cuda([0-9]+\.[0-9]+)/im;

/** A run file's path and text. */
export interface RunFile {
  rel: string;
  text: string;
}

export async function readRunFiles(
  found: DetectionCollector,
  requirements: RequirementsReader,
  texts: readonly RunFile[],
  sources: PythonSources,
  repo: { isPackage: boolean; groups: DependencyGroup[] },
): Promise<void> {
  if (repo.isPackage) await selfInstall(found, requirements, texts, sources, repo.groups);
  for (const { rel, text } of texts) {
    if (/README/i.test(rel)) continue;
    const image = PYTORCH_IMAGE.exec(text);
    if (image?.[1] && image[2]) {
      const where = `${rel}:${lineAt(text, image.index)}`;
      if (found.detection.torch === undefined)
        found.propose('torch', image[1], where, 'its base image');
      found.propose('cuda', image[2], where, 'its base image');
    }
    for (const match of text.matchAll(/https:\/\/download\.pytorch\.org\/whl\/[^\s"'\\]+/g)) {
      const label = pytorchIndexLabel(match[0]);
      const cuda = label ? cudaOfLabel(label) : undefined;
      if (cuda)
        found.propose(
          'cuda',
          cuda,
          `${rel}:${lineAt(text, match.index ?? 0)}`,
          `index ${match[0]}`,
        );
    }
  }
}

async function selfInstall(
  found: DetectionCollector,
  requirements: RequirementsReader,
  texts: readonly RunFile[],
  sources: PythonSources,
  groups: DependencyGroup[],
): Promise<void> {
  const extras = new Map(found.detection.localExtras.map((e) => [e.name, e.where]));
  if (!found.detection.localPackages.includes('.')) {
    // Dockerfiles say what the image really does; READMEs what a person does by hand.
    const ordered = [...texts].sort(
      (a, b) => Number(/README/i.test(a.rel)) - Number(/README/i.test(b.rel)),
    );
    let command: { text: string; where: string } | undefined;
    for (const { rel, text } of ordered) {
      for (const match of text.matchAll(SELF_INSTALL_ALL)) {
        const where = `${rel}:${lineAt(text, match.index ?? 0)}`;
        command ??= { text: match[0].trim(), where };
        for (const name of (match[1] ?? '')
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean)) {
          if (!extras.has(name)) extras.set(name, where);
        }
      }
      for (const match of text.matchAll(
        /\b(poetry install|uv sync|setup\.py (?:develop|install))\b[^\n]*/g,
      )) {
        if (/--no-root|--no-install-project|--only\b/.test(match[0])) continue;
        command ??= { text: match[0].trim(), where: `${rel}:${lineAt(text, match.index ?? 0)}` };
      }
    }
    const srcLayout = [...sources.paths].some((path) =>
      /^src\/[A-Za-z_]\w*\/__init__\.py$/.test(path),
    );
    if (command) found.addLocalPackage('.', command.text, command.where);
    else if (srcLayout) found.addLocalPackage('.', 'src/', 'src');
    else return;
  }
  for (const [name, where] of extras) {
    if (variantKind(name) === 'dev') {
      found.evidence(
        `extra ${JSON.stringify(name)} (${where}) not read: it is for work on the repo`,
      );
      continue;
    }
    const group = groups.find(
      (g) => (g.kind === 'extra' || g.kind === 'poetry extra') && g.name === name,
    );
    if (!group) {
      found.evidence(
        `extra ${JSON.stringify(name)} (${where}) not found among the package's extras`,
      );
      continue;
    }
    found.evidence(`extra ${JSON.stringify(name)} read: ${where} installs it`);
    for (const entry of group.entries) {
      await requirements.requirementLine(entry.text, entry.where, '', 0);
    }
  }
}
