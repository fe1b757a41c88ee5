/**
 * From a command's declarations to its module: import the module when the command runs, build
 * the context from the common flags, set the exit code. The options a command declares are
 * checked against the flags its module takes, by the compiler: a flag declared that the module
 * does not take, or taken that is not declared, or of another type, fails type-checking.
 */
import { resolve as resolvePath } from 'node:path';
import type { Command, OptionValues } from '@commander-js/extra-typings';
import type { Io } from '../io.js';
import { colorFor } from '../report/color.js';
import type { CommandContext } from './context.js';
import { type InterruptOptions, withInterrupts } from './interrupts.js';

/** The flags every command declares (`withCommon`), read into the context. */
interface CommonOptions {
  json?: boolean;
  cwd?: string;
}

/** A command module's entry: the context, the command's arguments, then its flags. */
type Runner<Args extends unknown[], Flags> = (
  ctx: CommandContext,
  ...rest: [...Args, Flags]
) => Promise<number>;

/** The same, for a long command that stops when its signal is aborted (Ctrl-C). */
type InterruptibleRunner<Args extends unknown[], Flags> = (
  ctx: CommandContext,
  ...rest: [...Args, Flags, AbortSignal]
) => Promise<number>;

/** The flags type a runner takes (its last parameter, or the one before the signal). */
export type FlagsOf<R> = R extends (ctx: CommandContext, ...rest: infer Rest) => Promise<number>
  ? Rest extends [...unknown[], infer Flags, AbortSignal]
    ? Flags
    : Rest extends [...unknown[], infer Flags]
      ? Flags
      : never
  : never;

/**
 * Nothing when the options declared (less --json and --cwd) and the flags taken have the same
 * names; else a property no command has, naming the flags that differ, so passing the command
 * fails type-checking with those names in the message. (Each declared type is checked against
 * the taken one by the runner's type.)
 */
type FlagsCheck<Declared, Flags> = [
  Exclude<keyof Declared, keyof CommonOptions | keyof Flags> | Exclude<keyof Flags, keyof Declared>,
] extends [never]
  ? unknown
  : {
      declaredFlagsDiffer: {
        declaredNotTaken: Exclude<keyof Declared, keyof CommonOptions | keyof Flags>;
        takenNotDeclared: Exclude<keyof Flags, keyof Declared>;
      };
    };

export interface Wiring {
  /** Runs the module's entry when `command` runs; its exit code is the CLI's. */
  action<
    Args extends unknown[],
    Opts extends OptionValues & CommonOptions,
    R extends Runner<Args, Opts>,
  >(command: Command<Args, Opts> & FlagsCheck<Opts, FlagsOf<R>>, load: () => Promise<R>): void;
  /** The same for a long command: Ctrl-C aborts the signal it is given (see interrupts.ts). */
  interruptible<
    Args extends unknown[],
    Opts extends OptionValues & CommonOptions,
    R extends InterruptibleRunner<Args, Opts>,
  >(command: Command<Args, Opts> & FlagsCheck<Opts, FlagsOf<R>>, load: () => Promise<R>): void;
}

export function createWiring(
  io: Io,
  setExit: (code: number) => void,
  interrupts: InterruptOptions = {},
): Wiring {
  const context = (options: CommonOptions): CommandContext => ({
    io,
    root: resolvePath(io.cwd, options.cwd ?? '.'),
    json: Boolean(options.json),
    color: colorFor(io.stdout, io.env),
  });
  return {
    action: (command, load) => {
      command.action(async () => {
        const options = command.opts();
        const run = await load();
        setExit(await run(context(options), ...command.processedArgs, options));
      });
    },
    interruptible: (command, load) => {
      command.action(async () => {
        const options = command.opts();
        const run = await load();
        setExit(
          await withInterrupts(
            (signal) => run(context(options), ...command.processedArgs, options, signal),
            interrupts,
          ),
        );
      });
    },
  };
}
