/** Human output of `envgen resolve`: the pins first, then why, then what to watch. */
import type { ChalkInstance } from 'chalk';
import { noCompatFloorText } from '../compat/fleet.js';
import type { ResolvedModel } from '../compat/resolve.js';

export function formatResolved(models: readonly ResolvedModel[], color: ChalkInstance): string {
  return models.map((model) => formatModel(model, color)).join('\n');
}

function formatModel(m: ResolvedModel, c: ChalkInstance): string {
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
  lines.push(`  ${c.dim('why')}`);
  for (const reason of m.reasons) lines.push(`    - ${reason}`);
  if (m.warnings.length > 0) {
    lines.push(`  ${c.yellow('note')}`);
    for (const warning of m.warnings) lines.push(`    ${c.yellow('!')} ${warning}`);
  }
  return `${lines.join('\n')}\n`;
}
