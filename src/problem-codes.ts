/**
 * Every problem code envgen reports, with its default severity and the class of exit it calls
 * for. This registry is the only source of codes: `Problem['ruleId']` is typed from it, so a code
 * spelled anywhere else does not compile. Audit rules (DKR…, ENV…, SPEC…) are declared with
 * `defineRule` in src/audit/rules/ and registered in the audit catalogue; as problems they are
 * always of the `failed` class.
 *
 * Exit classes (DESIGN.md): `failed` (1) the check ran and failed, `usage` (2) bad input,
 * `environment` (3) a tool, file system, network or time limit stood in the way, `interrupted`
 * (130) the user stopped the command. Only `error` problems decide an exit; the CLI turns
 * classes into numbers (src/cli/exit-codes.ts).
 */

export type Severity = 'error' | 'warning' | 'info';
export type ExitClass = 'failed' | 'usage' | 'environment' | 'interrupted';

export interface CodeInfo {
  /** The severity a problem of this code has unless it says otherwise. */
  severity: Severity;
  exit: ExitClass;
}

const error = (exit: ExitClass): CodeInfo => ({ severity: 'error', exit });
const warning: CodeInfo = { severity: 'warning', exit: 'failed' };
const info: CodeInfo = { severity: 'info', exit: 'failed' };

/** What is wrong with a file the user wrote: envgen.yaml (`spec/`) or a `--rules` table (`rules/`). */
const SOURCE_FILE = {
  'not-found': error('usage'),
  'not-a-file': error('usage'),
  'too-large': error('usage'),
  'not-text': error('usage'),
  unreadable: error('environment'),
  empty: error('usage'),
  'multiple-documents': error('usage'),
  'yaml-syntax': error('usage'),
  'alias-limit': error('usage'),
  'too-deep': error('usage'),
  'unknown-key': error('usage'),
  'missing-key': error('usage'),
  'invalid-type': error('usage'),
  'invalid-value': error('usage'),
  'invalid-name': error('usage'),
} as const satisfies Record<string, CodeInfo>;

export type SourceFileProblem = keyof typeof SOURCE_FILE;
export type SourceFileKind = 'spec' | 'rules' | 'conda-lock' | 'pixi-lock' | 'environment-yml';
/** What can stop any YAML file envgen reads from being read at all (src/spec/yaml-source.ts). */
const YAML_PROBLEMS = [
  'empty',
  'multiple-documents',
  'yaml-syntax',
  'alias-limit',
  'too-deep',
] as const satisfies readonly SourceFileProblem[];
/** What can be wrong with a conda-lock.yml that `diff`, `graph` and `lock` read. */
const CONDA_LOCK_PROBLEMS = [
  ...YAML_PROBLEMS,
  'missing-key',
  'invalid-type',
  'invalid-value',
] as const satisfies readonly SourceFileProblem[];
/**
 * The YAML inputs of `diff`, `drift`, `graph` and `vulns` besides conda-lock.yml: what stops
 * them being read is under their kind; what is not a pixi.lock or an environment file in what
 * was read is `packages/corrupt`.
 */
const YAML_INPUT_KINDS = [
  'pixi-lock',
  'environment-yml',
] as const satisfies readonly SourceFileKind[];

const CODES = {
  // Flags and arguments.
  'usage/invalid-flag': error('usage'),
  'usage/invalid-answer': error('usage'),
  'usage/bad-mirror': error('usage'),
  'usage/bad-platform': error('usage'),
  'usage/flag-needs-pins': error('usage'),
  'usage/models-with-flags': error('usage'),
  'usage/unknown-model': error('usage'),

  // envgen.yaml beyond its schema.
  'spec/bundle-name-taken': error('usage'),
  'spec/bundle-platforms': error('usage'),
  'spec/bundle-unknown-model': error('usage'),
  'spec/invalid-match-spec': error('usage'),
  'spec/invalid-pip-requirement': error('usage'),
  'spec/name-collision': error('usage'),
  'spec/observe': error('usage'),
  'spec/pinned-by-envgen': error('usage'),

  // The resolver: constraints no known build satisfies.
  'resolve/unknown-torch': error('usage'),
  'resolve/python': error('usage'),
  'resolve/no-build': error('usage'),
  'resolve/fleet': error('usage'),
  'resolve/bad-torch-spec': error('usage'),
  'rules/unknown-torch': error('usage'),

  // init.
  'init/spec-exists': error('usage'),
  'init/files-exist': error('usage'),
  'init/library-pin': error('usage'),
  'init/python-pins': warning,
  'init/cpu-build': info,

  // Files of the repository that envgen refuses to write through, or to read.
  'files/outside-repo': error('usage'),
  'files/not-regular': error('usage'),
  'files/too-large': error('usage'),

  // generate, and the user's own .dockerignore.
  'generate/path-collision': error('usage'),
  'generate/out-of-date': error('failed'),
  'generate/edited': error('failed'),
  'generate/foreign': error('failed'),
  'generate/orphaned': warning,
  'generate/path-blocked': error('usage'),
  'generate/unwritable': error('environment'),
  // envgen ci: the pipeline file.
  'ci/unknown-provider': error('usage'),
  'ci/invalid-registry': error('usage'),
  'ci/invalid-name': error('usage'),
  'ci/out-of-date': error('failed'),
  'ci/edited': error('failed'),
  'ci/foreign': error('failed'),
  'dockerignore/excludes-needed': error('usage'),
  'dockerignore/lets-in': warning,

  // lock.
  'lock/out-of-date': error('failed'),
  'lock/edited': error('failed'),
  'lock/unsatisfiable': error('usage'),
  'lock/channel-pin': error('usage'),
  'lock/channel-empty': error('usage'),
  'lock/channel-unreachable': error('environment'),
  'lock/channel-too-large': error('environment'),
  'lock/channel-corrupt': error('environment'),
  'lock/channel-timeout': error('environment'),
  'lock/channel-foreign-url': error('usage'),
  'lock/not-cached': error('environment'),
  'lock/cache-unwritable': { severity: 'warning', exit: 'environment' },
  'lock/pip-unpinned': warning,
  'lock/platform-skipped': warning,

  // graph and why: the dependency graph of a model's lock or an installed environment.
  'graph/no-lock': error('usage'),
  'graph/no-platform': error('usage'),
  'graph/unreadable': error('environment'),
  'graph/model-needed': error('usage'),
  'graph/unknown-package': error('failed'),
  'graph/sizes-not-cached': info,

  // build: the environments, the images, and the smoke check in them.
  'build/no-conda': error('environment'),
  'build/no-docker': error('environment'),
  'build/no-buildx': error('environment'),
  'build/docker-daemon': error('environment'),
  'build/no-builder': error('environment'),
  'build/timeout': error('environment'),
  'build/canceled': error('interrupted'),
  'build/solve': error('failed'),
  'build/pip-failed': error('failed'),
  'build/image': error('failed'),
  'smoke/exit': error('failed'),
  'smoke/no-report': error('failed'),
  'smoke/torch-import': error('failed'),
  'smoke/python-version': error('failed'),
  'smoke/torch-version': error('failed'),
  'smoke/cpu-build': error('failed'),
  'smoke/cuda-build': error('failed'),
  'smoke/import': error('failed'),
  'smoke/no-gpu': error('failed'),
  'smoke/arch': error('failed'),
  'smoke/device-op': error('failed'),

  // doctor: this machine, and whether each model can run on it.
  'doctor/nvidia-smi-failed': error('environment'),
  'doctor/no-driver': error('failed'),
  'doctor/nvml-mismatch': error('failed'),
  'doctor/driver-not-loaded': error('failed'),
  'doctor/no-devices': error('failed'),
  'doctor/no-gpu': error('failed'),
  'doctor/conda-no-cuda': warning,
  'doctor/no-conda': info,
  'doctor/conda-info': info,
  'doctor/no-docker': error('failed'),
  'doctor/docker-daemon': error('failed'),
  'doctor/no-nvidia-runtime': error('failed'),
  'doctor/cuda-home': warning,
  'doctor/ld-library-path': warning,
  'doctor/driver-too-old': error('failed'),
  'doctor/minor-compat': warning,
  'doctor/driver-unknown': info,
  'doctor/arch-missing': error('failed'),
  'doctor/ptx-only': error('failed'),
  'doctor/arch-disputed': warning,
  'doctor/arch-unknown': info,

  // An installed environment (a prefix) read as a package set, and `drift`: the prefix against
  // its lock.
  'prefix/not-an-environment': error('usage'),
  'prefix/corrupt-record': error('usage'),
  'prefix/invalid-distribution': warning,
  'drift/missing': error('failed'),
  'drift/extra': error('failed'),
  'drift/mismatch': error('failed'),
  'drift/altered-file': error('failed'),
  'drift/deleted-file': error('failed'),
  'drift/unreadable-file': warning,
  'drift/no-lock': error('usage'),
  'drift/no-environment': error('usage'),

  // Package sets read from files and folders (diff, drift, graph): what cannot be read as one.
  'packages/not-found': error('usage'),
  'packages/unknown-kind': error('usage'),
  'packages/corrupt': error('usage'),
  'packages/unreadable': error('environment'),
  'packages/no-platform': error('usage'),
  'packages/git-revision': error('usage'),
  'packages/no-git': error('environment'),

  // Advisory data for `envgen vulns`: an OSV export on disk (--db) or OSV's API.
  'vulns/db-not-found': error('usage'),
  'vulns/db-corrupt': error('usage'),
  'vulns/db-too-large': error('usage'),
  'vulns/db-unreadable': error('environment'),
  'vulns/osv-unreachable': error('environment'),
  'vulns/osv-timeout': error('environment'),
  'vulns/osv-bad-answer': error('environment'),
  // doctor: the NVIDIA Container Toolkit against its container-escape advisories.
  'doctor/nvidia-ctk-vulnerable': error('failed'),
  'doctor/nvidia-ctk-unknown': info,

  // vulns: a finding (as an annotation; --fail-on in src/cli judges findings by their
  // advisory's severity), and what stands between the environments and their advisories.
  'vulns/advisory': error('failed'),
  'vulns/no-inputs': error('usage'),
  'vulns/ignore-expired': warning,
  // An image's environment (`envgen vulns --image`), read through docker create and docker cp.
  'image/no-docker': error('environment'),
  'image/docker-daemon': error('environment'),
  'image/docker-failed': error('environment'),
  'image/canceled': error('interrupted'),
  'image/not-found': error('usage'),
  'image/no-environment': error('usage'),
  'image/pip-not-read': warning,

  // `envgen rollout`: build, prove and switch a live service's environment. A refusal because
  // another rollout of the model runs, or the service is not running, is the machine's state
  // (environment, 3: run again later); a proof or switch that fails and is rolled back is a
  // check that failed (1).
  'rollout/locked': error('environment'),
  'rollout/stale-lock': warning,
  'rollout/root-conflict': error('usage'),
  'rollout/no-previous': error('usage'),
  'rollout/other-platform': error('environment'),
  'rollout/no-service': error('environment'),
  'rollout/no-health': warning,
  'rollout/warmup': error('failed'),
  'rollout/new-master': error('failed'),
  'rollout/health': error('failed'),
  'rollout/restart': error('failed'),
  'rollout/not-switched': error('failed'),

  // audit's own troubles (its findings are the rules' codes): a file it cannot parse, so no
  // rule could run on it, is bad input.
  DKR000: error('usage'),
  ENV000: error('usage'),
  SPEC000: error('usage'),
  'audit/unreadable': error('usage'),
  'audit/unknown-kind': error('usage'),
  'audit/unknown-rule': error('usage'),
} as const satisfies Record<string, CodeInfo>;

export type SourceFileCode = `${SourceFileKind}/${SourceFileProblem}`;
/** An audit rule's id: DKR008, ENV013, SPEC003. */
export type AuditRuleId = `${'DKR' | 'ENV' | 'SPEC' | 'OBS'}${number}`;
export type ProblemCode = keyof typeof CODES | SourceFileCode | AuditRuleId;

const AUDIT_RULE_ID = /^(DKR|ENV|SPEC|OBS)\d{3}$/;

/** The code of a problem with a user-written file of the given kind. */
export function sourceFileCode(kind: SourceFileKind, problem: SourceFileProblem): SourceFileCode {
  return `${kind}/${problem}`;
}

export function isAuditRuleId(code: string): code is AuditRuleId {
  return AUDIT_RULE_ID.test(code);
}

/** The registry entry of a code; audit rules are `failed` at the severity they report. */
export function codeInfo(code: ProblemCode): CodeInfo {
  if (code in CODES) return CODES[code as keyof typeof CODES];
  const slash = code.indexOf('/');
  const suffix = code.slice(slash + 1);
  if (slash > 0 && suffix in SOURCE_FILE) return SOURCE_FILE[suffix as SourceFileProblem];
  if (isAuditRuleId(code)) return { severity: 'warning', exit: 'failed' };
  throw new Error(`problem code ${code} is not in the registry`);
}

/** Every registered code (audit rules are listed by the audit catalogue). */
export function registeredCodes(): ProblemCode[] {
  const sourceFile = (['spec', 'rules'] as const).flatMap((kind) =>
    (Object.keys(SOURCE_FILE) as SourceFileProblem[]).map((p) => sourceFileCode(kind, p)),
  );
  const condaLock = CONDA_LOCK_PROBLEMS.map((p) => sourceFileCode('conda-lock', p));
  const yamlInputs = YAML_INPUT_KINDS.flatMap((kind) =>
    YAML_PROBLEMS.map((p) => sourceFileCode(kind, p)),
  );
  return [
    ...(Object.keys(CODES) as (keyof typeof CODES)[]),
    ...sourceFile,
    ...condaLock,
    ...yamlInputs,
  ];
}
