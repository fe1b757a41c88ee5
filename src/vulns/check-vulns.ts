/**
 * `envgen vulns`: the known vulnerabilities of each environment. Inputs are read as `diff` reads
 * its sides (a model: its lock when there is one, else its resolved pins and pip entries; or any
 * file or folder src/packages reads), each package mapped to PyPI (pypi-names.ts), every query
 * asked of one advisory source at once, and for each model with torch advisories the smallest
 * upgrade its fleet can run (fleet-fix.ts). The report is data; src/report renders it.
 */
import { join } from 'node:path';
import { requestFor } from '../compat/resolve-spec.js';
import { compatTable } from '../compat/table.js';
import { choosePlatform, readSide } from '../diff/read-side.js';
import type { Io } from '../io.js';
import { findDocker, readImageEnvironment } from '../packages/image.js';
import type { PackageRecord, PackageSet } from '../packages/package-set.js';
import { type Problem, problem, UserError } from '../problem.js';
import type { Platform } from '../rules-format.js';
import { loadSpec, SPEC_FILE } from '../spec/load-spec.js';
import type { LoadedSpec, ModelSpec } from '../spec/types.js';
import type { Advisory, AdvisoryQuery, AdvisorySeverity, AdvisorySource } from './advisories.js';
import { type TorchFix, torchFix } from './fleet-fix.js';
import { type IgnoreEntry, ignoredBy, ignoreList, today } from './ignore.js';
import {
  type NotCheckedReason,
  PYPI_NAMES_SOURCE,
  pypiMapping,
  TORCH_PYPI_NAMES,
} from './pypi-names.js';

/** One advisory that affects one package of an environment. */
export interface VulnFinding {
  /** The package as the environment names it (conda's `pytorch`, pip's `torch`). */
  package: string;
  manager: PackageRecord['manager'];
  /** As the environment writes it (`2.5.1`, `2.5.1+cu124`). */
  version: string;
  /** What was asked of the advisory source. */
  query: AdvisoryQuery;
  advisory: Advisory;
  /** The entry that accepts it for now, or null. */
  ignored: IgnoreEntry | null;
}

interface NotChecked {
  package: string;
  manager: PackageRecord['manager'];
  version: string | null;
  reason: NotCheckedReason;
}

export interface VulnsTarget {
  /** The model's name, or the input as named. */
  name: string;
  kind: 'model' | 'input';
  /** Where its packages came from: `sentiment (envs/sentiment/conda-linux-64.lock)`. */
  label: string;
  platform: string | null;
  /** Where findings point (SARIF, annotations): the model's line in envgen.yaml, or the input. */
  location: { file: string; line: number; column: number };
  /** How many packages were checked. */
  checked: number;
  findings: VulnFinding[];
  notChecked: NotChecked[];
  /** For a model with torch advisories: the upgrade its fleet allows. */
  fix: TorchFix | null;
}

export interface VulnsReport {
  /** Where the advisories came from (the source's label). */
  source: string;
  /** The conda -> PyPI names table's source and date. */
  names: typeof PYPI_NAMES_SOURCE;
  targets: VulnsTarget[];
  problems: Problem[];
}

export interface VulnsOptions {
  /** Opens the advisory source, once every input has been read (a bad input asks nothing). */
  openSource: () => Promise<AdvisorySource>;
  /** `--ignore ID`, for this run. */
  ignore?: readonly string[];
  platform?: string;
  /** `--image REF`: built images whose environment (/opt/env) is checked too. */
  images?: readonly string[];
  /** An interrupt: stops the docker commands that read the images. */
  signal?: AbortSignal;
}

/** Severity order for `--fail-on`; an advisory of unknown severity counts as high. */
export const SEVERITY_RANK: Record<AdvisorySeverity, number> = {
  low: 0,
  moderate: 1,
  high: 2,
  unknown: 2,
  critical: 3,
};

interface Target {
  name: string;
  kind: 'model' | 'input';
  set: PackageSet;
  location: VulnsTarget['location'];
}

export async function checkVulns(
  io: Io,
  root: string,
  args: readonly string[],
  options: VulnsOptions,
): Promise<VulnsReport> {
  const specPath = join(root, SPEC_FILE);
  const loaded = (await io.exists(specPath)) ? await loadSpec(io, specPath) : null;
  const images = options.images ?? [];
  const names =
    args.length > 0 || images.length > 0 ? args : Object.keys(loaded?.spec.models ?? {});
  if (names.length === 0 && images.length === 0) {
    throw new UserError([
      problem(
        'vulns/no-inputs',
        `nothing to check: no ${SPEC_FILE} with models here, and no file named`,
        {
          fix: 'name models of envgen.yaml, or files: a lock, conda-lock.yml, environment.yml, requirements.txt or an installed prefix',
        },
      ),
    ]);
  }
  const targets: Target[] = [];
  for (const arg of names) {
    const sets = await readSide(io, root, arg, options.platform);
    const set = choosePlatform(sets, arg, options.platform, null);
    const isModel = set.kind === 'model' && loaded !== null && arg in loaded.spec.models;
    const at = isModel ? loaded.locate(['models', arg]) : undefined;
    targets.push({
      name: arg,
      kind: isModel ? 'model' : 'input',
      set,
      location: {
        file: isModel ? loaded.file : arg,
        line: at?.line ?? 1,
        column: at?.column ?? 1,
      },
    });
  }
  const warnings: Problem[] = [];
  if (images.length > 0) {
    const docker = await findDocker(io);
    for (const ref of images) {
      const image = await readImageEnvironment(io, docker, ref, {
        ...(options.signal ? { signal: options.signal } : {}),
      });
      warnings.push(...image.warnings);
      targets.push({
        name: ref,
        kind: 'input',
        set: image.set,
        location: { file: ref, line: 1, column: 1 },
      });
    }
  }
  const ignores = ignoreList(options.ignore ?? [], loaded, today(io.now()));

  // Every package mapped; the checked ones asked of the source in one lookup, deduplicated.
  const mapped = targets.map((target) =>
    target.set.packages.map((record) => ({ record, mapping: pypiMapping(record) })),
  );
  const queries = new Map<string, AdvisoryQuery>();
  for (const entries of mapped) {
    for (const { mapping } of entries) {
      if (!mapping.checked) continue;
      for (const query of mapping.queries) queries.set(queryKey(query), query);
    }
  }
  const source = await options.openSource();
  const answers = await source.lookup([...queries.values()]);
  const advisoriesOf = new Map<string, Advisory[]>();
  for (const answer of answers) advisoriesOf.set(queryKey(answer.query), answer.advisories);

  const table = compatTable(loaded?.spec.compat ? [loaded.spec.compat] : []);
  const results = targets.map((target, index): VulnsTarget => {
    const findings: VulnFinding[] = [];
    const notChecked: NotChecked[] = [];
    let checked = 0;
    for (const { record, mapping } of mapped[index] ?? []) {
      if (!mapping.checked) {
        notChecked.push({
          package: record.name,
          manager: record.manager,
          version: record.version,
          reason: mapping.reason,
        });
        continue;
      }
      checked++;
      const seen = new Set<string>();
      for (const query of mapping.queries) {
        for (const advisory of advisoriesOf.get(queryKey(query)) ?? []) {
          // One issue under two ids (PYSEC-2025-41 is GHSA-53q9-r3pm-6pq6): reported once.
          const ids = [advisory.id, ...advisory.aliases];
          if (ids.some((id) => seen.has(id))) continue;
          for (const id of ids) seen.add(id);
          findings.push({
            package: record.name,
            manager: record.manager,
            version: record.version ?? query.version,
            query,
            advisory,
            ignored: ignoredBy(advisory, ignores.active),
          });
        }
      }
    }
    findings.sort(
      (a, b) =>
        SEVERITY_RANK[b.advisory.severity] - SEVERITY_RANK[a.advisory.severity] ||
        a.package.localeCompare(b.package) ||
        a.advisory.id.localeCompare(b.advisory.id),
    );
    return {
      name: target.name,
      kind: target.kind,
      label: target.set.label,
      platform: target.set.platform,
      location: target.location,
      checked,
      findings,
      notChecked,
      fix:
        target.kind === 'model' && loaded
          ? fixFor(table, loaded, target.name, findings, target.set.platform)
          : null,
    };
  });
  return {
    source: source.label,
    names: PYPI_NAMES_SOURCE,
    targets: results,
    problems: [...warnings, ...ignores.problems],
  };
}

function queryKey(query: AdvisoryQuery): string {
  return `${query.name}@${query.version}`;
}

/** The torch fix of a model whose (not ignored) findings include torch's. */
function fixFor(
  table: ReturnType<typeof compatTable>,
  loaded: LoadedSpec,
  name: string,
  findings: readonly VulnFinding[],
  platform: string | null,
): TorchFix | null {
  const torch = findings.filter((f) => TORCH_PYPI_NAMES.has(f.query.name) && f.ignored === null);
  const first = torch[0];
  if (!first) return null;
  const model = loaded.spec.models[name] as ModelSpec;
  const request = requestFor(name, model, loaded.spec.defaults ?? {}, loaded.spec.fleet ?? {});
  const withPlatform: typeof request =
    platform === 'linux-64' || platform === 'linux-aarch64'
      ? { ...request, platform: platform as Platform }
      : request;
  return torchFix(
    table,
    withPlatform,
    first.query.version,
    torch.map((f) => f.advisory),
  );
}
