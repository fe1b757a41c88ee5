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
    const special = troubleProblem(trouble);
    if (special) {
      problems.push(special);
      continue;
    }
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

/** A channel that answered, but with what the solver must not be given, or not in time. */
function troubleProblem(trouble: ChannelTrouble): Problem | null {
  const { channel, url, detail } = trouble;
  const where = `channel ${channel.name} (${channel.url})`;
  switch (trouble.kind) {
    case 'too-large':
      return {
        ruleId: 'lock/channel-too-large',
        severity: 'error',
        message: `${where} sent repodata ${detail}: ${url}`,
        fix: 'check that the URL is a conda channel (or mirror) you trust; if its repodata really is this large, raise ENVGEN_REPODATA_LIMIT_MB',
      };
    case 'corrupt':
      return {
        ruleId: 'lock/channel-corrupt',
        severity: 'error',
        message: `${where} serves repodata the solver cannot read: ${detail}`,
        fix: channel.mirrored
          ? 'the mirror serves a damaged or hostile index: re-sync it, or check `lock.mirrors` / --mirror points at a conda channel'
          : 'the channel serves a damaged index: try again later, or set a mirror with `lock.mirrors` / --mirror',
      };
    case 'deadline':
      return {
        ruleId: 'lock/channel-timeout',
        severity: 'error',
        message: `${where} had not sent its repodata when the lock's time limit ran out (${url})`,
        fix: 'a slow link or a large channel: raise the limit with `envgen lock --timeout SECONDS`, or use a nearer mirror (`lock.mirrors`)',
      };
    default:
      return null;
  }
}
