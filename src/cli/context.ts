import type { Io } from '../io.js';
import type { Palette } from '../report/color.js';

/** What every command gets from the CLI layer. */
export interface CommandContext {
  io: Io;
  /** The folder the command works in (`--cwd`, else the working directory). */
  root: string;
  /** `--json`: machine output only on stdout. */
  json: boolean;
  /** Colour for stdout (off for NO_COLOR or a non-terminal). */
  color: Palette;
}
