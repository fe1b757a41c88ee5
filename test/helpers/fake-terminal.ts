/**
 * A terminal of a given size, enough to replay what envgen's live display writes: printable
 * characters (wrapping at the right edge, as terminals do), `\r`, `\n` (a tty turns it into
 * `\r\n`), cursor up (`ESC [ n A`, which stops at the top of the screen), erase line
 * (`ESC [ 2K`) and erase below (`ESC [ J`). It keeps the scrollback, and counts the two things
 * that garble a display: a line wrapped at the edge, and a cursor move cut short at the top.
 */
import type { OutStream } from '../../src/io.js';

export interface FakeTerminal extends OutStream {
  columns: number;
  rows: number;
  /** Everything written, as it was written. */
  raw(): string;
  /** Scrollback and screen, one string per line, trailing blank lines dropped. */
  lines(): string[];
  /** Lines that ran past the right edge and wrapped. */
  wraps: number;
  /** Cursor-up moves that asked to go above the top of the screen. */
  clipped: number;
}

export function fakeTerminal(columns: number, rows: number): FakeTerminal {
  const buffer: string[][] = [[]];
  let row = 0;
  let col = 0;
  let raw = '';
  const screenTop = (): number => Math.max(0, buffer.length - rows);
  const lineAt = (index: number): string[] => {
    while (buffer.length <= index) buffer.push([]);
    return buffer[index] as string[];
  };
  const term: FakeTerminal = {
    isTTY: true,
    columns,
    rows,
    wraps: 0,
    clipped: 0,
    raw: () => raw,
    lines() {
      const lines = buffer.map((cells) => cells.join('').trimEnd());
      while (lines.length > 0 && lines.at(-1) === '') lines.pop();
      return lines;
    },
    write(text) {
      raw += text;
      for (let i = 0; i < text.length; i++) {
        const ch = text[i] as string;
        if (ch === '\u001b') {
          const match = /^\[([\d;]*)([A-Za-z])/.exec(text.slice(i + 1));
          if (!match)
            throw new Error(
              `fake terminal: unknown escape at ${JSON.stringify(text.slice(i, i + 8))}`,
            );
          const [whole, count, code] = match;
          i += whole.length;
          if (code === 'A') {
            const target = row - Number(count || '1');
            if (target < screenTop()) term.clipped++;
            row = Math.max(screenTop(), target);
          } else if (code === 'K' && count === '2') {
            buffer[row] = [];
          } else if (code === 'J' && (count === '' || count === '0')) {
            lineAt(row).length = Math.min(lineAt(row).length, col);
            for (let r = row + 1; r < buffer.length; r++) buffer[r] = [];
          } else if (code === 'm') {
            // colour: takes no cell
          } else {
            throw new Error(`fake terminal: unsupported escape ESC${whole}`);
          }
        } else if (ch === '\r') {
          col = 0;
        } else if (ch === '\n') {
          row++;
          col = 0;
          lineAt(row);
        } else {
          if (col >= columns) {
            term.wraps++;
            row++;
            col = 0;
          }
          const cells = lineAt(row);
          while (cells.length < col) cells.push(' ');
          cells[col] = ch;
          col++;
        }
      }
    },
  };
  return term;
}
