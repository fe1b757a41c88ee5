/**
 * Where each channel of an environment is fetched from. A channel name (`conda-forge`) means
 * anaconda.org's copy, as conda reads it; a mirror (envgen.yaml `lock.mirrors`, or
 * `--mirror NAME=URL`) replaces it, for air-gapped sites and internal proxies. The lock records
 * the URLs it was solved from, so an image built from it downloads from the same place.
 */
import { channelUrl, isChannelUrl } from '../conda-channels.js';
import { usageError } from '../problem.js';

export interface LockChannel {
  /** As the environment names it: `conda-forge`, `pytorch`, or a URL. */
  name: string;
  /** Where its repodata and packages are fetched from, no trailing slash. */
  url: string;
  /** The mirror replaced anaconda.org's address. */
  mirrored: boolean;
}

export function lockChannels(
  names: readonly string[],
  mirrors: Readonly<Record<string, string>>,
): LockChannel[] {
  // `conda-forge`, `https://conda.anaconda.org/conda-forge` and the same with a trailing slash
  // all name one channel.
  const byUrl = new Map(Object.entries(mirrors).map(([key, url]) => [channelUrl(key), url]));
  return names.map((name) => {
    const mirror = byUrl.get(channelUrl(name));
    return mirror
      ? { name, url: channelUrl(mirror), mirrored: true }
      : { name, url: channelUrl(name), mirrored: false };
  });
}

/** `--mirror conda-forge=https://mirror.example/conda-forge`, checked before anything is fetched. */
export function parseMirrorFlag(text: string): [string, string] {
  const at = text.indexOf('=');
  const name = at > 0 ? text.slice(0, at) : '';
  const url = at > 0 ? text.slice(at + 1) : '';
  if (!name || !isChannelUrl(url)) {
    throw usageError(
      'usage/bad-mirror',
      `--mirror ${JSON.stringify(text)} is not CHANNEL=URL`,
      'e.g. --mirror conda-forge=https://mirror.example.com/conda-forge (http or https, no spaces)',
    );
  }
  return [name, url];
}
