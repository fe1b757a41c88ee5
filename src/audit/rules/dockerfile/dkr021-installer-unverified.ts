import type { DockerInstruction } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { programOf, runCommands, runScript } from './run-commands.js';

/** Miniforge / Mambaforge / Miniconda / Anaconda installers and micromamba downloads. */
const INSTALLER = /(miniforge|mambaforge|miniconda|anaconda3?-\d|micro\.mamba\.pm|micromamba)/i;
const DOWNLOADERS = new Set(['curl', 'wget', 'aria2c']);
const SUM_TOOLS = new Set(['sha256sum', 'sha512sum', 'shasum', 'sha384sum']);

export const dkr021 = defineRule<'dockerfile'>({
  id: 'DKR021',
  name: 'installer-unverified',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'A conda installer (Miniforge, Miniconda, micromamba) is downloaded and run without checking its checksum.',
  docs: [
    'The installer runs as root and decides every binary of the environment. Without a checksum a compromised mirror,',
    'a moved `latest` URL or a truncated download goes straight into the image (**envgen-native**; Miniforge and',
    'Miniconda publish a SHA-256 next to each installer).',
    '',
    'Not reported when the stage verifies a checksum (`sha256sum -c`, `shasum -a 256 -c`, a `sha256sum` compared',
    'with a literal hash, `gpg --verify`), or when `ADD --checksum=sha256:...` downloads it. Piping the download',
    'straight into a shell can never be verified.',
    '',
    'Fix: download to a file, then `echo "<sha256>  Miniforge3.sh" | sha256sum -c -` before running it; or use the',
    '`condaforge/miniforge3` / `mambaorg/micromamba` image pinned by digest.',
  ].join('\n'),
  check(context, report) {
    for (const stage of context.stages) {
      const verified = stage.instructions.some((i) => i.keyword === 'RUN' && verifies(i));
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'ADD') {
          const sources = instruction.args.split(/\s+/).slice(0, -1);
          const url = sources.find((s) => /^https?:\/\//.test(s) && INSTALLER.test(s));
          if (!url || verified || instruction.flags.some((f) => f.name === 'checksum')) continue;
          report({
            line: instruction.line,
            column: instruction.column,
            message: `ADD downloads the installer ${url} without a checksum`,
            fix: 'add `--checksum=sha256:<hash>` to the ADD (BuildKit), or verify it with `sha256sum -c` before running it',
          });
        }
        if (instruction.keyword !== 'RUN') continue;
        const commands = runCommands(instruction);
        for (const [index, command] of commands.entries()) {
          if (!DOWNLOADERS.has(programOf(command))) continue;
          const url = command.words.find((w) => INSTALLER.test(w));
          if (!url) continue;
          const next = commands[index + 1];
          const piped =
            command.next === '|' && next && ['sh', 'bash', 'zsh'].includes(programOf(next));
          if (verified && !piped) continue;
          report({
            line: command.line,
            column: command.column,
            message: piped
              ? `the installer from ${url} is piped straight into ${programOf(next)}: it cannot be checked before it runs`
              : `the installer from ${url} is downloaded without a checksum check`,
            fix: 'download to a file and check it first: `echo "<sha256>  <file>" | sha256sum -c -` (the hash is published next to the installer)',
          });
        }
      }
    }
    return undefined;
  },
});

/** Whether a RUN checks a checksum or a signature. */
function verifies(instruction: DockerInstruction): boolean {
  const commands = runCommands(instruction);
  const check = commands.some((c) => {
    const program = programOf(c);
    if (SUM_TOOLS.has(program))
      return c.words.some((w) => w === '-c' || w === '--check' || /^-[a-zA-Z]*c$/.test(w));
    if (program === 'gpg' || program === 'gpgv')
      return program === 'gpgv' || c.words.includes('--verify');
    return false;
  });
  if (check) return true;
  // `test "$(sha256sum f | cut -d' ' -f1)" = "<hash>"` and the like: a sum next to a literal hash.
  const script = runScript(instruction) ?? '';
  return /\bsha(256|384|512)?sum\b|\bshasum\b/.test(script) && /\b[0-9a-f]{64,128}\b/i.test(script);
}
