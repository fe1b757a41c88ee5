import pkg from '../../package.json';

/** envgen's own version, from package.json (bundled at build time). */
export const VERSION: string = pkg.version;
