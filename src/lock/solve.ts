/**
 * One solve with rattler (conda's match-spec semantics and the resolvo solver, compiled to
 * WASM): the environment's specs against its channels and the target's virtual packages, for
 * one platform plus noarch. The result is the list a lock records, in the order conda installs
 * it; the virtual packages the solver used are left out, as conda leaves them out of
 * `conda list --explicit`.
 */
import { guardWasmPanics, WasmPanic } from '../io.js';
import { loadRattler } from '../versions/rattler.js';

export interface LockedPackage {
  name: string;
  version: string;
  build: string;
  /** Where the package is downloaded from (the solver's address, until mapped back). */
  url: string;
  md5: string | null;
  sha256: string | null;
  subdir: string;
  /** Match specs of its dependencies (for the install order, and conda-lock.yml). */
  depends: string[];
  /** Size in bytes of the package archive (repodata `size`), where the channel gives it. */
  size: number | null;
}

/** A package of an earlier lock the solver should keep where the specs still allow it. */
export interface PreviousPackage {
  url: string;
  name: string;
  version: string;
  build: string;
}

export type SolveOutcome =
  | { ok: true; packages: LockedPackage[] }
  /** The solver's own explanation: which spec needs what nothing provides. */
  | { ok: false; explanation: string; panic?: false }
  /** The solver panicked (on repodata it could not handle) and cannot be used again. */
  | { ok: false; explanation: string; panic: true };

export async function solve(
  specs: readonly string[],
  channelUrls: readonly string[],
  platform: string,
  previous: readonly PreviousPackage[] = [],
): Promise<SolveOutcome> {
  const rattler = loadRattler();
  const locked = previous.map((p) => ({
    url: p.url,
    packageName: p.name,
    version: p.version,
    build: p.build,
    filename: p.url.slice(p.url.lastIndexOf('/') + 1),
    subdir: p.url.split('/').at(-2),
  }));
  const platforms: ['linux-64', 'noarch'] = [platform as 'linux-64', 'noarch'];
  try {
    let solved = await guardWasmPanics(() =>
      rattler.simpleSolve(
        [...specs],
        [...channelUrls],
        platforms,
        locked.length > 0 ? locked : undefined,
      ),
    );
    if (locked.length > 0) {
      // rattler gives a kept package back as it was handed in: no MD5, SHA-256, size or
      // dependencies. Solving again with each chosen package pinned exactly gives the same
      // packages with the channel's whole records (and, should a kept package be gone from
      // the channel, a fresh solve).
      const pins = solved
        .filter((p) => !p.packageName.startsWith('__'))
        .map((p) => `${p.packageName} ==${p.version} ${p.build}`);
      solved = await guardWasmPanics(() =>
        rattler.simpleSolve([...specs, ...pins], [...channelUrls], platforms, undefined),
      ).catch((error: unknown) => {
        if (error instanceof WasmPanic) throw error;
        return guardWasmPanics(() =>
          rattler.simpleSolve([...specs], [...channelUrls], platforms, undefined),
        );
      });
    }
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
        depends: p.depends ?? [],
        size: p.size === undefined ? null : Number(p.size),
      }));
    return { ok: true, packages: installOrder(packages) };
  } catch (error) {
    if (error instanceof WasmPanic) return { ok: false, explanation: error.detail, panic: true };
    // rattler rejects with a string (its error's display text).
    return { ok: false, explanation: cleanExplanation(String(error)) };
  }
}

/**
 * Dependencies before their dependents (python before what links against it), as
 * `conda list --explicit` writes them; ties by name in code-point order, so the file is the
 * same on every machine whatever its locale.
 */
export function installOrder(packages: readonly LockedPackage[]): LockedPackage[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const ordered: LockedPackage[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    // A cycle (rare, but conda allows them) is broken where it is found.
    if (state.has(name)) return;
    state.set(name, 'visiting');
    const p = byName.get(name) as LockedPackage;
    const deps = p.depends
      .map((spec) => /^[A-Za-z0-9_.-]+/.exec(spec.trim())?.[0] ?? '')
      .filter((dep) => byName.has(dep))
      .sort(byCodePoint);
    for (const dep of deps) visit(dep);
    state.set(name, 'done');
    ordered.push(p);
  };
  for (const name of [...byName.keys()].sort(byCodePoint)) visit(name);
  return ordered;
}

function cleanExplanation(text: string): string {
  return text
    .replace(/^Error:\s*/, '')
    .replace(/^Cannot solve the request because of:\s*/, '')
    .trimEnd();
}
