/**
 * Stages and their images, from the one model of the Dockerfile (contexts.ts computes each
 * stage's parent once): the lineage of a stage, the image it really starts from, which stages
 * ship in the final image, the properties of ENV/ARG/LABEL, and whether the image is a service.
 */
import { posix } from 'node:path';
import { generatedPlace } from '../../../layout.js';
import { expandArgs } from '../../contexts.js';
import type { DockerfileContext, DockerInstruction, DockerStage, Edit } from '../../types.js';
import { execWords } from './run-commands.js';

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

function parseImage(
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

/** The stages a stage is built on, root first, ending with the stage itself. */
export function lineage(stage: DockerStage): DockerStage[] {
  // A set, not `includes` on the chain: that was quadratic in the depth for every stage.
  const seen = new Set([stage]);
  const chain = [stage];
  for (let parent = stage.parent; parent && !seen.has(parent); parent = parent.parent) {
    seen.add(parent);
    chain.push(parent);
  }
  return chain.reverse();
}

/** The image a stage really starts from (through `FROM <stage>` chains), with its FROM. */
export function rootImage(
  context: DockerfileContext,
  stage: DockerStage,
): { image: ImageRef; from: DockerInstruction } {
  const root = lineage(stage)[0] ?? stage;
  return { image: parseImage(root.image, context.globalArgs), from: root.from };
}

/** The instructions that shape a stage: those of the stages it is built on, then its own. */
export function inheritedInstructions(
  _context: DockerfileContext,
  stage: DockerStage,
): DockerInstruction[] {
  return lineage(stage).flatMap((s) => s.instructions);
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
    .filter((stage) => stage.image && !stage.parent)
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

/** The stage called `name` (case-insensitive, as BuildKit compares them) defined before `before`. */
export function stageNamed(
  context: DockerfileContext,
  name: string,
  before: number,
): DockerStage | undefined {
  const wanted = name.toLowerCase();
  return context.stages.filter((s) => s.index < before && s.name?.toLowerCase() === wanted).at(-1);
}

/** Indexes of the stages whose layers make up the final image. */
export function shippedStages(context: DockerfileContext): Set<number> {
  return new Set(context.final ? lineage(context.final).map((s) => s.index) : []);
}

export interface KeyValue {
  name: string;
  /** As dockerfile-ast reads it; null for `ARG NAME` with no default. */
  value: string | null;
  /** Whether it was written `name=value` (and not the legacy `name value`). */
  assigned: boolean;
  /** Where the name is. */
  line: number;
  column: number;
}

/** Properties per instruction: several rules ask for the same ENV's, some once per reference. */
const propertiesCache = new WeakMap<DockerInstruction, readonly KeyValue[]>();

/** The key/value pairs of an ENV, ARG or LABEL, with where each name is. */
export function propertiesOf(instruction: DockerInstruction): readonly KeyValue[] {
  let properties = propertiesCache.get(instruction);
  if (!properties) {
    properties = readProperties(instruction);
    propertiesCache.set(instruction, properties);
  }
  return properties;
}

function readProperties(instruction: DockerInstruction): KeyValue[] {
  if (!['ENV', 'ARG', 'LABEL'].includes(instruction.keyword)) return [];
  type Property = {
    getName(): string;
    getValue(): string | null;
    getAssignmentOperator(): string | null;
    getNameRange(): { start: { line: number; character: number } };
  };
  const raw = instruction.raw as unknown as {
    getProperties?: () => Property[];
    getProperty?: () => Property | null;
  };
  const properties = raw.getProperties?.() ?? [raw.getProperty?.() ?? null];
  return properties
    .filter((p): p is Property => p !== null)
    .map((p) => {
      const at = p.getNameRange().start;
      return {
        name: p.getName(),
        value: p.getValue(),
        assigned: p.getAssignmentOperator() !== null,
        line: at.line + 1,
        column: at.character + 1,
      };
    });
}

/** The value an ENV (or ARG too, for build-time checks) in these stages last gave `name`. */
export function valueIn(
  stages: readonly DockerStage[],
  name: string,
  keywords: readonly string[] = ['ENV'],
): string | null | undefined {
  let value: string | null | undefined;
  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      if (!keywords.includes(instruction.keyword)) continue;
      for (const property of propertiesOf(instruction))
        if (property.name === name) value = property.value;
    }
  }
  return value;
}

/**
 * Why this Dockerfile is a service image: its final stage (or a stage it is built FROM) EXPOSEs
 * a port, or the spec gives its model (or a model of its bundle) a `serve:` section.
 */
export function serviceReason(context: DockerfileContext): string | undefined {
  const expose = context.final
    ? lineage(context.final)
        .flatMap((s) => s.instructions)
        .find((i) => i.keyword === 'EXPOSE')
    : undefined;
  if (expose) return `it EXPOSEs ${expose.args || 'a port'} at line ${expose.line}`;
  const spec = context.project.spec?.spec;
  if (!spec) return undefined;
  const place = generatedPlace(posix.normalize(context.file));
  const model = context.model?.name ?? (place?.owner === 'model' ? place.name : undefined);
  if (model && spec.models?.[model]?.serve)
    return `envgen.yaml gives model "${model}" a serve: section`;
  const bundle = place?.owner === 'bundle' ? place.name : undefined;
  const served = bundle
    ? (spec.bundles?.[bundle] ?? []).find((m) => spec.models?.[m]?.serve)
    : undefined;
  if (served)
    return `its bundle includes model "${served}", which envgen.yaml gives a serve: section`;
  return undefined;
}

/** A command for a message: the start of it when it is long. */
export function excerpt(text: string, length = 60): string {
  return text.length > length ? `${text.slice(0, length - 3)}...` : text;
}

/** Strips one level of matching quotes. */
export function unquote(value: string): string {
  const match = /^(["'])(.*)\1$/s.exec(value.trim());
  return match ? (match[2] ?? '') : value.trim();
}

/**
 * The stages a stage is built on, nearest first, up to the first one `isKnown` holds (returned
 * as `known`) or the root: per-stage memos compute down this chain once, so a long chain of
 * stages is not walked again for every stage. A loop of parents ends the walk.
 */
export function unknownAncestors(
  stage: DockerStage,
  isKnown: (stage: DockerStage) => boolean,
): { unknown: DockerStage[]; known: DockerStage | undefined } {
  const unknown: DockerStage[] = [];
  const seen = new Set<DockerStage>([stage]);
  let parent = stage.parent;
  while (parent && !isKnown(parent) && !seen.has(parent)) {
    seen.add(parent);
    unknown.push(parent);
    parent = parent.parent;
  }
  return { unknown, known: parent && isKnown(parent) ? parent : undefined };
}

/** A word a container runs at start, with the ENTRYPOINT or CMD it is written in. */
export interface LaunchWord {
  text: string;
  instruction: DockerInstruction;
}

/**
 * What a container of the last stage of `chain` (a stage's lineage) runs: its ENTRYPOINT then
 * its CMD, the last of each, as Docker combines them (a shell form runs `/bin/sh -c`, and a
 * shell-form ENTRYPOINT ignores CMD); empty when neither is set.
 */
export function launchWords(chain: readonly DockerStage[]): LaunchWord[] {
  const all = chain.flatMap((s) => s.instructions);
  const entrypoint = all.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  const cmd = all.filter((i) => i.keyword === 'CMD').at(-1);
  const words = (instruction: DockerInstruction | undefined): LaunchWord[] => {
    if (!instruction) return [];
    const list = execWords(instruction.args) ?? ['/bin/sh', '-c', instruction.args];
    return list.map((text) => ({ text, instruction }));
  };
  const head = words(entrypoint);
  if (entrypoint && !entrypoint.args.trim().startsWith('[')) return head;
  return [...head, ...words(cmd)];
}
