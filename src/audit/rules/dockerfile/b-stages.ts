/**
 * Stage relations (group B helpers): which stages a stage is built FROM, which stages end up in
 * the final image (their layers ship; a builder that is only COPY --from'ed does not), the
 * properties of ENV/ARG/LABEL, and whether the image is a service.
 */
import { posix } from 'node:path';
import type { DockerfileContext, DockerInstruction, DockerStage } from '../../types.js';

/** A stage and the earlier stages it is built FROM, the oldest first. */
export function lineage(context: DockerfileContext, stage: DockerStage): DockerStage[] {
  const chain = [stage];
  let current = stage;
  for (;;) {
    const parent = stageNamed(context, current.image, current.index);
    if (!parent || chain.includes(parent)) break;
    chain.unshift(parent);
    current = parent;
  }
  return chain;
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
  return new Set(context.final ? lineage(context, context.final).map((s) => s.index) : []);
}

export interface KeyValue {
  name: string;
  value: string | null;
  /** Whether it was written `name=value` (and not the legacy `name value`). */
  assigned: boolean;
}

/** The key/value pairs of an ENV, ARG or LABEL. */
export function propertiesOf(instruction: DockerInstruction): KeyValue[] {
  const raw = instruction.raw as unknown as {
    getProperties?: () => {
      getName(): string;
      getValue(): string | null;
      getAssignmentOperator(): string | null;
    }[];
  };
  return (raw.getProperties?.() ?? []).map((p) => ({
    name: p.getName(),
    value: p.getValue(),
    assigned: p.getAssignmentOperator() !== null,
  }));
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
    ? lineage(context, context.final)
        .flatMap((s) => s.instructions)
        .find((i) => i.keyword === 'EXPOSE')
    : undefined;
  if (expose) return `it EXPOSEs ${expose.args || 'a port'} at line ${expose.line}`;
  const spec = context.project.spec?.spec;
  if (!spec) return undefined;
  const model = context.model?.name ?? /^envs\/([^/]+)\/[^/]+$/.exec(context.file)?.[1];
  if (model && spec.models?.[model]?.serve)
    return `envgen.yaml gives model "${model}" a serve: section`;
  const bundle = /^bundles\/([^/]+)\/[^/]+$/.exec(posix.normalize(context.file))?.[1];
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
