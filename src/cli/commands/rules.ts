/** `envgen rules`: what the compatibility table knows, readably. */
import { join, resolve as resolvePath } from 'node:path';
import { loadOverlayFile } from '../../compat/load-overlay.js';
import { compatTable } from '../../compat/table.js';
import { usageError } from '../../problem.js';
import { writeJson } from '../../report/json.js';
import { formatReleaseDetail, formatReleaseSummary } from '../../report/rules-text.js';
import type { RulesOverlay } from '../../rules-format.js';
import { loadSpec, SPEC_FILE } from '../../spec/load-spec.js';
import { parseVersionSpec } from '../../versions/conda-version.js';
import { byDottedDescending } from '../../versions/dotted.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

export interface RulesFlags {
  /** Releases to show in detail, e.g. 2.4 or '>=2.8'. */
  torch?: string;
  rules?: string;
}

export async function runRules(ctx: CommandContext, flags: RulesFlags): Promise<number> {
  const overlays: RulesOverlay[] = [];
  const specPath = join(ctx.root, SPEC_FILE);
  if (await ctx.io.exists(specPath)) {
    const { spec } = await loadSpec(ctx.io, specPath);
    if (spec.compat) overlays.push(spec.compat);
  }
  if (flags.rules)
    overlays.push(await loadOverlayFile(ctx.io, resolvePath(ctx.io.cwd, flags.rules)));
  const table = compatTable(overlays);
  const releases = [...table.releases].sort((a, b) => byDottedDescending(a.torch, b.torch));

  if (flags.torch === undefined) {
    if (ctx.json) {
      const { overridden: _overridden, ...plain } = table;
      writeJson(ctx.io, { ...plain, releases });
    } else {
      ctx.io.stdout.write(formatReleaseSummary(table, releases, ctx.color));
    }
    return EXIT.ok;
  }

  const parsed = parseVersionSpec(flags.torch);
  if (!parsed.ok) {
    throw usageError(
      'usage/invalid-flag',
      `--torch '${flags.torch}' is not a conda version spec`,
      "write e.g. 2.4, 2.4.1 or '>=2.8'",
    );
  }
  const selected = releases.filter((r) => r.patches.some((p) => parsed.matcher.matches(p.version)));
  if (selected.length === 0) {
    throw usageError(
      'rules/unknown-torch',
      `no known torch release matches '${flags.torch}'`,
      `known releases: ${[...releases]
        .reverse()
        .map((r) => r.torch)
        .join(', ')}`,
    );
  }
  if (ctx.json) {
    const cudas = new Set(selected.flatMap((r) => r.builds.map((b) => b.cuda)));
    const drivers = table.drivers.filter((d) => cudas.has(d.cuda));
    writeJson(ctx.io, { releases: selected, drivers, compatFloors: table.compatFloors });
  } else {
    ctx.io.stdout.write(
      selected.map((release) => formatReleaseDetail(table, release, ctx.color)).join('\n'),
    );
  }
  return EXIT.ok;
}
