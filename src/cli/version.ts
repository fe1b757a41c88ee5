import pkg from '../../package.json';

/** envgen's own version, from package.json (bundled at build time). */
export const VERSION: string = pkg.version;

/** Where users report a bug (package.json's `bugs`), named by the internal-error message. */
export const BUGS_URL: string = pkg.bugs.url;
