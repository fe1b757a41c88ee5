/**
 * torchvision and torchaudio pins as constraints on torch. envgen writes the torchvision and
 * torchaudio that pair with the torch it resolves, so `torchvision==0.16.2` alone is a way of
 * saying torch 2.1.2: the table's pairings turn each pin into the torch versions it allows.
 */
import type { Table } from '../compat/table.js';
import type { Problem } from '../problem.js';
import { parseVersionSpec } from '../versions/conda-version.js';
import { byDottedDescending } from '../versions/dotted.js';
import type { LibraryPin } from './detect/collector.js';
import { quote, splitWhere } from './detect/collector.js';

export type TorchConstraint =
  | { ok: true; spec?: string; evidence: string[] }
  | { ok: false; problem: Problem };

/**
 * The torch spec that satisfies the repo's torch pin (`torch`, from `torchWhere`) and every
 * library pin: the exact versions both allow, `2.1.0|2.1.1|2.1.2`. Unchanged without library
 * pins. A library pin no known torch pairs with, or two pins no torch satisfies together, is
 * a problem naming both lines.
 */
export function constrainTorch(
  table: Table,
  torch: { spec: string; where: string } | undefined,
  pins: readonly LibraryPin[],
): TorchConstraint {
  if (pins.length === 0) return { ok: true, ...(torch ? { spec: torch.spec } : {}), evidence: [] };
  const patches = table.releases.flatMap((release) => release.patches);
  const torchMatcher = torch ? parseVersionSpec(torch.spec) : undefined;
  let allowed = patches.filter((p) => !torchMatcher?.ok || torchMatcher.matcher.matches(p.version));
  const evidence: string[] = [];
  for (const pin of pins) {
    const matcher = parseVersionSpec(pin.spec);
    // The pytorch channel's line for 2.0.0 pins other library versions than pip's; either counts.
    const pairs = (p: (typeof patches)[number]) =>
      [p[pin.library], p.conda?.[pin.library]].some(
        (version) => matcher.ok && typeof version === 'string' && matcher.matcher.matches(version),
      );
    const alone = patches.filter(pairs);
    if (alone.length === 0) {
      const known = patches.map((p) => p[pin.library]).filter((v): v is string => Boolean(v));
      return {
        ok: false,
        problem: problemAt(
          pin.where,
          `${quote(pin.text)} pairs with no torch release envgen knows (it knows ${pin.library} ${known[0]} to ${known.at(-1)})`,
          `pass --torch X.Y to choose torch yourself (envgen then writes the ${pin.library} that pairs with it), or change the pin`,
        ),
      };
    }
    const both = allowed.filter(pairs);
    if (both.length === 0) {
      const other = torch
        ? `torch ${quote(torch.spec)} at ${torch.where}`
        : pins
            .filter((p) => p !== pin)
            .map((p) => `${quote(p.text)} at ${p.where}`)
            .join(', ');
      return {
        ok: false,
        problem: problemAt(
          pin.where,
          `${quote(pin.text)} pairs only with torch ${versionsText(alone)}, which ${other} does not allow`,
          `change one of the two lines, or pass --torch X.Y to choose torch yourself`,
        ),
      };
    }
    allowed = both;
    evidence.push(
      `torch ${versionsText(alone)}: what ${quote(pin.text)} (${pin.where}) pairs with`,
    );
  }
  const versions = [...new Set(allowed.map((p) => p.version))].sort(byDottedDescending);
  return { ok: true, spec: versions.join('|'), evidence };
}

/** The library pins a torch chosen by flag does not pair with: they are dropped, with a reason. */
export function pinsAgainst(
  table: Table,
  torchFlag: string,
  pins: readonly LibraryPin[],
): { pin: LibraryPin; reason: string }[] {
  const flag = parseVersionSpec(torchFlag);
  if (!flag.ok) return [];
  const patches = table.releases
    .flatMap((r) => r.patches)
    .filter((p) => flag.matcher.matches(p.version));
  return pins.flatMap((pin) => {
    const matcher = parseVersionSpec(pin.spec);
    const fits = patches.some((p) =>
      [p[pin.library], p.conda?.[pin.library]].some(
        (version) => matcher.ok && typeof version === 'string' && matcher.matcher.matches(version),
      ),
    );
    if (fits) return [];
    const paired = [...new Set(patches.map((p) => p[pin.library]).filter(Boolean))].join(', ');
    return [
      { pin, reason: `--torch ${torchFlag} pairs with ${pin.library} ${paired || 'none known'}` },
    ];
  });
}

/** `2.1.0, 2.1.1, 2.1.2` as `2.1.0-2.1.2`; a few versions listed. */
function versionsText(patches: readonly { version: string }[]): string {
  const versions = [...new Set(patches.map((p) => p.version))].sort(byDottedDescending).reverse();
  if (versions.length <= 3) return versions.join(', ');
  return `${versions[0]}-${versions.at(-1)}`;
}

function problemAt(where: string, message: string, fix: string): Problem {
  const { file, line } = splitWhere(where);
  return {
    ruleId: 'init/library-pin',
    severity: 'error',
    file,
    ...(line !== null ? { line } : {}),
    message,
    fix,
  };
}
