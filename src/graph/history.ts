/**
 * What the user asked conda for, read from an environment's `conda-meta/history`: conda and
 * micromamba end each transaction with `# update specs: [...]` (also `install`, `create`) or
 * `# remove specs: [...]`, a Python list of match specs. Later lines win: a package asked for,
 * then removed, is no longer asked for.
 */
import { dependencyName } from './names.js';

const SPECS_LINE = /^#\s*(update|install|create|remove|neutered)\s+specs:\s*(\[.*\])\s*$/;
const QUOTED = /'([^']*)'|"([^"]*)"/g;

/** The specs asked for and not removed since, in the order first asked. */
export function historySpecs(text: string): string[] {
  const specs = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = SPECS_LINE.exec(line.trim());
    if (!match) continue;
    const [, action, list] = match as unknown as [string, string, string];
    for (const quoted of list.matchAll(QUOTED)) {
      const spec = (quoted[1] ?? quoted[2] ?? '').trim();
      const name = dependencyName(spec);
      if (name === null) continue;
      if (action === 'remove') specs.delete(name);
      // A neutered spec is conda loosening one it had: it stands in for it, if still asked for.
      else if (action !== 'neutered' || specs.has(name)) specs.set(name, spec);
    }
  }
  return [...specs.values()];
}
