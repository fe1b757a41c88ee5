import type { ResolvedModel } from '../compat/resolve.js';
import type { Palette } from './color.js';

/**
 * The resolver's warnings (unconfirmed data, minor-version compatibility, experimental Python,
 * PTX JIT) on stderr, so that generate, build and init say what resolve would have said: one
 * line per distinct warning, naming the models it concerns (a spec of 400 models on one torch
 * release would otherwise print the same line 400 times).
 */
export function formatWarnings(models: readonly ResolvedModel[], color: Palette): string {
  const byText = new Map<string, string[]>();
  for (const model of models) {
    for (const warning of model.warnings)
      byText.set(warning, [...(byText.get(warning) ?? []), model.name]);
  }
  return [...byText]
    .map(([warning, names]) => {
      const who =
        names.length <= 3
          ? names.join(', ')
          : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
      return `${color.yellow('warning')}: ${who}: ${warning}\n`;
    })
    .join('');
}
