// Bundles the CLI into dist/ with esbuild: one file to load at start-up, plus chunks for what
// only some commands use. Dependencies are bundled too (resolving and reading a hundred small
// files from node_modules was most of start-up); those loaded through createRequire on first
// use (the WASM version parser, Ajv, the PEP 508 grammar) stay in node_modules.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: clear out the previous build's chunks.
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: { envgen: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@conda-org/rattler', 'ajv', 'pip-requirements-js'],
  // Bundled CommonJS dependencies (commander, handlebars) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __envgenRequire } from 'node:module'; const require = __envgenRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
});
