import { compareDriver, driverFloors } from '../../../compat/fleet.js';
import type { CompatFloor } from '../../../rules-format.js';
import type { Position } from '../../../spec/types.js';
import type { Finding, SpecContext } from '../../types.js';
import { defineRule } from '../define-rule.js';

interface Below {
  at: Position;
  models: string[];
  cuda: string;
  floor: CompatFloor;
}

function check(ctx: SpecContext): Finding[] {
  const { spec, locate } = ctx.spec;
  const driver = spec.fleet?.driver;
  if (!driver) return [];
  // The same table the resolver used, so a `compat:` overlay moves the floors here too.
  const table = ctx.project.table;
  // Asked for only when a finding needs it: from the spec cache, a position parses the YAML.
  const fallback = (): Position =>
    locate(['fleet', 'driver']) ?? locate(['fleet']) ?? { line: 1, column: 1 };
  const found = new Map<string, Below>();
  const add = (at: Position, model: string, cuda: string, floor: CompatFloor): void => {
    const key = `${at.line}:${at.column}:${floor.cudaMajor}`;
    const entry = found.get(key) ?? { at, models: [], cuda, floor };
    entry.models.push(model);
    found.set(key, entry);
  };
  const floors = [...table.compatFloors].sort((a, b) => compareDriver(a.linux, b.linux));
  for (const [name, model] of Object.entries(spec.models ?? {})) {
    const resolved = ctx.project.models.find((m) => m.name === name);
    const asked = model.cuda ?? spec.defaults?.cuda;
    const cuda = resolved?.cuda ?? asked ?? 'auto';
    if (cuda === 'cpu') continue;
    if (cuda === 'auto') {
      // The resolver found no CUDA build for this driver; say so only when no family at all runs.
      const lowest = floors[0];
      if (!resolved && lowest && compareDriver(driver, lowest.linux) < 0) {
        add(fallback(), name, 'auto', lowest);
      }
      continue;
    }
    const floor = driverFloors(table, cuda).compat;
    if (!floor || compareDriver(driver, floor.linux) >= 0) continue;
    const at =
      (model.cuda ? locate(['models', name, 'cuda']) : undefined) ??
      (spec.defaults?.cuda ? locate(['defaults', 'cuda']) : undefined) ??
      fallback();
    add(at, name, cuda, floor);
  }
  const runnable = floors
    .filter((f) => compareDriver(driver, f.linux) >= 0)
    .map((f) => f.cudaMajor)
    .at(-1);
  return [...found.values()]
    .sort((a, b) => a.at.line - b.at.line)
    .map(({ at, models, cuda, floor }) => {
      const names = `model${models.length > 1 ? 's' : ''} ${models.map((m) => `'${m}'`).join(', ')}`;
      const which =
        cuda === 'auto'
          ? `so no CUDA build runs on it, and ${names} ask${models.length > 1 ? '' : 's'} for one (cuda: auto)`
          : `but ${names} use${models.length > 1 ? '' : 's'} CUDA ${cuda}`;
      return {
        line: at.line,
        column: at.column,
        message: `fleet driver ${driver} is below ${floor.linux}, the oldest driver that runs CUDA ${floor.cudaMajor}.x (minor-version compatibility floor), ${which}`,
        fix: `upgrade the fleet to driver >= ${floor.linux} and set fleet.driver${runnable ? `, or use a CUDA ${runnable}.x build (cuda: auto picks the newest this driver runs)` : ''}`,
      };
    });
}

export const spec002 = defineRule<'spec'>({
  id: 'SPEC002',
  name: 'driver-floor',
  target: 'spec',
  severity: 'warning',
  description:
    "The fleet's oldest driver (fleet.driver) is at or above the driver floor of the CUDA major each model uses.",
  docs: `A CUDA build runs on a driver of its own major family or newer: NVIDIA's minor-version compatibility floors are 13.x >= 580, 12.x >= 525 and 11.x >= 450.80.02 ("CUDA Minor Version Compatibility", Table 1, docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html). Below the floor, \`torch.cuda.is_available()\` is False or the first kernel fails with "driver too old".

The floors come from envgen's compatibility table (with the spec's \`compat:\` overlay), not from this rule. The rule reports on the model's \`cuda:\` (or \`defaults.cuda\`), and on \`fleet.driver\` when \`cuda: auto\` finds no CUDA family that this driver runs.

Fix: upgrade the fleet's driver and update \`fleet.driver\`, or choose a CUDA version of a family the driver runs (\`cuda: auto\` picks the newest).`,
  check,
});
