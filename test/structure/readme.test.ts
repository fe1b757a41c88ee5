/**
 * The README against the CLI: every flag a command declares (src/cli/program.ts, read back
 * through each command's --help, which commander writes from the declarations) is in that
 * command's reference section, or in "Flags every command takes" when every command has it;
 * the `--rules` file example works; the schema URLs name this version.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

/**
 * The README's text from the heading line that starts with `heading` to the next heading of its
 * level or above; `#` lines inside code blocks are not headings.
 */
function section(heading: string): string {
  const lines = README.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const above = new RegExp(`^#{1,${level}} `);
  let fenced = false;
  let end = lines.length;
  for (let n = start + 1; n < lines.length; n++) {
    const line = lines[n] ?? '';
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced && above.test(line)) {
      end = n;
      break;
    }
  }
  return lines.slice(start, end).join('\n');
}

/** The flags a --help text lists under Options: `--torch`, `--no-vision`, `-y`. */
function flagsOf(help: string): string[] {
  const options = help.slice(help.indexOf('Options:'));
  const block = options.slice(0, options.search(/\n\n|$/));
  return [...block.matchAll(/^ {2}(?:(-\w), )?(--[a-z][\w-]*)/gm)].flatMap((m) =>
    m[1] ? [m[1], m[2] as string] : [m[2] as string],
  );
}

/** A flag is documented where it appears in backticks, alone or with its value. */
function documents(text: string, flag: string): boolean {
  return new RegExp(`\`${flag}(?:[ =][^\`]*)?\``).test(text);
}

async function help(args: string[]): Promise<string> {
  const result = await runEnvgen([...args, '--help']);
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

// Each command's --help, read at collection time so each command is a test of its own.
const top = await help([]);
const commands = [
  ...top.slice(top.indexOf('Commands:')).matchAll(/^ {2}([a-z]+) \[options\]/gm),
].map((m) => m[1] as string);
const flags = new Map<string, string[]>();
for (const command of commands) flags.set(command, flagsOf(await help([command])));
const common = (flags.get(commands[0] as string) ?? []).filter((flag) =>
  [...flags.values()].every((list) => list.includes(flag)),
);

describe('README: the command reference', () => {
  it('finds the commands and their flags', () => {
    expect(commands).toEqual(
      expect.arrayContaining(['resolve', 'init', 'generate', 'lock', 'build', 'doctor', 'audit']),
    );
    expect(common).toEqual(expect.arrayContaining(['--json', '--cwd', '-h', '--help']));
    expect(flags.get('init')).toEqual(expect.arrayContaining(['--no-vision', '-y', '--yes']));
  });

  it('documents the flags every command takes in one place, with --version', () => {
    const text = section('### Flags every command takes');
    const missing = [...common, ...flagsOf(top)].filter((flag) => !documents(text, flag));
    expect(missing).toEqual([]);
  });

  it.each(commands)('documents every flag of `envgen %s` in its section', (command) => {
    const text = section(`### \`envgen ${command}`);
    const own = (flags.get(command) ?? []).filter((flag) => !common.includes(flag));
    expect(own.filter((flag) => !documents(text, flag))).toEqual([]);
  });
});

describe('README: the --rules file format', () => {
  /** The first YAML block of the section. */
  const exampleText = (): string =>
    /```yaml\n([\s\S]*?)```/.exec(section('## The `--rules` file format'))?.[1] ?? '';

  it('its example is a table envgen takes with `rules --rules` and `resolve --rules`', async () => {
    const example = exampleText();
    expect(example).toContain('releases:');
    const dir = tmpDir({ 'my-table.yaml': example });
    const rules = await runEnvgen(
      ['rules', '--rules', 'my-table.yaml', '--torch', '2.15', '--json'],
      {
        cwd: dir,
      },
    );
    expect([rules.exitCode, rules.stderr]).toEqual([0, '']);
    expect(rules.stdout).toContain('"2.15.0"');
    const resolved = await runEnvgen(
      ['resolve', '--rules', 'my-table.yaml', '--torch', '2.15', '--gpu', '8.0', '--json'],
      { cwd: dir },
    );
    expect(resolved.exitCode).toBe(0);
    const [model] = JSON.parse(resolved.stdout).models;
    expect([model.torch, model.cuda, model.source]).toEqual(['2.15.0', '13.2', 'pip']);
    expect(model.archs).toContain('12.0');
  });

  it('an example that breaks the format is refused, so the test above can fail', async () => {
    const example = exampleText();
    const broken = example.replace('released:', 'releaset:');
    expect(broken).not.toBe(example);
    const dir = tmpDir({ 'my-table.yaml': broken });
    const result = await runEnvgen(['rules', '--rules', 'my-table.yaml'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('[rules/unknown-key]');
  });
});

describe('README: schema URLs', () => {
  it('name the schemas of this version, as `envgen init` writes them', () => {
    const urls = [...README.matchAll(/https:\/\/cdn\.jsdelivr\.net\/npm\/envgen@([\w.-]+)\//g)];
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.map((m) => m[1]).filter((v) => v !== version)).toEqual([]);
  });
});
