/**
 * `envgen vulns [MODEL...|FILE...]`: the known vulnerabilities of each environment, from OSV
 * online or an OSV export (`--db`); text, JSON, SARIF or GitHub annotations; exit 1 when an
 * advisory at or above `--fail-on` (default high) is not ignored.
 */
import { usageError } from '../../problem.js';
import { colorFor } from '../../report/color.js';
import { writeJson } from '../../report/json.js';
import { formatProblems } from '../../report/problems.js';
import { formatVulnsGithub, formatVulnsSarif, formatVulnsText } from '../../report/vulns.js';
import type { AdvisorySeverity } from '../../vulns/advisories.js';
import { checkVulns, SEVERITY_RANK, type VulnFinding } from '../../vulns/check-vulns.js';
import { advisorySource } from '../../vulns/sources.js';
import type { CommandContext } from '../context.js';
import { EXIT, exitFor } from '../exit-codes.js';
import { withInterrupts } from '../interrupts.js';
import { VERSION } from '../version.js';

export interface VulnsFlags {
  format: 'text' | 'json' | 'sarif' | 'github';
  failOn: 'low' | 'moderate' | 'high' | 'critical';
  ignore?: string[];
  db?: string;
  platform?: string;
  image?: string[];
}

export async function runVulns(
  ctx: CommandContext,
  inputs: string[],
  flags: VulnsFlags,
): Promise<number> {
  const ignore = (flags.ignore ?? []).flatMap((id) =>
    id
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  );
  const bad = ignore.find((id) => !/^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]+$/.test(id));
  if (bad !== undefined) {
    throw usageError(
      'usage/invalid-flag',
      `--ignore ${JSON.stringify(bad)} is not an advisory id`,
      'name an OSV id or alias: GHSA-53q9-r3pm-6pq6, PYSEC-2025-41, CVE-2025-32434',
    );
  }
  const report = await withInterrupts((signal) =>
    checkVulns(ctx.io, ctx.root, inputs, {
      openSource: () => advisorySource(ctx.io, flags.db !== undefined ? { db: flags.db } : {}),
      ignore,
      ...(flags.platform ? { platform: flags.platform } : {}),
      ...(flags.image ? { images: flags.image, signal } : {}),
    }),
  );
  const threshold = SEVERITY_RANK[flags.failOn as AdvisorySeverity];
  const fails = (f: VulnFinding): boolean =>
    f.ignored === null && SEVERITY_RANK[f.advisory.severity] >= threshold;
  const format = ctx.json ? 'json' : flags.format;
  if (format === 'json') writeJson(ctx.io, report);
  else if (format === 'sarif') ctx.io.stdout.write(formatVulnsSarif(report, VERSION));
  else if (format === 'github') ctx.io.stdout.write(formatVulnsGithub(report));
  else ctx.io.stdout.write(formatVulnsText(report, ctx.color, fails));
  if (format !== 'json' && report.problems.length > 0) {
    ctx.io.stderr.write(formatProblems(report.problems, colorFor(ctx.io.stderr, ctx.io.env)));
  }
  const failing = report.targets.flatMap((t) => t.findings).filter(fails);
  const fromProblems = exitFor(report.problems);
  if (fromProblems !== EXIT.ok) return fromProblems;
  if (failing.length === 0) return EXIT.ok;
  if (format === 'text') {
    ctx.io.stderr.write(
      `envgen vulns: ${failing.length} advisor${failing.length === 1 ? 'y' : 'ies'} at or above --fail-on ${flags.failOn}\n`,
    );
  }
  return EXIT.failed;
}
