/**
 * `envgen rollout` as text: the steps of a rollout (or rollback) and where it left `current`;
 * `--status`: each model's current and previous environments and whether its service answers.
 */
import type { RolloutReport } from '../rollout/rollout.js';
import type { ModelRolloutStatus } from '../rollout/status.js';
import type { Palette } from './color.js';
import { printable } from './problems.js';

const OUTCOME: Record<RolloutReport['outcome'], string> = {
  switched: 'switched',
  unchanged: 'unchanged (already current)',
  'not-switched': 'not switched',
  'rolled-back': 'rolled back',
  refused: 'refused',
};

export function formatRollout(report: RolloutReport, color: Palette): string {
  const out: string[] = [];
  for (const step of report.steps) {
    const mark = step.ok ? color.green('ok  ') : color.red('FAIL');
    out.push(`  ${mark} ${step.step.padEnd(17)} ${printable(step.detail ?? '')}`);
  }
  const outcome = report.ok
    ? color.green(OUTCOME[report.outcome])
    : color.red(OUTCOME[report.outcome]);
  out.push(
    `${color.bold(report.model)}: ${outcome}; current -> ${printable(report.to ?? report.from ?? '(none)')}`,
  );
  if (report.pruned.length > 0) out.push(`  removed: ${report.pruned.map(printable).join(', ')}`);
  out.push(color.dim(`  log: ${printable(report.log)}`));
  // A failed step's last lines, under the heading its problem's fix names (as `envgen build`).
  for (const step of report.steps.filter((s) => !s.ok && s.log)) {
    out.push(
      `--- ${report.model}: ${step.step} (last lines) ---`,
      ...(step.log ?? '').split('\n').map(printable),
    );
  }
  return `${out.join('\n')}\n`;
}

export function formatRolloutStatus(models: readonly ModelRolloutStatus[], color: Palette): string {
  const out: string[] = [];
  const when = (ms: number | null): string => (ms === null ? '?' : new Date(ms).toISOString());
  for (const model of models) {
    out.push(color.bold(model.name));
    for (const [label, env] of [
      ['current', model.current],
      ['previous', model.previous],
    ] as const) {
      out.push(
        env
          ? `  ${label.padEnd(9)} ${env.hash ?? '?'}  ${printable(env.path)}  switched ${when(env.switchedAt)}${env.exists ? '' : color.red('  (missing)')}`
          : `  ${label.padEnd(9)} ${color.dim('none')}`,
      );
    }
    if (model.service) {
      out.push(
        `  service   ${printable(model.service.url)}: ${model.service.answers ? color.green('answers') : color.red(`does not answer${model.service.status === null ? '' : ` (HTTP ${model.service.status})`}`)}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
