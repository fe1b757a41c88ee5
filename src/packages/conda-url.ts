/**
 * What a conda package's URL says about it: `…/conda-forge/linux-64/numpy-1.26.4-py311h64a7726_0.conda`
 * is numpy 1.26.4, build py311h64a7726_0, from the channel `…/conda-forge` for linux-64. The file
 * name is `<name>-<version>-<build>` (the name may hold dashes; version and build do not).
 */

export interface CondaFileParts {
  name: string;
  version: string;
  build: string;
  /** The archive's file name, as repodata keys it: `numpy-1.26.4-py311h64a7726_0.conda`. */
  file: string;
  /** The URL up to the subdir: `https://conda.anaconda.org/conda-forge`; null for a bare file name. */
  channel: string | null;
  subdir: string | null;
}

const ARCHIVE = /\.(conda|tar\.bz2)$/;

/** The parts of a package URL (or bare file name), or null when it does not name a conda archive. */
export function condaFileParts(url: string): CondaFileParts | null {
  const path = url.split('#')[0]?.split('?')[0] ?? '';
  const slash = path.lastIndexOf('/');
  const file = decodeURIComponent(path.slice(slash + 1));
  if (!ARCHIVE.test(file)) return null;
  const stem = file.replace(ARCHIVE, '');
  const buildAt = stem.lastIndexOf('-');
  const versionAt = stem.lastIndexOf('-', buildAt - 1);
  if (versionAt <= 0) return null;
  const name = stem.slice(0, versionAt);
  const version = stem.slice(versionAt + 1, buildAt);
  const build = stem.slice(buildAt + 1);
  if (!name || !version || !build) return null;
  let channel: string | null = null;
  let subdir: string | null = null;
  if (slash > 0) {
    const folder = path.slice(0, slash);
    const subdirAt = folder.lastIndexOf('/');
    subdir = folder.slice(subdirAt + 1) || null;
    channel = subdirAt > 0 ? folder.slice(0, subdirAt) : null;
  }
  return { name: name.toLowerCase(), version, build, file, channel, subdir };
}
