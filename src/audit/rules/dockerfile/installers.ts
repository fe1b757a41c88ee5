/**
 * pip and apt commands inside RUN: where `pip install` starts in a command
 * (`pip`, `pip3.11`, `python -m pip`, `conda run -n x pip`), its requirement arguments, and the
 * apt-get verb.
 */
import { basename, programOf } from './run-commands.js';
import type { ShellCommand } from './shell.js';

const PIP = /^pip(\d+(\.\d+)?)?$/;
/** pipx installs applications the way pip installs packages, with no cache of its own to clear. */
const PIPX = /^pipx$/;
/** A Python interpreter as a program name: `python`, `python3`, `python3.11`. */
export const PYTHON = /^python(\d+(\.\d+)?)?$/;

/** The index of `install` in a `pip install` command (`pipx install` too, with `pipx`), or -1. */
export function pipInstallIndex(command: ShellCommand, options: { pipx?: boolean } = {}): number {
  const program = programOf(command);
  if (program === 'echo' || program === 'printf' || program === 'uv') return -1;
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const word = basename(words[i] ?? '');
    let next = -1;
    const isPip = PIP.test(word) || (options.pipx === true && PIPX.test(word));
    if (isPip && basename(words[i - 1] ?? '') !== 'uv') next = i + 1;
    else if (PYTHON.test(word) && words[i + 1] === '-m' && words[i + 2] === 'pip') next = i + 3;
    else if (PYTHON.test(word) && words[i + 1] === '-mpip') next = i + 2;
    if (next < 0) continue;
    // pip's general options may come before the verb: `pip -q install`, `pip --no-cache-dir install`.
    while ((words[next] ?? '').startsWith('-')) next++;
    if (words[next] === 'install') return next;
  }
  return -1;
}

/** pip options that take a value as the next word. */
const PIP_VALUE_OPTIONS = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-e',
  '--editable',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--src',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--upgrade-strategy',
  '--only-binary',
  '--no-binary',
  '--progress-bar',
  '--proxy',
  '--trusted-host',
  '--cache-dir',
  '--log',
  '--python',
  '--report',
  '-C',
  '--config-settings',
  '--global-option',
  '--timeout',
  '--retries',
  '--exists-action',
  '--cert',
  '--client-cert',
  '--keyring-provider',
  '--use-feature',
  '--use-deprecated',
  '--root-user-action',
  '--build-option',
  '--install-option',
  '--group',
  '-b',
  '--build',
]);

export interface PipArguments {
  /** Requirement specifiers on the command line. */
  packages: string[];
  /** `-r` files. */
  requirements: string[];
  /** `-c` files. */
  constraints: string[];
  editable: string[];
}

export function pipArguments(command: ShellCommand, installIndex: number): PipArguments {
  const out: PipArguments = { packages: [], requirements: [], constraints: [], editable: [] };
  const words = command.words.slice(installIndex + 1);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word.startsWith('-')) {
      const [option = '', inline] = word.startsWith('--')
        ? word.split('=', 2)
        : [word.slice(0, 2), word.slice(2) || undefined];
      const value = inline ?? (PIP_VALUE_OPTIONS.has(option) ? words[++i] : undefined);
      if (value === undefined) continue;
      if (option === '-r' || option === '--requirement') out.requirements.push(value);
      else if (option === '-c' || option === '--constraint') out.constraints.push(value);
      else if (option === '-e' || option === '--editable') out.editable.push(value);
      continue;
    }
    out.packages.push(word);
  }
  return out;
}

const VERSION_SYMBOLS = ['==', '>=', '<=', '>', '<', '!=', '~=', '==='];

/**
 * Whether a requirement names a version (hadolint DL3013's test: any version comparison, a VCS
 * URL with `@ref`, a local path or archive), or cannot be judged here (`$VAR`).
 */
export function requirementPinned(requirement: string): boolean {
  const text = requirement.trim();
  if (text.includes('$')) return true;
  if (VERSION_SYMBOLS.some((s) => text.includes(s))) return true;
  if (/^(git|hg|svn|bzr)(\+|:)/.test(text))
    return text.replace(/^[a-z+]+:\/\/[^@/]*@/, '').includes('@');
  if (/ @ /.test(text) || /^[a-z]+:\/\//i.test(text)) return true;
  if (text === '.' || text.includes('/') || /\.(whl|tar\.gz|zip|tgz)$/.test(text)) return true;
  return false;
}

/** The apt verb of an `apt-get`/`apt`/`aptitude` command (`update`, `install`) and the program, if any. */
export function aptVerb(
  command: ShellCommand,
): { program: string; verb: string; index: number } | undefined {
  const program = programOf(command);
  if (program !== 'apt-get' && program !== 'apt' && program !== 'aptitude') return undefined;
  const words = command.words;
  let i = words.findIndex((w) => basename(w) === program) + 1;
  while (i < words.length) {
    const word = words[i] ?? '';
    if (word === '-o' || word === '-c' || word === '-t') i += 2;
    else if (word.startsWith('-')) i++;
    else break;
  }
  const verb = words[i];
  return verb ? { program, verb, index: i } : undefined;
}
