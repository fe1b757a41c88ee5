/**
 * `envgen ci`: reads the spec's models, renders the pipeline and writes it like `generate`
 * writes its files (only when it changes, atomically, never over a file edited by hand or not
 * written by envgen unless forced), or with `check` only says how the file on disk differs.
 */
import { join } from 'node:path';
import { applyPlan, type FileOutcome } from '../generate/apply-plan.js';
import type { Io } from '../io.js';
import { type Problem, problem } from '../problem.js';
import { loadSpec, SPEC_FILE } from '../spec/load-spec.js';
import { type CiInput, type CiProvider, renderCi } from './pipeline.js';

export interface PipelineOptions {
  provider: CiProvider;
  version: string;
  registry?: string;
  branch?: string;
  minFreeGb?: number;
  check: boolean;
  force: boolean;
}

export interface PipelineResult {
  file: FileOutcome;
  /** Why the command fails (check: not current; write: refused), each with its fix. */
  problems: Problem[];
}

export async function writePipeline(
  io: Io,
  root: string,
  options: PipelineOptions,
): Promise<PipelineResult> {
  const { spec } = await loadSpec(io, join(root, SPEC_FILE));
  const input: CiInput = {
    provider: options.provider,
    specFile: SPEC_FILE,
    version: options.version,
    models: Object.entries(spec.models).map(([name, model]) => ({
      name,
      platform: model.platform ?? spec.defaults?.platform ?? 'linux-64',
    })),
    bundles: Object.entries(spec.bundles ?? {}).map(([name, members]) => ({ name, members })),
    ...(options.registry !== undefined ? { registry: options.registry.replace(/\/$/, '') } : {}),
    ...(options.branch !== undefined ? { branch: options.branch } : {}),
    ...(options.minFreeGb !== undefined ? { minFreeGb: options.minFreeGb } : {}),
  };
  const planned = renderCi(input);
  const [file] = (await applyPlan(io, root, [planned], {
    check: options.check,
    force: options.force,
  })) as [FileOutcome];
  return { file, problems: problemsOf(file, options) };
}

function problemsOf(file: FileOutcome, options: PipelineOptions): Problem[] {
  const again = `envgen ci ${options.provider}`;
  if (options.check && file.status !== 'unchanged') {
    return [
      problem(
        'ci/out-of-date',
        `${file.path} is ${file.status}: it is not what ${SPEC_FILE} renders to`,
        {
          file: file.path,
          fix:
            file.status === 'missing' || file.status === 'stale'
              ? `run \`${again}\` with the same flags and commit the file`
              : `the file was ${file.status === 'edited' ? 'edited by hand' : 'not written by envgen'}: \`${again} --force\` replaces it (keep a copy of your own)`,
        },
      ),
    ];
  }
  if (file.status === 'edited') {
    return [
      problem('ci/edited', `not overwritten, edited by hand: ${file.path}`, {
        file: file.path,
        fix: `keep a copy of your edits, then \`${again} --force\` overwrites the file`,
      }),
    ];
  }
  if (file.status === 'foreign') {
    return [
      problem('ci/foreign', `not overwritten, not written by envgen: ${file.path}`, {
        file: file.path,
        fix: `\`${again} --force\` replaces it with envgen's (keep a copy of your own), or remove it`,
      }),
    ];
  }
  return [];
}
