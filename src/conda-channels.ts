/**
 * The vocabulary of conda channels, in one place: what a channel is called whatever way it is
 * written, which channels Anaconda serves under its Terms of Service, and which vendors publish
 * GPU builds. The audit rules (ENV, DKR, SPEC) and the commands ask here, so one channel gets
 * one answer everywhere.
 *
 * Anaconda's channels: https://docs.anaconda.com/anaconda-repository/ and conda's
 * `default_channels` (pkgs/main, pkgs/r, pkgs/msys2; earlier pkgs/free and pkgs/pro).
 */

/** Where conda finds a channel named without a URL (`conda-forge`): anaconda.org. */
const ANACONDA_ORG = 'https://conda.anaconda.org';

/** An http(s) channel or mirror URL: no spaces, query or credentials. */
const CHANNEL_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::[0-9]+)?(?:\/[A-Za-z0-9._~%+-]+)*\/?$/;

/** Whether the text is a channel URL envgen fetches from (a mirror must be one). */
export function isChannelUrl(text: string): boolean {
  return CHANNEL_URL.test(text);
}

/**
 * A channel's own address, no trailing slash: a bare name lives on anaconda.org
 * (`conda-forge` -> `https://conda.anaconda.org/conda-forge`), a URL is itself.
 */
export function channelUrl(raw: string): string {
  return isChannelUrl(raw) ? raw.replace(/\/+$/, '') : `${ANACONDA_ORG}/${raw}`;
}

/** Anaconda's channels by name: `defaults` and the channels it stands for, and anaconda.org/anaconda. */
const ANACONDA_NAMES = new Set(['defaults', 'main', 'r', 'msys2', 'free', 'pro', 'anaconda']);

/** Hosts that serve only Anaconda's channels. */
const ANACONDA_HOST = /(^|\.)repo\.(anaconda\.(com|cloud)|continuum\.io)$/;

/**
 * A channel as written, reduced to its name: URLs and labels (`conda-forge/label/x`) become the
 * channel (`conda-forge`), anything on repo.anaconda.com / .cloud / repo.continuum.io and
 * `pkgs/main`-style names become `defaults`, and token URLs lose their token.
 */
export function channelName(raw: string): string {
  let name = raw.trim().replace(/\/+$/, '');
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/]+)(\/.*)?$/i.exec(name);
  if (url) {
    const host = (url[1] ?? '').toLowerCase();
    const path = (url[2] ?? '').replace(/^\//, '');
    if (ANACONDA_HOST.test(host)) return 'defaults';
    // Token URLs (`/t/<token>/conda-forge`) name the channel after the token.
    name = path.replace(/^t\/[^/]+\//, '');
    if (name === '') return host;
  }
  if (/^pkgs\/(main|r|free|msys2|pro)$/i.test(name)) return 'defaults';
  return (name.split('/')[0] ?? name).toLowerCase();
}

/** Whether Anaconda serves the channel, under its Terms of Service (the `defaults` family). */
export function isAnacondaChannel(raw: string): boolean {
  return ANACONDA_NAMES.has(channelName(raw));
}

export function isCondaForge(raw: string): boolean {
  return channelName(raw) === 'conda-forge';
}

/** Channels that vendors publish GPU builds on; each has its own CUDA packaging. */
export const VENDOR_CHANNELS = new Set([
  'pytorch',
  'pytorch-nightly',
  'pytorch-test',
  'nvidia',
  'rapidsai',
  'rapidsai-nightly',
  'dglteam',
  'pyg',
]);

export function isPytorchChannel(raw: string): boolean {
  return ['pytorch', 'pytorch-nightly', 'pytorch-test'].includes(channelName(raw));
}
