/**
 * `envgen vulns` rendered: text grouped by environment and severity (with the fleet-aware torch
 * fix and what was not checked), SARIF 2.1.0 (one result per finding, with the advisory's URL)
 * and GitHub annotations. JSON is the report itself (src/cli writes it).
 */
import type { AdvisorySeverity } from '../vulns/advisories.js';
import type { VulnFinding, VulnsReport, VulnsTarget } from '../vulns/check-vulns.js';
import type { FixBlocker, TorchFix } from '../vulns/fleet-fix.js';
import type { NotCheckedReason } from '../vulns/pypi-names.js';
import type { Palette } from './color.js';
import { formatGithub } from './github.js';
import { jsonText } from './json.js';
import { sarifLocation, sarifLog } from './sarif.js';

const SEVERITIES: readonly AdvisorySeverity[] = ['critical', 'high', 'unknown', 'moderate', 'low'];

/** Whether a finding fails the check at the threshold (the CLI decides the exit from this). */
export type FailsAt = (finding: VulnFinding) => boolean;

export function formatVulnsText(report: VulnsReport, color: Palette, fails: FailsAt): string {
  const lines: string[] = [];
  for (const target of report.targets) {
    const active = target.findings.filter((f) => f.ignored === null);
    const ignored = target.findings.filter((f) => f.ignored !== null);
    lines.push(
      `${color.bold(target.label)}: ${active.length} advisor${active.length === 1 ? 'y' : 'ies'} in ${target.checked} package${target.checked === 1 ? '' : 's'} checked, ${target.notChecked.length} not checked`,
    );
    for (const severity of SEVERITIES) {
      const group = active.filter((f) => f.advisory.severity === severity);
      if (group.length === 0) continue;
      lines.push(`  ${paintSeverity(severity, color)}`);
      for (const f of group) {
        const fixed =
          f.advisory.fixed.length > 0 ? `fixed in ${f.advisory.fixed.join(', ')}` : 'no fix known';
        const mark = fails(f) ? '' : color.dim(' (below --fail-on)');
        lines.push(
          `    ${f.advisory.id} ${f.package} ${f.version}${f.package !== f.query.name ? ` (PyPI ${f.query.name} ${f.query.version})` : ''}: ${f.advisory.summary} [${fixed}]${mark}`,
        );
        lines.push(`      ${color.dim(f.advisory.url)}`);
      }
    }
    if (target.fix) lines.push(...fixLines(target.fix));
    for (const f of ignored) {
      const entry = f.ignored;
      lines.push(
        color.dim(
          `  ignored: ${f.advisory.id} ${f.package} ${f.version}${entry?.reason ? `: ${entry.reason}` : ' (--ignore)'}${entry?.expires ? ` (until ${entry.expires})` : ''}`,
        ),
      );
    }
    if (target.notChecked.length > 0) {
      lines.push(`  not checked (no PyPI advisories can be matched to these):`);
      for (const n of target.notChecked) {
        lines.push(
          color.dim(
            `    ${n.package}${n.version ? ` ${n.version}` : ''}: ${notCheckedText(n.reason)}`,
          ),
        );
      }
    }
    lines.push('');
  }
  lines.push(
    color.dim(
      `advisories: ${report.source}; conda names: ${report.names.repository} ${report.names.path} (${report.names.date})`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

function paintSeverity(severity: AdvisorySeverity, color: Palette): string {
  const text = severity === 'unknown' ? 'severity unknown' : severity;
  if (severity === 'critical' || severity === 'high') return color.red(color.bold(text));
  if (severity === 'moderate' || severity === 'unknown') return color.yellow(text);
  return text;
}

function notCheckedText(reason: NotCheckedReason): string {
  switch (reason.kind) {
    case 'not-pypi':
      return `not a PyPI package: ${reason.why}`;
    case 'unknown-name':
      return "not in conda-forge's PyPI mapping and not a Python package: its PyPI name is unknown";
    case 'no-version':
      return 'no version given (an unpinned entry): pin it, or check its lock';
    case 'bad-version':
      return `${JSON.stringify(reason.version)} is not a PEP 440 version`;
  }
}

/** The fleet-aware fix in words. */
function fixLines(fix: TorchFix): string[] {
  const lines: string[] = [];
  if (fix.upgrade) {
    const u = fix.upgrade;
    const loosened =
      u.loosened.length > 0 ? ` (leaving the model's ${u.loosened.join(' and ')} pin)` : '';
    lines.push(
      `  fix: torch ${fix.from} -> ${u.torch} fixes ${u.fixes.join(', ')}; it runs on the fleet as ${u.source} CUDA ${u.cuda} with Python ${u.python}${loosened}`,
    );
  }
  for (const b of fix.blocked) {
    lines.push(`  blocked: ${b.id} needs torch ${b.torch}, ${blockerText(b.blocker, b.torch)}`);
  }
  for (const id of fix.unfixed) lines.push(`  no fix: ${id} names no fixed torch version`);
  return lines;
}

function blockerText(blocker: FixBlocker, torch: string): string {
  switch (blocker.kind) {
    case 'driver':
      return `and no build of torch ${torch} runs with the fleet's driver: upgrade the fleet's driver${blocker.oldestDriver ? ` to >= ${blocker.oldestDriver}` : ''}`;
    case 'gpus':
      return `and no build of torch ${torch} carries code for the fleet's GPUs (${blocker.gpus.join(', ')}): retire those GPUs`;
    case 'driver-and-gpus':
      return `and no build of torch ${torch} runs on the fleet's GPUs (${blocker.gpus.join(', ')}) with its driver: retire those GPUs and upgrade the driver`;
    case 'python':
      return `which does not support the model's Python ${blocker.python}: move the model to a newer Python`;
    case 'other':
      return `which the model's other constraints rule out (${blocker.ruleId}): see envgen resolve --torch ${torch}`;
  }
}

const SARIF_LEVEL: Record<AdvisorySeverity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  unknown: 'warning',
  moderate: 'warning',
  low: 'note',
};

function active(report: VulnsReport): { target: VulnsTarget; finding: VulnFinding }[] {
  return report.targets.flatMap((target) =>
    target.findings.filter((f) => f.ignored === null).map((finding) => ({ target, finding })),
  );
}

function findingText(target: VulnsTarget, f: VulnFinding): string {
  const fixed = f.advisory.fixed.length > 0 ? ` Fixed in ${f.advisory.fixed.join(', ')}.` : '';
  return `${target.name}: ${f.package} ${f.version} is affected by ${f.advisory.id} (${f.advisory.severity}): ${f.advisory.summary}.${fixed} ${f.advisory.url}`;
}

export function formatVulnsSarif(report: VulnsReport, version: string): string {
  const findings = active(report);
  const ids = [...new Set(findings.map(({ finding }) => finding.advisory.id))];
  const index = new Map(ids.map((id, i) => [id, i]));
  const byId = new Map(findings.map(({ finding }) => [finding.advisory.id, finding.advisory]));
  const log = sarifLog(
    version,
    ids.map((id) => {
      const advisory = byId.get(id);
      return {
        id,
        shortDescription: { text: advisory?.summary ?? id },
        helpUri: advisory?.url,
        help: { text: advisory?.url ?? id },
        defaultConfiguration: { level: SARIF_LEVEL[advisory?.severity ?? 'unknown'] },
        properties: { tags: ['security', ...(advisory?.aliases ?? [])] },
      };
    }),
    findings.map(({ target, finding }) => ({
      ruleId: finding.advisory.id,
      ruleIndex: index.get(finding.advisory.id),
      level: SARIF_LEVEL[finding.advisory.severity],
      message: { text: findingText(target, finding) },
      locations: sarifLocation(target.location.file, target.location.line, target.location.column),
      partialFingerprints: {
        primaryLocationLineHash: `${finding.advisory.id}:${target.name}:${finding.package}`,
      },
      properties: {
        package: finding.package,
        version: finding.version,
        pypi: finding.query,
        fixed: finding.advisory.fixed,
        url: finding.advisory.url,
      },
    })),
  );
  return jsonText(log);
}

export function formatVulnsGithub(report: VulnsReport): string {
  const diagnostics = active(report).map(({ target, finding }) => ({
    ruleId: 'vulns/advisory' as const,
    severity:
      SARIF_LEVEL[finding.advisory.severity] === 'error'
        ? ('error' as const)
        : ('warning' as const),
    file: target.location.file,
    line: target.location.line,
    column: target.location.column,
    message: findingText(target, finding),
  }));
  return formatGithub(diagnostics);
}
