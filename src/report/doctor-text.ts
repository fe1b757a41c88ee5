/** The doctor checklist: one line per check with a mark, and a `fix:` line under each problem. */

import type { DoctorReport } from '../doctor/check-machine.js';
import type { GpuInfo } from '../doctor/probe-driver.js';
import type { Palette } from './color.js';

type Entry = DoctorReport['problems'][number];

export function formatDoctor(report: DoctorReport, gpus: GpuInfo[], c: Palette): string {
  const mark = { ok: c.green('✓'), info: c.blue('i'), warning: c.yellow('!'), error: c.red('✗') };
  const lines: string[] = ['machine'];
  const finding = (entry: Entry): void => {
    lines.push(`  ${mark[entry.severity]} ${entry.message}`);
    if (entry.severity !== 'info' || entry.fix) lines.push(`      ${c.cyan('fix:')} ${entry.fix}`);
  };
  if (report.driver) {
    lines.push(
      `  ${mark.ok} driver ${report.driver}${report.maxCuda ? ` (supports CUDA up to ${report.maxCuda}; that is not an installed toolkit)` : ''}`,
    );
  }
  if (gpus.length > 0) {
    lines.push(`  ${mark.ok} ${gpus.length} GPU${gpus.length === 1 ? '' : 's'}:`);
    for (const gpu of gpus) {
      const cc = gpu.computeCapability
        ? `compute ${gpu.computeCapability}${gpu.capabilitySource === 'gpu-name' ? ' (from its name)' : ''}`
        : 'compute capability unknown';
      lines.push(
        `      ${gpu.index}: ${gpu.name}, ${cc}${gpu.memoryMiB ? `, ${gpu.memoryMiB} MiB` : ''}`,
      );
    }
  }
  if (report.conda) {
    lines.push(
      `  ${mark.ok} ${report.conda.kind} ${report.conda.version} (${report.conda.path})${report.conda.cuda ? `, detects __cuda=${report.conda.cuda}` : report.conda.cuda === null ? ', detects no CUDA (__cuda absent)' : ''}`,
    );
  }
  // A docker whose daemon does not answer is not a check passed: its problem line says so.
  if (report.docker?.version) {
    lines.push(
      `  ${mark.ok} docker ${report.docker.version}${report.docker.nvidiaRuntime ? ', NVIDIA runtime' : ''}${report.docker.nvidiaCtk ? `, nvidia-ctk ${report.docker.nvidiaCtk}` : ''}`,
    );
  }
  for (const problem of report.problems) finding(problem);
  for (const note of report.notes) lines.push(`  ${mark.info} ${note}`);
  if (report.models.length > 0) {
    lines.push('models');
    for (const model of report.models) {
      const what = `${model.name}: torch ${model.torch}, ${model.cuda === 'cpu' ? 'CPU build' : `CUDA ${model.cuda}`}`;
      const status = {
        ok: 'runs here',
        warning: 'runs here, with warnings',
        error: 'cannot run here',
      }[model.status];
      lines.push(`  ${mark[model.status]} ${what}: ${status}`);
      for (const problem of model.problems) {
        lines.push(
          `      ${mark[problem.severity]} ${problem.message.replace(`${model.name}: `, '')}`,
        );
        if (problem.severity !== 'info') lines.push(`          ${c.cyan('fix:')} ${problem.fix}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
