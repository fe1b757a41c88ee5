/**
 * Just enough shell to read a RUN line: split it into commands at `&&`, `||`, `;` and `|`
 * (outside quotes), each a list of words. Dockerfile rules reason about commands, not text.
 */
export interface ShellCommand {
  words: string[];
  /** The command as written. */
  text: string;
  /** The operator that follows it (`&&`, `||`, `;`, `|`), or null for the last. */
  next: string | null;
}

export function commandsOf(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  // Characters collect in arrays joined once per word and command: a string grown one
  // character at a time cost about 350 bytes of memory per byte of a long RUN line.
  let word: string[] = [];
  let text: string[] = [];
  let quote: '"' | "'" | null = null;
  const endWord = (): void => {
    if (word.length > 0) words.push(word.join(''));
    word = [];
  };
  const endCommand = (next: string | null): void => {
    endWord();
    if (words.length > 0) commands.push({ words, text: text.join('').trim(), next });
    words = [];
    text = [];
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else word.push(ch);
      text.push(ch);
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      text.push(ch);
      continue;
    }
    const after = script[i + 1];
    if (ch === '\\' && after === '\n') {
      i++;
      continue;
    }
    if ((ch === '&' || ch === '|') && after === ch) {
      endCommand(ch + ch);
      i++;
      continue;
    }
    if (ch === ';' || ch === '|' || ch === '\n') {
      endCommand(ch === '\n' ? ';' : ch);
      continue;
    }
    if (/\s/.test(ch)) endWord();
    else word.push(ch);
    text.push(ch);
  }
  endCommand(null);
  return commands;
}

/** The conda tool a command runs (`conda`, `mamba`, `micromamba`, by name or path), if any. */
export function condaTool(command: ShellCommand): 'conda' | 'mamba' | 'micromamba' | undefined {
  const program =
    (command.words.find((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w)) ?? '').split('/').at(-1) ?? '';
  return program === 'conda' || program === 'mamba' || program === 'micromamba'
    ? program
    : undefined;
}

/** The subcommand of a conda tool command (`install`, `env create` -> `env create`). */
export function condaVerb(command: ShellCommand): string | undefined {
  if (!condaTool(command)) return undefined;
  const args = command.words.slice(
    command.words.findIndex((w) => condaTool({ words: [w], text: w, next: null })) + 1,
  );
  const positional = args.filter((w) => !w.startsWith('-'));
  if (positional[0] === 'env') return `env ${positional[1] ?? ''}`.trim();
  return positional[0];
}
