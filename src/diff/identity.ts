/**
 * What makes two records "the same package" across inputs: a name normalised as PEP 503 does
 * (case, `_`, `-` and `.` alike), with PyPI names mapped to their conda names where they differ
 * (`torch` is conda's `pytorch`), and channels reduced to a name (`https://conda.anaconda.org/conda-forge`
 * is `conda-forge`; every pip record comes from `pypi`).
 */
import type { PackageRecord } from '../packages/package-set.js';

/** PyPI projects whose conda package has another name (after normalisation). */
const PYPI_TO_CONDA: Readonly<Record<string, string>> = {
  torch: 'pytorch',
  'opencv-python': 'py-opencv',
  'opencv-python-headless': 'py-opencv',
  'opencv-contrib-python': 'py-opencv',
  tables: 'pytables',
  msgpack: 'msgpack-python',
  'faiss-cpu': 'faiss-cpu',
  'faiss-gpu': 'faiss-gpu',
  llvmlite: 'llvmlite',
  'tensorflow-cpu': 'tensorflow',
  'tensorflow-gpu': 'tensorflow',
  'nvidia-cudnn-cu12': 'cudnn',
  'nvidia-cudnn-cu11': 'cudnn',
  'nvidia-nccl-cu12': 'nccl',
  'nvidia-nccl-cu11': 'nccl',
};

function normalised(name: string): string {
  return name.toLowerCase().replaceAll(/[-_.]+/g, '-');
}

/** The key two records share when they are the same package, whichever installer they come from. */
export function identityKey(record: Pick<PackageRecord, 'name' | 'manager'>): string {
  const name = normalised(record.name);
  return record.manager === 'pip' ? (PYPI_TO_CONDA[name] ?? name) : name;
}

const NAMED_HOSTS =
  /^(conda\.anaconda\.org|repo\.prefix\.dev|prefix\.dev|conda-static\.anaconda\.org)$/;

/** A channel as a short name: `conda-forge`, `pytorch`, `pkgs/main`, `pypi`; null where unknown. */
export function channelName(record: Pick<PackageRecord, 'channel' | 'manager'>): string | null {
  if (record.manager === 'pip') return 'pypi';
  const channel = record.channel?.replace(/\/+$/, '');
  if (!channel) return null;
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/]+)\/?(.*)$/i.exec(channel);
  if (!url) return channel.toLowerCase();
  const [, host = '', path = ''] = url;
  if (NAMED_HOSTS.test(host.toLowerCase())) return path.toLowerCase();
  if (host.toLowerCase() === 'repo.anaconda.com') return path.toLowerCase();
  return `${host}/${path}`.replace(/\/$/, '').toLowerCase();
}
