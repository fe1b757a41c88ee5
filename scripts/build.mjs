// Bundles the CLI into dist/ with esbuild. Our own modules are bundled (one file to load at
// start-up, plus chunks for what only some commands use); dependencies stay in node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: { envgen: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
