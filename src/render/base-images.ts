/**
 * The images generated Dockerfiles start from, pinned to a tag (never `latest`) so the same
 * spec builds the same image. Changing a tag here changes every generated Dockerfile, which
 * `generate --check` then reports as stale: that is the upgrade path.
 */
import type { Base } from '../spec/types.js';

export interface BuildImage {
  image: string;
  /** The conda tool inside it, and how it creates an environment from a file at a prefix. */
  tool: 'conda' | 'micromamba';
  /** Where it keeps downloaded packages (the BuildKit cache mount). */
  pkgsDir: string;
  /** Where the fact comes from. */
  source: string;
}

export const BUILD_IMAGES: Record<Base, BuildImage> = {
  // Tags follow the Miniconda release (`miniconda3-v25.3.1-1` -> `25.3.1-1`); anaconda/docker-images CI.
  miniconda: {
    image: 'continuumio/miniconda3:25.3.1-1',
    tool: 'conda',
    pkgsDir: '/opt/conda/pkgs',
    source: 'anaconda/docker-images miniconda_debian_ci.yml (tags 24.x-25.x)',
  },
  miniforge: {
    image: 'condaforge/miniforge3:25.3.0-1',
    tool: 'conda',
    pkgsDir: '/opt/conda/pkgs',
    source: 'conda-forge/miniforge-images (tag seen in public Dockerfiles)',
  },
  // micromamba-docker docs use 1.5.8 in their examples; root prefix /opt/conda.
  micromamba: {
    image: 'mambaorg/micromamba:1.5.8',
    tool: 'micromamba',
    pkgsDir: '/opt/conda/pkgs',
    source: 'mamba-org/micromamba-docker docs/quick_start.rst',
  },
};

/**
 * The runtime stage: small, glibc-based (conda-forge binaries link against glibc, so Alpine
 * breaks them), no conda, no compilers.
 */
export const RUNTIME_IMAGE = 'debian:12.11-slim';

/**
 * The glibc of {@link RUNTIME_IMAGE} (Debian 12 "bookworm" ships glibc 2.36:
 * packages.debian.org/bookworm/libc6). `lock` solves with it as `__glibc`, so no package that
 * needs a newer glibc than the image has gets into a lock. Change it with the image.
 */
export const RUNTIME_GLIBC = '2.36';
