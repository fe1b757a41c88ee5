/**
 * `envgen drift` as text: for each model, its environment and lock, one line per package or
 * file that drifted, and a count.
 */
import type { ModelDrift, PackageDrift } from '../drift/check-drift.js';
import type { Palette } from './color.js';
import { printable } from './problems.js';

const LABEL = {
  missing: 'missing',
  extra: 'extra',
  mismatch: 'mismatch',
  altered: 'changed',
  deleted: 'deleted',
  unreadable: 'unreadable',
} as const;

const side = (s: PackageDrift['locked']): string =>
  s ? [s.version, s.build].filter((x) => x !== null && x !== '').join(' ') : '';

function packageLine(d: PackageDrift): string {
  if (d.kind === 'missing') return `${d.name} ${side(d.locked)}`.trim();
  if (d.kind === 'extra') return `${d.name} ${side(d.installed)}`.trim();
  const parts = d.differs.map((field) =>
    field === 'md5'
      ? 'md5 differs'
      : `${field} ${d.locked?.[field as 'version'] ?? '?'} -> ${d.installed?.[field as 'version'] ?? '?'}`,
  );
  return `${d.name}: ${parts.join(', ')}`;
}

export function formatDrift(models: readonly ModelDrift[], color: Palette): string {
  const out: string[] = [];
  for (const model of models) {
    const against = model.lock ? `against ${model.lock}` : 'no lock: files only';
    out.push(`${color.bold(model.name)}  ${printable(model.prefix)}  ${color.dim(against)}`);
    const lines = [
      ...model.packages.map((d) => ({ kind: d.kind, manager: d.manager, text: packageLine(d) })),
      ...model.files.map((f) => ({
        kind: f.kind,
        manager: f.manager,
        text: `${f.package}: ${f.path}`,
      })),
    ];
    for (const line of lines) {
      const mark = line.kind === 'unreadable' ? color.yellow('!') : color.red('✗');
      out.push(
        `  ${mark} ${LABEL[line.kind].padEnd(10)} ${line.manager.padEnd(5)} ${printable(line.text)}`,
      );
    }
    const { conda, pip, filesChecked } = model.counts;
    const counted = `${conda} conda package${conda === 1 ? '' : 's'}, ${pip} pip distribution${pip === 1 ? '' : 's'}, ${filesChecked} file${filesChecked === 1 ? '' : 's'} checked`;
    const drifted = lines.filter((l) => l.kind !== 'unreadable').length;
    out.push(
      drifted === 0
        ? `  ${color.green('✓')} no drift: ${counted}`
        : `  ${drifted} drifted: ${counted}`,
    );
    out.push('');
  }
  return `${out.join('\n')}`;
}
