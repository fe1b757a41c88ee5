/** The ways `envgen build` reports: a table for people, JUnit XML for CI test views, Markdown for GitHub's step summary. */
import { stripVTControlCharacters } from 'node:util';
import type { BuildReport } from '../environments/create-environments.js';
import type { Palette } from './color.js';

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** The build report for people: one row a model, its result and the time of each step. */
export function buildReportTable(report: BuildReport, c: Palette): string {
  const rows = report.models.map((m) => [
    m.name,
    m.ok ? c.green('ok') : c.red('failed'),
    m.steps
      .map(
        (s) =>
          `${s.name} ${s.ok ? 'ok' : s.timedOut ? 'timed out' : 'failed'} ${secs(s.durationMs)}`,
      )
      .join(', '),
    m.smoke?.torch
      ? `torch ${m.smoke.torch}${m.smoke.cuda ? ` cuda ${m.smoke.cuda}` : ' cpu'}`
      : '-',
  ]);
  const plain = stripVTControlCharacters;
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(
      ...rows.map((r) => plain(r[i] ?? '').length),
      ['model', 'result', 'steps', 'smoke'][i]?.length ?? 0,
    ),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - plain(cell).length)))
      .join('  ')
      .trimEnd();
  return `${[c.bold(line(['model', 'result', 'steps', 'smoke'])), ...rows.map(line)].join('\n')}\n`;
}

/**
 * The problems of a build and the last lines of each failed step's log: diagnostics, for
 * stderr (the table goes to stdout). Empty when every model passed.
 */
export function buildDiagnostics(report: BuildReport, c: Palette): string {
  const failures = report.models.flatMap((m) =>
    m.problems.map(
      (p) =>
        `${c.red('error')}: ${p.message} ${c.dim(`[${p.ruleId}]`)}\n  ${c.cyan('fix:')} ${p.fix ?? ''}`,
    ),
  );
  const logs = report.models.flatMap((m) =>
    m.steps
      .filter((s) => !s.ok && s.log)
      .map((s) => `--- ${m.name}: ${s.name} (last lines) ---\n${s.log}`),
  );
  const parts = [...failures, ...(logs.length ? ['', ...logs] : [])];
  return parts.length > 0 ? `${parts.join('\n')}\n` : '';
}

export function junitXml(report: BuildReport): string {
  const esc = (text: string): string =>
    text
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .split('')
      .filter((ch) => ch >= ' ' || ch === '\n' || ch === '\t' || ch === '\r')
      .join('');
  const tests = report.models.reduce((n, m) => n + m.steps.length, 0);
  const failures = report.models.reduce((n, m) => n + m.steps.filter((s) => !s.ok).length, 0);
  const suites = report.models.map((m) => {
    const cases = m.steps.map((s) => {
      const problem = m.problems.find((p) =>
        p.ruleId.startsWith(s.name.includes('smoke') ? 'smoke/' : 'build/'),
      );
      const failure = s.ok
        ? ''
        : `\n      <failure message="${esc(problem?.message ?? `${s.name} failed`)}">${esc(s.log)}</failure>\n    `;
      return `    <testcase classname="envgen.build.${esc(m.name)}" name="${s.name}" time="${(s.durationMs / 1000).toFixed(3)}">${failure}</testcase>`;
    });
    const time = m.steps.reduce((t, s) => t + s.durationMs, 0) / 1000;
    return `  <testsuite name="${esc(m.name)}" tests="${m.steps.length}" failures="${m.steps.filter((s) => !s.ok).length}" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="envgen build" tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function stepSummaryMarkdown(report: BuildReport): string {
  const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const rows = report.models.map(
    (m) =>
      `| ${cell(m.name)} | ${m.ok ? '✅ ok' : '❌ failed'} | ${cell(m.steps.map((s) => `${s.name} ${s.ok ? 'ok' : 'failed'} (${secs(s.durationMs)})`).join(', '))} | ${cell(m.smoke?.torch ? `torch ${m.smoke.torch}, ${m.smoke.cuda ? `CUDA ${m.smoke.cuda}` : 'CPU'}` : '-')} |`,
  );
  const problems = report.models.flatMap((m) =>
    m.problems.map(
      (p) =>
        `- **${cell(m.name)}**: ${cell(p.message)} (\`${p.ruleId}\`); fix: ${cell(p.fix ?? '')}`,
    ),
  );
  return [
    `### envgen build: ${report.ok ? 'all models ok' : 'failed'}`,
    '',
    '| model | result | steps | smoke |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...problems,
    '',
  ].join('\n');
}
