/**
 * Base images as Docker reads them: `FROM` references split into registry, repository, tag and
 * digest after global ARG defaults are substituted, and the chain of stages a stage is built
 * on (`FROM build` inherits USER, ENV and the image of the `build` stage).
 */
import type { DockerfileContext, DockerInstruction, DockerStage, Edit } from '../../types.js';

export interface ImageRef {
  /** The reference after global ARG defaults are substituted. */
  text: string;
  /** A registry host (`nvcr.io`, `localhost:5000`); absent for Docker Hub. */
  registry?: string;
  /** `nvidia/cuda`, `ubuntu` (Docker Hub's `library/` dropped), lower case. */
  repository: string;
  tag?: string;
  digest?: string;
  /** A variable without a default is left: the real image is chosen at build time. */
  unresolved: boolean;
}

const HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Substitutes `$NAME`, `${NAME}` and `${NAME:-default}` from the global ARG defaults. */
export function expandArgs(
  text: string,
  args: ReadonlyMap<string, string | undefined>,
): { text: string; unresolved: boolean } {
  let unresolved = false;
  const expanded = text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const value = args.get((braced ?? bare) as string) ?? fallback;
      if (value === undefined) {
        unresolved = true;
        return whole;
      }
      return value.replace(/^(["'])(.*)\1$/, '$2');
    },
  );
  return { text: expanded, unresolved };
}

export function parseImage(
  written: string,
  args: ReadonlyMap<string, string | undefined> = new Map(),
): ImageRef {
  const { text, unresolved } = expandArgs(written.trim(), args);
  const [name = '', digest] = text.split('@', 2);
  const parts = name.split('/');
  const last = parts.pop() ?? '';
  const colon = last.indexOf(':');
  const tag = colon >= 0 ? last.slice(colon + 1) : undefined;
  parts.push(colon >= 0 ? last.slice(0, colon) : last);
  let registry: string | undefined;
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0] as string)) registry = parts.shift();
  if (registry && HUB.has(registry.toLowerCase())) registry = undefined;
  let repository = parts.join('/').toLowerCase();
  if (!registry && repository.startsWith('library/'))
    repository = repository.slice('library/'.length);
  return {
    text,
    ...(registry ? { registry: registry.toLowerCase() } : {}),
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest ? { digest } : {}),
    unresolved,
  };
}

/** The earlier stage a `FROM <name>` refers to, if its image is a stage name. */
export function parentStage(
  context: DockerfileContext,
  stage: DockerStage,
): DockerStage | undefined {
  const name = expandArgs(stage.image, context.globalArgs).text.toLowerCase();
  return context.stages.slice(0, stage.index).find((s) => s.name?.toLowerCase() === name);
}

/** The stages a stage is built on, root first, ending with the stage itself. */
export function lineage(context: DockerfileContext, stage: DockerStage): DockerStage[] {
  const chain = [stage];
  for (
    let parent = parentStage(context, stage);
    parent && !chain.includes(parent);
    parent = parentStage(context, parent)
  ) {
    chain.unshift(parent);
  }
  return chain;
}

/** The image a stage really starts from (through `FROM <stage>` chains), with its FROM. */
export function rootImage(
  context: DockerfileContext,
  stage: DockerStage,
): { image: ImageRef; from: DockerInstruction } {
  const root = lineage(context, stage)[0] ?? stage;
  return { image: parseImage(root.image, context.globalArgs), from: root.from };
}

/** The instructions that shape a stage: those of the stages it is built on, then its own. */
export function inheritedInstructions(
  context: DockerfileContext,
  stage: DockerStage,
): DockerInstruction[] {
  return lineage(context, stage).flatMap((s) => s.instructions);
}

/** 1-based column of the image in a FROM line (after `--platform=...`). */
export function imageColumn(from: DockerInstruction): number {
  const raw = from.raw as unknown as {
    getImageRange?: () => { start: { character: number } } | null;
  };
  return (raw.getImageRange?.()?.start.character ?? from.column - 1) + 1;
}

/** Whether a repository is, by name, an official NVIDIA CUDA image on any registry. */
export function isNvidiaCuda(image: ImageRef): boolean {
  return image.repository === 'nvidia/cuda';
}

/** Each stage whose FROM names an image (not an earlier stage), with the image parsed. */
export function baseImages(context: DockerfileContext): { stage: DockerStage; image: ImageRef }[] {
  return context.stages
    .filter((stage) => stage.image && !parentStage(context, stage))
    .map((stage) => ({ stage, image: parseImage(stage.image, context.globalArgs) }));
}

/**
 * The edit that pins a base image to the tag the user named (`--pin IMAGE=TAG`), replacing
 * the image on its FROM line; undefined when no pin names this image.
 */
export function pinEdit(
  context: DockerfileContext,
  stage: DockerStage,
  image: ImageRef,
): Edit | undefined {
  const name = image.registry ? `${image.registry}/${image.repository}` : image.repository;
  const tag = context.project.pins[name] ?? context.project.pins[image.repository];
  if (!tag) return undefined;
  const pinned = `${name}:${tag}`;
  const line = stage.from.line;
  return {
    description: `pin ${image.text} to ${pinned}`,
    apply(text) {
      const lines = text.split('\n');
      const current = lines[line - 1];
      if (current === undefined || !current.includes(image.text)) return text;
      lines[line - 1] = current.replace(image.text, pinned);
      return lines.join('\n');
    },
  };
}
