/**
 * What the channel proxy saw go wrong, as problems with their fixes and the exit code they
 * call for: a channel that cannot be reached (3), one with no repodata at its address (2), or
 * offline with a platform folder the cache lacks (3).
 */
import type { Problem } from '../problem.js';
import type { ChannelTrouble, MissingSubdir } from './channel-proxy.js';
import type { LockChannel } from './channels.js';

export function channelProblems(
  troubles: readonly ChannelTrouble[],
  missing: readonly MissingSubdir[],
  offline: boolean,
): { problems: Problem[]; exitCode: number } {
  const problems: Problem[] = [];
  let exitCode = 0;
  const seen = new Set<string>();
  for (const trouble of troubles) {
    if (seen.has(trouble.channel.url)) continue;
    seen.add(trouble.channel.url);
    exitCode = 3;
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
      exitCode = Math.max(exitCode, 3);
      problems.push({
        ruleId: 'lock/not-cached',
        severity: 'error',
        message: `channel ${channel.name} (${channel.url}) has no repodata for ${folders} in the cache`,
        fix: 'run `envgen lock` once where the channel can be reached (with the same platforms), then --offline uses the cache',
      });
    } else if (subdirs.includes('noarch')) {
      // Every channel has noarch; none at all means the address is wrong.
      exitCode = Math.max(exitCode, 2);
      problems.push({
        ruleId: 'lock/channel-empty',
        severity: 'error',
        message: `channel ${channel.name} has no repodata at ${channel.url} (HTTP 404 for ${folders})`,
        fix: 'check the channel name, or the mirror URL in `lock.mirrors` / --mirror',
      });
    }
  }
  return { problems, exitCode };
}
