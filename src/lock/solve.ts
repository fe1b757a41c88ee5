/**
 * One solve with rattler (conda's match-spec semantics and the resolvo solver, compiled to
 * WASM): the environment's specs against its channels and the target's virtual packages, for
 * one platform plus noarch. The result is the list a lock records; the virtual packages the
 * solver used are left out, as conda leaves them out of `conda list --explicit`.
 */
import { createRequire } from 'node:module';

type Rattler = typeof import('@conda-org/rattler');

export interface LockedPackage {
  name: string;
  version: string;
  build: string;
  /** Where the package is downloaded from (the solver's address, until mapped back). */
  url: string;
  md5: string | null;
  sha256: string | null;
  subdir: string;
}

export type SolveOutcome =
  | { ok: true; packages: LockedPackage[] }
  /** The solver's own explanation: which spec needs what nothing provides. */
  | { ok: false; explanation: string };

let rattler: Rattler | undefined;

export async function solve(
  specs: readonly string[],
  channelUrls: readonly string[],
  platform: string,
): Promise<SolveOutcome> {
  // Loaded on first use: only `lock` pays for the WASM start-up.
  rattler ??= createRequire(import.meta.url)('@conda-org/rattler') as Rattler;
  try {
    const solved = await rattler.simpleSolve(
      [...specs],
      [...channelUrls],
      [platform as 'linux-64', 'noarch'],
      undefined,
    );
    const packages = solved
      .filter((p) => !p.packageName.startsWith('__'))
      .map((p) => ({
        name: p.packageName,
        version: p.version,
        build: p.build,
        url: p.url,
        md5: p.md5 ?? null,
        sha256: p.sha256 ?? null,
        subdir: p.subdir ?? platform,
      }));
    return { ok: true, packages: packages.sort((a, b) => a.name.localeCompare(b.name)) };
  } catch (error) {
    // rattler rejects with a string (its error's display text).
    return { ok: false, explanation: cleanExplanation(String(error)) };
  }
}

function cleanExplanation(text: string): string {
  return text
    .replace(/^Error:\s*/, '')
    .replace(/^Cannot solve the request because of:\s*/, '')
    .trimEnd();
}
