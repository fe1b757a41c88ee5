/**
 * The npm package as users get it (`npm test` builds first): the files `npm pack` puts in the
 * tarball, the metadata a registry shows, and the runtime dependencies. The CLI is bundled by
 * esbuild (scripts/build.mjs), so `dependencies` must be exactly the packages the bundle loads
 * from node_modules at run time; every other package is a devDependency. The last test unpacks
 * the tarball into a folder outside the repository with only those dependencies beside it, as
 * `npm install --omit=dev` lays them out, and runs commands that load each of them.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = new URL('../../', import.meta.url).pathname;

interface PackageJson {
  name: string;
  version: string;
  license: string;
  repository: { type: string; url: string };
  bugs: { url: string };
  homepage: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

async function packedFiles(): Promise<string[]> {
  // --ignore-scripts: `prepack` would build again; `npm test` has built dist/ already.
  const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
  });
  const [packed] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return packed.files.map((f) => f.path).sort();
}

/** The package a bare specifier names: `ajv/dist/runtime/equal` -> `ajv`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Packages the built files load from node_modules: static imports, require and createRequire. */
function loadedPackages(): Set<string> {
  const dist = join(ROOT, 'dist');
  // A specifier is a bare name with no spaces; `from` only where an import statement starts.
  const spec = '([@\\w][\\w@./:-]*)';
  const loads = new RegExp(
    [
      // The chunks are CommonJS (scripts/build.mjs): `(0, import_node_module.createRequire)(__envgenUrl)("ajv")`.
      `\\b(?:require|createRequire\\w*\\)?\\((?:import\\.meta\\.url|__envgenUrl)\\))\\(\\s*"${spec}"\\s*\\)`,
      `^\\s*(?:import|export)\\b[^;"']*?\\bfrom\\s*["']${spec}["']`,
      `\\bimport\\(\\s*["']${spec}["']\\s*\\)`,
      `^\\s*import\\s*["']${spec}["']`,
    ].join('|'),
    'gm',
  );
  const found = new Set<string>();
  for (const name of readdirSync(dist)) {
    const text = readFileSync(join(dist, name), 'utf8');
    for (const m of text.matchAll(loads)) {
      const specifier = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
      // node:sqlite and other newer built-ins are not isBuiltin on Node 20, but their prefix says so.
      if (specifier.startsWith('.') || specifier.startsWith('node:') || isBuiltin(specifier))
        continue;
      found.add(packageOf(specifier));
    }
  }
  return found;
}

describe('the npm package', () => {
  it('ships the CLI, its schemas and templates, the README and LICENSE; no source maps, sources or tests', async () => {
    const files = await packedFiles();
    const allowed =
      /^(LICENSE|README\.md|package\.json|bin\/envgen|bin\/package\.json|dist\/[\w-]+\.cjs|schemas\/[\w.-]+\.schema\.json|templates\/[\w.-]+\.hbs)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    const templates = readdirSync(join(ROOT, 'templates')).map((f) => `templates/${f}`);
    expect(files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'bin/envgen',
        // {"type": "commonjs"}: bin/envgen is CommonJS.
        'bin/package.json',
        'dist/envgen.cjs',
        'dist/code-cache.cjs',
        'dist/validators.cjs',
        'dist/templates.cjs',
        // The path of the schema URL `envgen init` writes (src/init/schema-ref.ts).
        'schemas/envgen.schema.json',
        'schemas/rules.schema.json',
        ...templates,
      ]),
    );
    // Every chunk the build wrote, and nothing else from dist/.
    const chunks = readdirSync(join(ROOT, 'dist')).map((f) => `dist/${f}`);
    expect(files.filter((f) => f.startsWith('dist/'))).toEqual(chunks.sort());
  });

  it('says where it lives and how it is licensed', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\)/);
    expect(pkg.repository.type).toBe('git');
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    const home = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(pkg.bugs.url).toBe(`${home}/issues`);
    expect(pkg.homepage).toBe(`${home}#readme`);
  });

  it('runs no script when it is installed (npm warns about each, `prepare` included)', () => {
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish'])
      expect(pkg.scripts[hook], hook).toBeUndefined();
    expect(pkg.optionalDependencies).toBeUndefined();
    // The build runs before packing instead, so a published tarball always holds dist/.
    expect(pkg.scripts.prepack).toBe('node scripts/build.mjs');
  });

  it('its dependencies are exactly the packages the bundle loads at run time', () => {
    expect([...loadedPackages()].sort()).toEqual(Object.keys(pkg.dependencies).sort());
    for (const name of Object.keys(pkg.dependencies))
      expect(pkg.devDependencies[name], name).toBeUndefined();
  });

  it('the internal-error message names the bugs URL (in the bundle)', async () => {
    const { main } = (await import(join(ROOT, 'dist/envgen.cjs'))) as {
      main: (argv: string[], io: unknown) => Promise<number>;
    };
    let stderr = '';
    const io = {
      cwd: ROOT,
      env: {},
      stdinIsTTY: false,
      hostPlatform: 'linux-64',
      // A write that fails in a way envgen does not expect: a bug as users would meet one.
      stdout: {
        isTTY: false,
        write: () => {
          throw new Error('boom');
        },
      },
      stderr: {
        isTTY: false,
        write: (text: string) => {
          stderr += text;
        },
      },
    };
    expect(await main(['--version'], io)).toBe(70);
    expect(stderr).toContain(`please report it at ${pkg.bugs.url}`);
    expect(stderr).toContain(`envgen ${pkg.version}`);
    expect(stderr).toContain('Error: boom');
  });

  it('installed with its dependencies alone (no devDependencies), every command loads', async () => {
    const dir = tmpDir();
    const packDir = join(dir, 'pack');
    mkdirSync(packDir);
    const { stdout } = await execa(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir],
      { cwd: ROOT },
    );
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    const modules = join(dir, 'prefix', 'node_modules');
    const target = join(modules, 'envgen');
    mkdirSync(target, { recursive: true });
    await execa('tar', ['-xzf', join(packDir, filename), '-C', target, '--strip-components=1']);
    // The runtime dependencies and theirs, copied from this checkout's node_modules, as npm
    // would install them (hoisted; a package's own nested node_modules comes with it).
    const queue = Object.keys(pkg.dependencies);
    const copied = new Set<string>();
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (copied.has(name)) continue;
      copied.add(name);
      const from = join(ROOT, 'node_modules', name);
      expect(existsSync(from), name).toBe(true);
      cpSync(from, join(modules, name), { recursive: true, dereference: true });
      const own = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      queue.push(...Object.keys(own.dependencies ?? {}));
    }
    const envgen = (args: string[], cwd = dir) =>
      execa('node', [join(target, 'bin/envgen'), ...args], {
        cwd,
        reject: false,
        env: { NO_COLOR: '1' },
      });

    expect((await envgen(['--version'])).stdout.trim()).toBe(pkg.version);
    const lockHelp = await envgen(['lock', '--help']);
    expect([lockHelp.exitCode, lockHelp.stdout.includes('--offline')]).toEqual([0, true]);
    // resolve: the table and rattler's WASM version parser.
    const resolved = await envgen(['resolve', '--torch', '2.1', '--cuda', '11.8', '--json']);
    expect(resolved.exitCode).toBe(0);
    expect(JSON.parse(resolved.stdout).models[0].torch).toBe('2.1.2');
    // init: the PEP 508 grammar (pip-requirements-js), the spec validator (Ajv's runtime).
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    writeFileSync(join(repo, 'requirements.txt'), 'torch==2.4.1\nflask==3.0.3\n');
    writeFileSync(
      join(repo, 'app.py'),
      'import torch\nfrom flask import Flask\napp = Flask(__name__)\n',
    );
    const init = await envgen(['init', '--yes', '--name', 'svc', '--cuda', '12.1'], repo);
    expect([init.exitCode, init.stderr]).toEqual([0, expect.any(String)]);
    expect((await envgen(['generate', '--check'], repo)).exitCode).toBe(0);
    // audit: the Dockerfile parser and every rule, on what init wrote.
    const audit = await envgen(['audit', '--json'], repo);
    expect(audit.exitCode).toBe(0);
    expect(JSON.parse(audit.stdout).summary).toBeDefined();
    // rules with a --rules file: the rules schema's validator.
    writeFileSync(join(dir, 'rules.yaml'), 'notes: ["checked by the package test"]\n');
    expect((await envgen(['rules', '--rules', join(dir, 'rules.yaml')])).exitCode).toBe(0);
    // lock, offline with no cache: it gets as far as the cache and says what is missing.
    const lock = await envgen(['lock', '--offline', '--json'], repo);
    expect(JSON.parse(lock.stdout).problems.map((p: { ruleId: string }) => p.ruleId)).toContain(
      'lock/not-cached',
    );
  });
});
