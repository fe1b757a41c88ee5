/**
 * rattler (conda's version, match-spec and solver logic compiled to WASM), loaded on first use
 * and once per process: commands that never match a version or solve do not pay for the WASM
 * start-up.
 */
import { createRequire } from 'node:module';

export type Rattler = typeof import('@conda-org/rattler');

let rattler: Rattler | undefined;

export function loadRattler(): Rattler {
  // The CommonJS build instantiates the WASM synchronously and starts faster than the ESM one.
  rattler ??= createRequire(import.meta.url)('@conda-org/rattler') as Rattler;
  return rattler;
}
