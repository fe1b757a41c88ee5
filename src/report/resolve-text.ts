/** Human output of `envgen resolve`: the pins first, then why, then what to watch. */

import { noCompatFloorText } from '../compat/fleet.js';
import type { ResolvedModel } from '../compat/resolve.js';
import type { Table } from '../compat/table.js';
import type { Palette } from './color.js';

/**
 * The models, then the sources their `[S3]`-style ids cite (the compatibility table's `sources`),
 * so the text explains itself.
 */
export function formatResolved(
  models: readonly ResolvedModel[],
  color: Palette,
  sources: Table['sources'],
): string {
  const cited = citedSources(models).filter((id) => sources[id]);
  const legend =
    cited.length > 0
      ? [
          `\n${color.dim('sources')}`,
          ...cited.map((id) => {
            const info = sources[id] as Table['sources'][string];
            return `  ${id.padEnd(5)} ${info.title} (${info.locator})`;
          }),
          '',
        ].join('\n')
      : '';
  return `${models.map((model) => formatModel(model, color)).join('\n')}${legend}`;
}

/** The source ids (S1, S27, ...) the models' text cites, in numeric order. */
function citedSources(models: readonly ResolvedModel[]): string[] {
  const ids = new Set<string>();
  for (const m of models) {
    for (const text of [...m.reasons, ...m.warnings, ...(m.archSources ?? [])]) {
      for (const match of text.matchAll(/\bS\d+\b/g)) ids.add(match[0]);
    }
  }
  return [...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

function formatModel(m: ResolvedModel, c: Palette): string {
  const build = m.cuda === 'cpu' ? 'cpu' : `cuda ${m.cuda}`;
  const lines = [
    `${c.bold(m.name)}: torch ${c.bold(m.torch)}, python ${m.python}, ${build}, from ${m.source} (${m.platform})`,
  ];
  const field = (label: string, value: string): void => {
    lines.push(`  ${c.dim(label.padEnd(13))}${value}`);
  };
  if (m.torchvision) field('torchvision', m.torchvision);
  if (m.torchaudio) field('torchaudio', m.torchaudio);
  field('channels', m.channels.join(', '));
  field('conda', m.dependencies.join(' '));
  if (m.pip.length > 0) field('pip', m.pip.join(' '));
  if (m.minDriver) {
    field(
      'driver',
      `>= ${m.minDriver.toolkit ?? '?'} (toolkit), ${m.minDriver.compat ? `>= ${m.minDriver.compat} (minor-version compatibility)` : noCompatFloorText(m.cuda)}`,
    );
  }
  if (m.cuda !== 'cpu')
    field(
      'archs',
      m.archs
        ? `${m.archs.join(' ')}${m.ptx ? ` +PTX ${m.ptx}` : ''} ${c.dim(`[${(m.archSources ?? []).join(', ')}]`)}`
        : 'not known (see why)',
    );
  if (m.observe) {
    const { settings, server, frameworks } = m.observe;
    field(
      'observe',
      [
        settings.metrics === 'prometheus' ? `metrics prometheus :${settings.metricsPort}` : '',
        settings.tracing === 'otlp' ? `tracing otlp (${settings.protocol})` : '',
        `server ${server}${frameworks.length > 0 ? ` (${frameworks.join(', ')})` : ''}`,
      ]
        .filter(Boolean)
        .join(', '),
    );
  }
  lines.push(`  ${c.dim('why')}`);
  for (const reason of m.reasons) lines.push(`    - ${reason}`);
  if (m.warnings.length > 0) {
    lines.push(`  ${c.yellow('note')}`);
    for (const warning of m.warnings) lines.push(`    ${c.yellow('!')} ${warning}`);
  }
  return `${lines.join('\n')}\n`;
}
