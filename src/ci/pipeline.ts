/**
 * `envgen ci github|gitlab`: the pipeline for the spec's models, as one planned file (rendered
 * and sealed like every generated file, written nowhere): a check stage (generate --check,
 * ci --check, lock --check, audit, vulns), one job per model that builds its environment from
 * the lock with micromamba (package downloads cached, keyed on the lock) and proves it with
 * `envgen build`, and one job per bake target that builds the image with a registry cache of
 * its own and pushes it from the default branch only.
 *
 * Every value that reaches a template is checked here first ({@link ciProblems}): a bad one is
 * a usage problem with its fix, never a broken pipeline.
 */
import {
  BAKE_FILE,
  bakeTarget,
  CI_FILES,
  environmentFile,
  type ImageTarget,
  imageTargets,
  lockPath,
} from '../layout.js';
import { type Problem, problem, UserError } from '../problem.js';
import type { PlannedFile } from '../render/plan.js';
import { headerFor, seal } from '../render/seal.js';
import { type Render, templates } from '../render/templates.js';
import { SPEC_FILE } from '../spec/load-spec.js';
import { ACTIONS, GITLAB_IMAGES, MICROMAMBA_VERSION, usesLine } from './pins.js';

export const CI_PROVIDERS = ['github', 'gitlab'] as const;
export type CiProvider = (typeof CI_PROVIDERS)[number];

export interface CiModel {
  name: string;
  /** The conda platform: linux-64 or linux-aarch64. */
  platform: string;
}

export interface CiInput {
  provider: CiProvider;
  /** The spec file as named in the header (`envgen.yaml`). */
  specFile: string;
  version: string;
  /** Every model of the spec, in spec order. */
  models: CiModel[];
  /** Bundles (one image holding several models' environments): name and member models. */
  bundles: { name: string; members: string[] }[];
  /**
   * Where images and their caches go, without a trailing slash (`ghcr.io/owner/repo`). GitHub
   * needs one; on GitLab, none means the project's own registry (`$CI_REGISTRY_IMAGE`).
   */
  registry?: string;
  /** GitHub: the branch that pushes images (default `main`). */
  branch?: string;
  /** Free disk space, in GB, the build jobs require before they start (default 20). */
  minFreeGb?: number;
}

const DEFAULT_BRANCH = 'main';
const DEFAULT_MIN_FREE_GB = 20;
/** The most `--min-free-gb` takes: a runner with more free space than that asks for none. */
export const MAX_MIN_FREE_GB = 10_000;
/** The GitLab jobs of the check stage (templates/gitlab-ci.yml.hbs). */
const GITLAB_CHECK_JOBS = [
  'envgen:generate',
  'envgen:ci',
  'envgen:lock',
  'envgen:audit',
  'envgen:vulns',
];

/** Registry references as Docker takes them: a lowercase host (and port), lowercase path. */
const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
/** Model names as the spec takes them (schemas/envgen.schema.json), checked once more here. */
const NAME = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
const BRANCH = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;
/**
 * Docker's limit on a whole image name (host and path). A job name (`image:<name>`) is far
 * below GitLab's 255: model and bundle names are at most 63 characters (the spec's schema).
 */
const MAX_IMAGE_NAME = 255;

/** What is wrong with the input, as usage problems with their fixes; none when it can be rendered. */
export function ciProblems(input: CiInput): Problem[] {
  const problems: Problem[] = [];
  const registry = input.registry;
  if (registry === undefined && input.provider === 'github') {
    problems.push(
      problem(
        'ci/invalid-registry',
        'the GitHub pipeline needs a registry for images and their caches',
        {
          fix: 'name one: envgen ci github --registry ghcr.io/OWNER/REPO (lowercase)',
        },
      ),
    );
  }
  if (registry !== undefined && (!REGISTRY.test(registry) || registry.length > 200)) {
    const lower = registry.toLowerCase();
    problems.push(
      problem(
        'ci/invalid-registry',
        `--registry ${JSON.stringify(registry)} is not a registry reference Docker takes`,
        {
          fix:
            lower !== registry && REGISTRY.test(lower)
              ? `image names are lowercase: --registry ${lower}`
              : 'a host (and port) and a path, lowercase, no tag: --registry ghcr.io/OWNER/REPO or registry.example.com:5000/team',
        },
      ),
    );
  }
  const branch = input.branch ?? DEFAULT_BRANCH;
  if (input.provider === 'gitlab' && input.branch !== undefined) {
    problems.push(
      problem('usage/invalid-flag', '--branch is for the GitHub pipeline', {
        fix: "leave it out: the GitLab pipeline pushes from the project's default branch ($CI_DEFAULT_BRANCH)",
      }),
    );
  } else if (!BRANCH.test(branch) || branch.includes('..') || branch.length > 100) {
    problems.push(
      problem('usage/invalid-flag', `--branch ${JSON.stringify(branch)} is not a branch name`, {
        fix: 'letters, digits, `.`, `_`, `-` and `/`: --branch main',
      }),
    );
  }
  const minFree = input.minFreeGb ?? DEFAULT_MIN_FREE_GB;
  // The command line checks the flag first (positiveInt); this guards what reaches the template.
  if (!Number.isInteger(minFree) || minFree < 1 || minFree > MAX_MIN_FREE_GB) {
    problems.push(
      problem(
        'usage/invalid-flag',
        `--min-free-gb '${minFree}' is not a whole number from 1 to ${MAX_MIN_FREE_GB}`,
        {
          fix: 'e.g. --min-free-gb 30',
        },
      ),
    );
  }

  const targets = new Map<string, string>();
  const imageNames = [...input.models.map((m) => m.name), ...input.bundles.map((b) => b.name)];
  for (const name of imageNames) {
    if (!NAME.test(name)) {
      problems.push(
        problem('ci/invalid-name', `${JSON.stringify(name)} cannot name a CI job or an image`, {
          fix: 'model and bundle names are lowercase letters and digits, separated by single `.`, `_` or `-`',
        }),
      );
      continue;
    }
    // On GitLab without --registry the project's path is known only in CI: not checked here.
    const image = `${registry ?? ''}/${name}`;
    if (image.length > MAX_IMAGE_NAME) {
      problems.push(
        problem(
          'ci/invalid-name',
          `"${name}" is too long for an image name with the registry: ${image.slice(1)} has ${image.length - 1} characters, Docker takes ${MAX_IMAGE_NAME}`,
          {
            file: SPEC_FILE,
            fix: 'give the model a shorter name in envgen.yaml, or use a shorter --registry',
          },
        ),
      );
    }
    const target = bakeTarget(name);
    const other = targets.get(target);
    if (other !== undefined) {
      problems.push(
        problem(
          'ci/invalid-name',
          `"${other}" and "${name}" are the same bake target and CI job ("${target}")`,
          {
            fix: 'rename one of them in envgen.yaml (bake target names turn `.` into `_`)',
          },
        ),
      );
    }
    targets.set(target, name);
  }
  return problems;
}

/** The pipeline file; input that {@link ciProblems} refuses is a UserError with those problems. */
export function renderCi(input: CiInput, render: Render = templates()): PlannedFile {
  const problems = ciProblems(input);
  if (problems.length > 0) throw new UserError(problems);
  const path = CI_FILES[input.provider];
  const flags = flagsOf(input);
  const header = headerFor(
    input.version,
    input.specFile,
    null,
    ['envgen', 'ci', input.provider, ...flags].join(' '),
  );
  const check = ['envgen', 'ci', input.provider, '--check', ...flags].join(' ');
  const context =
    input.provider === 'github'
      ? githubContext(input, header, check)
      : gitlabContext(input, header, check);
  return {
    path,
    content: seal(
      render(input.provider === 'github' ? 'github-workflow.yml' : 'gitlab-ci.yml', context),
    ),
  };
}

/** The flags that reproduce this pipeline (what its own check step runs, with `--check`). */
function flagsOf(input: CiInput): string[] {
  const flags: string[] = [];
  if (input.registry !== undefined) flags.push('--registry', input.registry);
  if (input.branch !== undefined && input.branch !== DEFAULT_BRANCH)
    flags.push('--branch', input.branch);
  if (input.minFreeGb !== undefined && input.minFreeGb !== DEFAULT_MIN_FREE_GB)
    flags.push('--min-free-gb', String(input.minFreeGb));
  return flags;
}

/** A YAML double-quoted scalar: JSON's quoting, which YAML reads back as the same string. */
const q = (value: string): string => JSON.stringify(value);

/** The bake file's image targets (layout's one list), for the image jobs. */
function targetsOf(input: CiInput): ImageTarget[] {
  return imageTargets(
    input.models,
    Object.fromEntries(input.bundles.map((b) => [b.name, b.members])),
  );
}

const GITHUB_RUNNERS: Record<string, string> = {
  'linux-64': 'ubuntu-24.04',
  'linux-aarch64': 'ubuntu-24.04-arm',
};

function githubContext(input: CiInput, header: string, ciCheck: string): object {
  const registry = input.registry as string;
  const host = registry.split('/')[0] as string;
  const ghcr = host === 'ghcr.io';
  return {
    header,
    version: input.version,
    branch: q(input.branch ?? DEFAULT_BRANCH),
    branchName: input.branch ?? DEFAULT_BRANCH,
    branchRef: `refs/heads/${input.branch ?? DEFAULT_BRANCH}`,
    ciCheck,
    minFreeGb: q(String(input.minFreeGb ?? DEFAULT_MIN_FREE_GB)),
    micromambaVersion: q(MICROMAMBA_VERSION),
    bakeFile: BAKE_FILE,
    registryHost: q(host),
    registryPrefix: `${registry}/`,
    ghcr,
    // ghcr.io takes the workflow's own token; another registry, the repository's secrets.
    username: ghcr ? 'github.actor' : 'secrets.REGISTRY_USERNAME',
    password: ghcr ? 'secrets.GITHUB_TOKEN' : 'secrets.REGISTRY_PASSWORD',
    pins: Object.fromEntries(Object.entries(ACTIONS).map(([key, pin]) => [key, usesLine(pin)])),
    models: input.models.map((m) => ({
      name: q(m.name),
      runner: q(GITHUB_RUNNERS[m.platform] ?? 'ubuntu-24.04'),
      lock: q(lockPath(m.name, m.platform)),
      environment: q(environmentFile(m.name)),
    })),
    targets: targetsOf(input).map((t) => ({
      target: q(t.target),
      runner: q(GITHUB_RUNNERS[t.platform] ?? 'ubuntu-24.04'),
    })),
  };
}

function gitlabContext(input: CiInput, header: string, ciCheck: string): object {
  const registry = input.registry ?? '$CI_REGISTRY_IMAGE';
  const own = input.registry === undefined;
  return {
    header,
    version: q(input.version),
    ciCheck,
    minFreeGb: q(String(input.minFreeGb ?? DEFAULT_MIN_FREE_GB)),
    micromambaVersion: q(MICROMAMBA_VERSION),
    images: {
      node: q(GITLAB_IMAGES.node),
      docker: q(GITLAB_IMAGES.docker),
      dind: q(GITLAB_IMAGES.dind),
    },
    bakeFile: BAKE_FILE,
    registryPrefix: q(`${registry}/`),
    // The project's registry takes the job's own credentials; another, the project's variables.
    loginHost: own ? '"$CI_REGISTRY"' : q(registry.split('/')[0] as string),
    loginUser: own ? '$CI_REGISTRY_USER' : '$REGISTRY_USER',
    loginPassword: own ? '$CI_REGISTRY_PASSWORD' : '$REGISTRY_PASSWORD',
    models: input.models.map((m) => ({
      job: q(`env:${m.name}`),
      name: q(m.name),
      micromambaPlatform: q(m.platform),
      cacheFiles: `[${q(lockPath(m.name, m.platform))}, ${q(environmentFile(m.name))}]`,
      cachePrefix: q(`micromamba-pkgs-${m.name}`),
    })),
    targets: targetsOf(input).map((t) => ({
      job: q(`image:${t.target}`),
      target: q(t.target),
      // After every check (as GitHub's image job needs the check job): `needs:` skips stage
      // order, so without them images would build and push while audit or vulns fail.
      needs: [...GITLAB_CHECK_JOBS, ...t.models.map((m) => `env:${m}`)].map(q).join(', '),
    })),
  };
}
