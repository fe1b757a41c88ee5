// Bundles the CLI into dist/ with esbuild: one file to load at start-up, plus chunks for what
// only some commands use. Dependencies are bundled too (resolving and reading a hundred small
// files from node_modules was most of start-up); those loaded through createRequire on first
// use (the WASM version parser, Ajv, the PEP 508 grammar) stay in node_modules.
//
// package.json's `dependencies` are exactly the packages left in node_modules: they are the
// externals here, and every other package is bundled, so it is a devDependency. A package
// loaded at run time must be listed there (test/structure/package.test.ts runs the packed
// tarball with only them installed).
//
// Source maps are off: the package does not ship them, and `--enable-source-maps` would cost
// every start (they are parsed as each chunk loads). ENVGEN_SOURCEMAP=1 writes them, inline, for
// debugging the bundle (`node --enable-source-maps bin/envgen ...`).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build, transform } from 'esbuild';

// envgen's own JSON (the compat table is 160 KB) goes into the bundle as a JSON.parse of a
// string rather than an object literal: V8 parses JSON several times faster than JavaScript,
// and a literal is parsed even by commands that never read it. Every import of these files is
// a default import, so nothing is lost to tree-shaking.
const jsonAsParse = {
  name: 'json-as-parse',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.json$/ }, ({ path }) => {
      if (path.includes('/node_modules/')) return undefined;
      const text = JSON.stringify(JSON.parse(readFileSync(path, 'utf8')));
      return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

// commander require()s node:child_process when it loads, for the executable subcommands (a
// separate program per subcommand) that envgen does not have; with it come net, dgram and
// streams, about 2 ms of every start on Node 20. It is required when commander first spawns
// one, which envgen never does. The build fails if commander's line is not found.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      const line = "const childProcess = require('node:child_process');";
      if (!text.includes(line)) throw new Error(`${path}: no \`${line}\` to make lazy`);
      const lazy =
        "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: text.replace(line, lazy), loader: 'js' };
    });
  },
};

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

// What names this build (ENVGEN_BUILD_ID): the hash of everything the bundle is made from, so
// caches of what a build computed (src/spec/spec-cache.ts) are never read by another build.
const buildInputs = ['package.json', 'package-lock.json', 'scripts', 'schemas', 'src', 'templates'];
function filesUnder(path) {
  const entries = readdirSync(path, { withFileTypes: true });
  return entries.flatMap((entry) => {
    const child = `${path}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(child) : entry.isFile() ? [child] : [];
  });
}
const buildHash = createHash('sha256');
for (const input of buildInputs) {
  const files = statSync(input).isDirectory() ? filesUnder(input).sort() : [input];
  for (const file of files) buildHash.update(`${file}\0`).update(readFileSync(file)).update('\0');
}
const buildId = buildHash.digest('hex').slice(0, 16);

// Chunk names carry content hashes: clear out the previous build's chunks.
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');

// esbuild splits ES modules only; its chunks are then made CommonJS one by one (below), so that
// bin/envgen can compile each through node:vm with a V8 code cache (src/cli/code-cache.ts): Node
// 20 has no compile cache for modules, and none of Node's caches hold the functions compiled
// lazily while a command runs. Hence `.cjs` names from the start, so imports name them.
const { outputFiles } = await build({
  entryPoints: { envgen: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  write: false,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: Object.keys(pkg.dependencies ?? {}),
  define: { ENVGEN_BUILD_ID: JSON.stringify(buildId) },
  plugins: [jsonAsParse, lazyChildProcess],
  alias: {
    // yaml's ES-module build (the same code its package exports to browsers; its only difference
    // is that a library warning goes to console.warn rather than process.emitWarning, both
    // stderr): esbuild leaves out what envgen never calls (stringifying), and no CommonJS
    // wrapper runs at start-up; resolve loads 190 KB less.
    yaml: './node_modules/yaml/browser/dist/index.js',
    // dockerfile-ast require()s these two. Their ES module builds (esbuild's default `module`
    // condition) would reach it wrapped in getters, one call per use of Range.create or
    // Position.create (thousands per Dockerfile): they are bundled as Node's require() finds
    // them, CommonJS, plain objects.
    ...Object.fromEntries(
      ['vscode-languageserver-types', 'vscode-languageserver-textdocument'].map((name) => [
        name,
        createRequire(createRequire(import.meta.url).resolve('dockerfile-ast')).resolve(name),
      ]),
    ),
  },
  sourcemap: process.env.ENVGEN_SOURCEMAP === '1' ? 'inline' : false,
  logLevel: 'warning',
});
// Each chunk as CommonJS: imports become require() of the sibling chunk (a property read per use,
// so bindings stay live), import() a require() in a promise (a chunk compiled by node:vm has no
// module loader for import()), and import.meta.url the file's own URL. Bundled CommonJS packages
// (commander, handlebars) require() Node's built-ins through the same `require`.
for (const file of outputFiles) {
  const { code } = await transform(file.text, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    define: { 'import.meta.url': '__envgenUrl' },
    supported: { 'dynamic-import': false },
    sourcemap: process.env.ENVGEN_SOURCEMAP === '1' ? 'inline' : false,
    sourcefile: file.path,
    logLevel: 'warning',
  });
  const url = code.includes('__envgenUrl')
    ? 'var __envgenUrl = require("node:url").pathToFileURL(__filename).href;\n'
    : '';
  writeFileSync(file.path, `${url}${code}`);
}

// The JSON Schemas' validators, compiled now rather than at every start (Ajv's compiler is most
// of the time a spec validation takes). CommonJS, so the CLI can load it synchronously.
const { default: Ajv } = await import('ajv');
const { default: standaloneCode } = await import('ajv/dist/standalone/index.js');
// The same options as src/schemas.ts uses at run time, so both validate alike.
const options = JSON.parse(readFileSync('scripts/ajv-options.json', 'utf8'));
const ajv = new Ajv({ ...options, code: { source: true } });
ajv.addSchema(JSON.parse(readFileSync('schemas/rules.schema.json', 'utf8')), 'rules.schema.json');
ajv.addSchema(JSON.parse(readFileSync('schemas/envgen.schema.json', 'utf8')), 'envgen.schema.json');
// The templates, compiled now too (src/render/templates.ts loads them): the bundle then carries
// Handlebars' runtime only, not its compiler (and the source-map library the compiler pulls in).
const { default: Handlebars } = await import('handlebars');
const templateOptions = JSON.parse(readFileSync('scripts/handlebars-options.json', 'utf8'));
const templateFiles = readdirSync('templates').filter((file) => file.endsWith('.hbs'));
writeFileSync(
  'dist/templates.cjs',
  `"use strict";\n${templateFiles
    .map(
      (file) =>
        `exports[${JSON.stringify(file.slice(0, -'.hbs'.length))}] = ${Handlebars.precompile(
          readFileSync(`templates/${file}`, 'utf8'),
          templateOptions,
        )};`,
    )
    .join('\n')}\n`,
);
// Bundled with the two helpers of Ajv's runtime it require()s, so loading it resolves nothing
// in node_modules, and Ajv itself is needed only to run from source (src/schemas.ts).
await build({
  stdin: {
    contents: standaloneCode(ajv, { envgen: 'envgen.schema.json', rules: 'rules.schema.json' }),
    resolveDir: '.',
    loader: 'js',
  },
  outfile: 'dist/validators.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

// The loader bin/envgen require()s (src/cli/code-cache.ts), with the content hash of each file it
// loads, which names the file's code cache: a cache is only read for the file it was made from.
const hashes = Object.fromEntries(
  readdirSync('dist')
    .filter((name) => name.endsWith('.cjs'))
    .map((name) => [
      name,
      createHash('sha256')
        .update(readFileSync(`dist/${name}`))
        .digest('hex')
        .slice(0, 16),
    ]),
);
await build({
  entryPoints: ['src/cli/code-cache.ts'],
  outfile: 'dist/code-cache.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { ENVGEN_CHUNK_HASHES: JSON.stringify(hashes) },
  logLevel: 'warning',
});
