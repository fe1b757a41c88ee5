import type { ChalkInstance } from 'chalk';
import type { ResolvedModel } from '../compat/resolve.js';

/**
 * The resolver's warnings (unconfirmed data, minor-version compatibility, experimental Python,
 * PTX JIT) on stderr, so that generate, build and init say what resolve would have said.
 */
export function formatWarnings(models: readonly ResolvedModel[], color: ChalkInstance): string {
  return models
    .flatMap((m) => m.warnings.map((w) => `${color.yellow('warning')}: ${m.name}: ${w}\n`))
    .join('');
}
