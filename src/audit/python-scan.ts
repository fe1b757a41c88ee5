/**
 * A Python file as the OBS rules read it: not a parser, a lexer-level scan. Comments and the
 * insides of triple-quoted strings (docstrings) are blanked out, keeping offsets, so patterns
 * match code only; one-line string literals stay, since keys like "PROMETHEUS_MULTIPROC_DIR"
 * are strings. On top of that: the functions defined (name, line, body), the top-level
 * assignments (gunicorn settings are module globals) and the imports.
 */

export interface PythonDef {
  name: string;
  /** 1-based line of `def`. */
  line: number;
  column: number;
  /** Indentation of the `def` line (0: a module-level function). */
  indent: number;
  /** The body, as masked code (offsets into `code`). */
  start: number;
  end: number;
}

interface PythonAssignment {
  name: string;
  /** The value's masked code, trimmed (up to the end of the line). */
  value: string;
  line: number;
  column: number;
}

interface PythonImport {
  /** `from MODULE import ...` or `import MODULE` (relative dots kept). */
  module: string;
  /** `import MODULE as NAME`: the local name. */
  as?: string;
  /** Names imported by `from ... import` (`*` for a star import), with their local names. */
  names: { name: string; as: string }[];
  line: number;
}

export interface PythonScan {
  file: string;
  /** The text with comments and triple-quoted string bodies replaced by spaces (same length). */
  code: string;
  defs: PythonDef[];
  /** Module-level `NAME = value` and `NAME: type = value`. */
  assignments: PythonAssignment[];
  imports: PythonImport[];
  /** 1-based line and column of an offset. */
  positionOf(offset: number): { line: number; column: number };
}

/** Comments and triple-quoted string bodies blanked (newlines kept), one-line strings kept. */
function maskPython(text: string): string {
  // The text between blanked ranges is copied as slices: no array of characters.
  const parts: string[] = [];
  let copied = 0;
  const blank = (from: number, to: number): void => {
    parts.push(text.slice(copied, from), text.slice(from, to).replace(/[^\n]/g, ' '));
    copied = to;
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '#') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i);
      if (triple) {
        const close = text.indexOf(ch.repeat(3), i + 3);
        const stop = close < 0 ? text.length : close;
        blank(i + 3, stop);
        i = close < 0 ? text.length : close + 3;
        continue;
      }
      // A one-line string: kept as written; escapes skipped; it ends at its quote or the line.
      let k = i + 1;
      while (k < text.length && text[k] !== ch && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      i = k + 1;
      continue;
    }
    i++;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

const DEF = /^([ \t]*)(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(/gm;
const ASSIGNMENT = /^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*(.*)$/gm;
const FROM_IMPORT = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)/gm;
const IMPORT = /^[ \t]*import[ \t]+([^\n]+)/gm;

export function scanPython(file: string, text: string): PythonScan {
  const code = maskPython(text);
  const starts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') starts.push(i + 1);
  const positionOf = (offset: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] as number) + 1 };
  };
  // Each line's indentation (undefined: blank), once.
  const indents: (number | undefined)[] = starts.map((from, index) => {
    const to = (starts[index + 1] ?? code.length + 1) - 1;
    let k = from;
    while (k < to && (code[k] === ' ' || code[k] === '\t')) k++;
    return k >= to || code[k] === '\r' ? undefined : k - from;
  });
  const defs: PythonDef[] = [];
  const bodyLines: number[] = [];
  for (const match of code.matchAll(DEF)) {
    const indent = (match[1] ?? '').length;
    const at = positionOf(match.index ?? 0);
    // The signature ends at the `:` outside its parentheses (it may span lines).
    let depth = 1;
    let k = (match.index ?? 0) + match[0].length;
    for (; k < code.length && !(depth === 0 && code[k] === ':'); k++) {
      if (code[k] === '(' || code[k] === '[') depth++;
      else if (code[k] === ')' || code[k] === ']') depth--;
    }
    defs.push({
      name: match[2] as string,
      line: at.line,
      column: at.column + indent,
      indent,
      start: Math.min(k + 1, code.length),
      end: code.length,
    });
    bodyLines.push(positionOf(Math.min(k, code.length)).line);
  }
  // The body ends at the first line after the signature indented no deeper than the `def`: one
  // pass over the lines with the defs still open on a stack.
  const open: number[] = [];
  let next = 0;
  for (let index = 0; index < starts.length; index++) {
    const indent = indents[index];
    if (indent !== undefined) {
      for (let top = open.at(-1); top !== undefined; top = open.at(-1)) {
        const def = defs[top] as PythonDef;
        if ((bodyLines[top] as number) > index || def.indent < indent) break;
        def.end = starts[index] as number;
        open.pop();
      }
    }
    while (next < defs.length && (defs[next] as PythonDef).line === index + 1) open.push(next++);
  }
  const assignments: PythonAssignment[] = [];
  for (const match of code.matchAll(ASSIGNMENT)) {
    const at = positionOf(match.index ?? 0);
    assignments.push({
      name: match[1] as string,
      value: (match[2] ?? '').trim(),
      ...at,
    });
  }
  const imports: PythonImport[] = [];
  for (const match of code.matchAll(FROM_IMPORT)) {
    const names = (match[2] ?? '')
      .replace(/[()\\]/g, ' ')
      .split(',')
      .map((part) => part.trim().split(/\s+as\s+/))
      .filter((parts) => parts[0])
      .map(([name = '', as]) => ({ name, as: as ?? name }));
    imports.push({ module: match[1] as string, names, line: positionOf(match.index ?? 0).line });
  }
  for (const match of code.matchAll(IMPORT)) {
    for (const part of (match[1] ?? '').split(',')) {
      const [module, as] = part.trim().split(/\s+as\s+/);
      if (module)
        imports.push({
          module,
          ...(as ? { as } : {}),
          names: [],
          line: positionOf(match.index ?? 0).line,
        });
    }
  }
  return { file, code, defs, assignments, imports, positionOf };
}

/** The masked code of a function's body. */
export function bodyOf(scan: PythonScan, def: PythonDef): string {
  return scan.code.slice(def.start, def.end);
}

/** The module-level function of that name (the last one: a later `def` replaces an earlier one). */
export function topLevelDef(scan: PythonScan, name: string): PythonDef | undefined {
  let index = topLevel.get(scan);
  if (!index) {
    index = new Map();
    for (const def of scan.defs) if (def.indent === 0) index.set(def.name, def);
    topLevel.set(scan, index);
  }
  return index.get(name);
}

const topLevel = new WeakMap<PythonScan, Map<string, PythonDef>>();

/** The first integer literal of an expression (`1000`, `int(os.getenv("X", "1000"))`), or undefined. */
export function integerIn(value: string): number | undefined {
  const match = /(?<![\w.])(\d+)(?![\w.])/.exec(value);
  return match ? Number(match[1]) : undefined;
}
