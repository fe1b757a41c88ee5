/**
 * One environment's packages, whatever file or folder they were read from: an explicit lock, a
 * conda-lock.yml, a pixi.lock, an environment.yml, an installed prefix (`conda-meta/`), a pip
 * freeze, or a model of envgen.yaml. `diff` compares two of these, `drift` compares a prefix
 * with its lock, and `graph`/`why` walk the dependencies of one. Every reader returns this
 * shape; nothing downstream knows which file a set came from except through `kind`.
 */

/** Which installer a package belongs to. */
type Manager = 'conda' | 'pip';

/** The kinds of input a package set is read from. */
type PackageSetKind =
  | 'model'
  | 'explicit-lock'
  | 'conda-lock'
  | 'pixi-lock'
  | 'environment-yml'
  | 'prefix'
  | 'pip-freeze';

export interface PackageRecord {
  /** The conda name; for pip, the PEP 503 normalised project name (`typing-extensions`). */
  name: string;
  manager: Manager;
  /** As the input writes it; `null` where the input names no version (an unpinned spec). */
  version: string | null;
  /** The conda build string (`py311_cuda12.1_cudnn8.9.2_0`); `null` for pip or where unknown. */
  build: string | null;
  /** The channel as a URL or name, as the input gives it; `null` where unknown. */
  channel: string | null;
  /** `linux-64`, `noarch`; `null` where unknown. */
  subdir: string | null;
  url: string | null;
  md5: string | null;
  sha256: string | null;
  /** Match specs (conda) or requirements (pip) of what it depends on; `null` where unknown. */
  depends: string[] | null;
  /** Size in bytes of the package (repodata `size`, or installed files), where known. */
  size: number | null;
}

export interface PackageSet {
  kind: PackageSetKind;
  /** What the user named, for messages and headers: `envs/a/conda-linux-64.lock`, `main:envgen.yaml`. */
  label: string;
  /** The platform the set is for (`linux-64`); `null` where the input does not say. */
  platform: string | null;
  packages: PackageRecord[];
}

/** A record with every optional field unknown, for readers to fill in. */
export function packageRecord(
  fields: Pick<PackageRecord, 'name' | 'manager'> & Partial<PackageRecord>,
): PackageRecord {
  return {
    version: null,
    build: null,
    channel: null,
    subdir: null,
    url: null,
    md5: null,
    sha256: null,
    depends: null,
    size: null,
    ...fields,
  };
}
