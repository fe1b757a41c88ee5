/**
 * The flags a command declares are checked against the flags its module takes, by tsc (`npm run
 * typecheck` covers test/): each `@ts-expect-error` below fails the type check if the line it
 * marks ever type-checks. At run time, the wiring imports the module, builds the context from
 * the common flags and sets the exit code.
 */
import { EventEmitter } from 'node:events';
import { Command } from '@commander-js/extra-typings';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BuildFlags, runBuild } from '../../src/cli/commands/build.js';
import { type GenerateFlags, runGenerate } from '../../src/cli/commands/generate.js';
import type { CommandContext } from '../../src/cli/context.js';
import { createWiring, type FlagsOf, type Wiring } from '../../src/cli/wiring.js';
import { createNodeIo } from '../../src/io.js';

/** `generate`'s options as program.ts declares them, with one flag renamed or dropped. */
const declare = () => new Command('generate').option('--json').option('--cwd <dir>');

/** Type-checked, never run: the wiring of `generate` with its flags right and wrong. */
function wiredGenerate(wire: Wiring): void {
  const right = declare()
    .argument('[model...]')
    .option('--check')
    .option('--force')
    .option('--prune')
    .option('--rules <file>');
  wire.action(right, async () => runGenerate);

  // A typo in a flag name: --prun is declared, runGenerate takes prune.
  const renamed = declare()
    .argument('[model...]')
    .option('--check')
    .option('--force')
    .option('--prun')
    .option('--rules <file>');
  // @ts-expect-error declaredFlagsDiffer: { declaredNotTaken: 'prun'; takenNotDeclared: 'prune' }
  wire.action(renamed, async () => runGenerate);

  // An option removed from the declarations that the module still reads.
  const dropped = declare().argument('[model...]').option('--check').option('--force');
  // @ts-expect-error declaredFlagsDiffer: { takenNotDeclared: 'prune' | 'rules' }
  wire.action(dropped, async () => runGenerate);

  // A declared type the module does not take: --rules parsed to a number.
  const mistyped = declare()
    .argument('[model...]')
    .option('--check')
    .option('--force')
    .option('--prune')
    .option('--rules <file>', 'a table', Number);
  // @ts-expect-error Type 'number' is not assignable to type 'string'
  wire.action(mistyped, async () => runGenerate);

  // The arguments too: generate takes models; a command without [model...] does not fit.
  const noModels = declare()
    .option('--check')
    .option('--force')
    .option('--prune')
    .option('--rules <file>');
  // @ts-expect-error Source has 2 element(s) but target allows only 1
  wire.action(noModels, async () => runGenerate);
}

describe('typed command wiring', () => {
  it('reads the flags type a command module takes', () => {
    expectTypeOf<FlagsOf<typeof runGenerate>>().toEqualTypeOf<GenerateFlags>();
    expectTypeOf<FlagsOf<typeof runBuild>>().toEqualTypeOf<BuildFlags>();
    expectTypeOf(wiredGenerate).toBeFunction();
  });

  it('imports the module when the command runs, with the context, arguments, flags and exit code', async () => {
    const codes: number[] = [];
    const wire = createWiring({ ...createNodeIo({ NO_COLOR: '1' }), cwd: '/repo' }, (code) =>
      codes.push(code),
    );
    const seen: { ctx: CommandContext; names: string[]; flags: GenerateFlags }[] = [];
    const command = declare()
      .exitOverride()
      .argument('[model...]')
      .option('--check')
      .option('--force')
      .option('--prune')
      .option('--rules <file>');
    wire.action(command, async () => async (ctx, names, flags) => {
      seen.push({ ctx, names, flags });
      return 1;
    });
    await command.parseAsync(['a', 'b', '--check', '--json', '--cwd', 'sub'], { from: 'user' });
    expect(codes).toEqual([1]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.ctx.root).toBe('/repo/sub');
    expect(seen[0]?.ctx.json).toBe(true);
    expect(seen[0]?.names).toEqual(['a', 'b']);
    expect(seen[0]?.flags).toMatchObject({ check: true, json: true, cwd: 'sub' });
  });

  it('gives a long command a signal that an interrupt aborts, and removes the listeners after', async () => {
    const source = new EventEmitter();
    const codes: number[] = [];
    const wire = createWiring(createNodeIo({ NO_COLOR: '1' }), (code) => codes.push(code), {
      source,
    });
    const command = declare().exitOverride();
    wire.interruptible(command, async () => async (_ctx, _flags: object, signal) => {
      expect(source.listenerCount('SIGINT')).toBe(1);
      source.emit('SIGINT');
      return signal.aborted ? 130 : 0;
    });
    await command.parseAsync([], { from: 'user' });
    expect(codes).toEqual([130]);
    expect(source.listenerCount('SIGINT')).toBe(0);
  });
});
