/** Human output of `envgen rules`: a summary of every release, or one release in detail. */

import { driverFloors, noCompatFloorText } from '../compat/fleet.js';
import type { Table } from '../compat/table.js';
import type { Build, Release, Source } from '../rules-format.js';
import { SOURCES } from '../rules-format.js';
import { byDottedDescending } from '../versions/dotted.js';
import type { Palette } from './color.js';

const UNCONFIRMED = '?';

export function formatReleaseSummary(
  table: Table,
  releases: readonly Release[],
  c: Palette,
): string {
  const header = ['torch', 'python', 'pip', 'pytorch channel', 'conda-forge', 'torchvision'];
  const rows = releases.map((r) => {
    const newest = [...r.patches].sort((a, b) => byDottedDescending(a.version, b.version))[0];
    return [
      `${r.torch}${r.unconfirmed ? UNCONFIRMED : ''}${table.overridden.has(r.torch) ? '*' : ''}`,
      `${r.python.min}-${r.python.max}${r.python.unconfirmed ? UNCONFIRMED : ''}`,
      cudaList(r.builds, 'pip'),
      cudaList(r.builds, 'pytorch') || '-',
      cudaList(r.builds, 'conda-forge') || '-',
      newest?.torchvision
        ? `${newest.torchvision}${newest.unconfirmed?.torchvision ? UNCONFIRMED : ''}`
        : '-',
    ];
  });
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    c.bold(line(header)),
    ...rows.map(line),
    '',
    `CUDA builds per source (cpu builds not shown). ${UNCONFIRMED} = unconfirmed in the sources${table.overridden.size > 0 ? '; * = from your compat table' : ''}.`,
    'Details, with sources: envgen rules --torch X.Y',
    '',
  ].join('\n');
}

function cudaList(builds: readonly Build[], source: Source): string {
  return builds
    .filter((b) => b.source === source && b.cuda !== 'cpu')
    .map((b) => `${b.cuda}${b.unconfirmed ? UNCONFIRMED : ''}`)
    .filter((cuda, index, all) => all.indexOf(cuda) === index)
    .join(' ');
}

export function formatReleaseDetail(table: Table, r: Release, c: Palette): string {
  const out: string[] = [];
  const src = (ids: readonly string[]): string => c.dim(`[${ids.join(', ')}]`);
  out.push(`${c.bold(`torch ${r.torch}`)}  released ${r.released} ${src(r.sources)}`);
  for (const [field, note] of Object.entries(r.unconfirmed ?? {}))
    out.push(`  ${c.yellow('unconfirmed')} ${field}: ${note}`);
  const py = r.python;
  out.push(
    `  python       ${py.min}-${py.max}${py.experimental.length ? ` (experimental: ${py.experimental.join(', ')})` : ''} ${src(py.sources)}`,
  );
  if (py.discrepancy) out.push(`               sources disagree: ${py.discrepancy}`);
  for (const [field, note] of Object.entries(py.unconfirmed ?? {}))
    out.push(`               ${c.yellow('unconfirmed')} ${field}: ${note}`);
  out.push('  patches');
  for (const p of r.patches) {
    const pair = `torchvision ${p.torchvision ?? '-'}, torchaudio ${p.torchaudio ?? '-'}`;
    const conda = p.conda
      ? ` (pytorch channel: torchvision ${p.conda.torchvision}, torchaudio ${p.conda.torchaudio})`
      : '';
    out.push(`    ${p.version.padEnd(10)} ${pair}${conda} ${src(p.sources)}`);
    for (const [field, note] of Object.entries(p.unconfirmed ?? {}))
      out.push(`               ${c.yellow('unconfirmed')} ${field}: ${note}`);
  }
  out.push(
    `  pytorch channel: ${r.pytorchChannel ? `${r.pytorchChannel.mechanism} ${src(r.pytorchChannel.sources)}` : 'not published (the channel stopped at 2.5)'}`,
  );
  if (r.pypiDefaultCuda) {
    out.push(
      `  PyPI default: CUDA ${r.pypiDefaultCuda.cuda}${r.pypiDefaultCuda.unconfirmed ? ` (${c.yellow('unconfirmed')}: ${r.pypiDefaultCuda.unconfirmed})` : ''}`,
    );
  }
  out.push('  builds');
  for (const source of SOURCES) {
    for (const b of r.builds.filter((build) => build.source === source)) {
      out.push(
        `    ${source.padEnd(12)} ${b.cuda.padEnd(5)} ${b.platforms.join(', ').padEnd(25)} ${buildFacts(table, b)} ${src(b.sources)}`,
      );
      if (b.unconfirmed) out.push(`      ${c.yellow('unconfirmed')}: ${b.unconfirmed}`);
      if (b.cuda === 'cpu') continue;
      for (const platform of b.platforms) {
        const list = b.archs?.[platform];
        const where = `archs ${platform}:`.padEnd(28);
        if (list) {
          out.push(
            `      ${where}sm ${list.sass.join(' ')}${list.ptx ? ` +PTX ${list.ptx}` : ''} ${src(list.sources)}`,
          );
          if (list.unconfirmed) out.push(`        ${c.yellow('unconfirmed')}: ${list.unconfirmed}`);
        } else {
          out.push(
            `      ${where}not known: ${b.archsNotKnown?.[platform] ?? 'no source read yet'}`,
          );
        }
      }
    }
  }
  if (r.notes.length > 0) {
    out.push('  notes');
    for (const note of r.notes) out.push(`    - ${note}`);
  }
  out.push('  sources');
  for (const id of sourceIdsOf(r)) {
    const info = table.sources[id];
    out.push(
      `    ${id.padEnd(6)} ${info ? `${info.title} (${info.locator})` : 'not in the table'}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** Every source id a release cites, in order of first use. */
function sourceIdsOf(r: Release): string[] {
  const ids = new Set<string>(r.sources);
  const add = (list: readonly string[] | undefined): void => {
    for (const id of list ?? []) ids.add(id);
  };
  add(r.python.sources);
  for (const p of r.patches) add(p.sources);
  add(r.pytorchChannel?.sources);
  add(r.pypiDefaultCuda?.sources);
  for (const b of r.builds) {
    add(b.sources);
    for (const list of Object.values(b.archs ?? {})) add(list?.sources);
  }
  for (const q of r.requires ?? []) add(q.sources);
  return [...ids];
}

function buildFacts(table: Table, b: Build): string {
  if (b.cuda === 'cpu') return 'cpu';
  const floors = driverFloors(table, b.cuda);
  const compat = floors.compat ? `compat >= ${floors.compat.linux}` : noCompatFloorText(b.cuda);
  const driver = `driver >= ${floors.toolkit?.linux ?? '?'} (${compat})`;
  return `${driver}${b.patches ? `; only ${b.patches.join(', ')}` : ''}`;
}
