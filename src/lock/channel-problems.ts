/**
 * What the channel proxy saw go wrong, as problems with their fixes: a channel that cannot be
 * reached, one with no repodata at its address, or offline, a platform folder the cache lacks.
 */
import type { Problem } from '../problem.js';
import type { ChannelTrouble, MissingSubdir } from './channel-proxy.js';
import type { LockChannel } from './channels.js';

export function channelProblems(
  troubles: readonly ChannelTrouble[],
  missing: readonly MissingSubdir[],
  offline: boolean,
): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const trouble of troubles) {
    if (seen.has(trouble.channel.url)) continue;
    seen.add(trouble.channel.url);
    const { channel } = trouble;
    problems.push({
      ruleId: 'lock/channel-unreachable',
      severity: 'error',
      message: `channel ${channel.name} cannot be reached at ${channel.url}: ${trouble.detail} (${trouble.url})`,
      fix: channel.mirrored
        ? 'check the mirror URL in envgen.yaml `lock.mirrors` (or --mirror) and that this machine can reach it'
        : `check this machine's network or proxy (HTTPS_PROXY); on an air-gapped site set a mirror: \`lock: {mirrors: {${channel.name}: https://your-mirror/${channel.name}}}\` in envgen.yaml, or --mirror ${channel.name}=URL`,
    });
  }
  const byChannel = new Map<string, { channel: LockChannel; subdirs: string[] }>();
  for (const { channel, subdir } of missing) {
    if (seen.has(channel.url)) continue;
    const entry = byChannel.get(channel.url) ?? { channel, subdirs: [] };
    entry.subdirs.push(subdir);
    byChannel.set(channel.url, entry);
  }
  for (const { channel, subdirs } of byChannel.values()) {
    const folders = subdirs.sort().join(', ');
    if (offline) {
      problems.push({
        ruleId: 'lock/not-cached',
        severity: 'error',
        message: `channel ${channel.name} (${channel.url}) has no repodata for ${folders} in the cache`,
        fix: 'run `envgen lock` once where the channel can be reached (with the same platforms), then --offline uses the cache',
      });
    } else if (subdirs.includes('noarch')) {
      // Every channel has noarch; none at all means the address is wrong.
      problems.push({
        ruleId: 'lock/channel-empty',
        severity: 'error',
        message: `channel ${channel.name} has no repodata at ${channel.url} (HTTP 404 for ${folders})`,
        fix: 'check the channel name, or the mirror URL in `lock.mirrors` / --mirror',
      });
    }
  }
  return problems;
}
