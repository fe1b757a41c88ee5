/**
 * setup.py and setup.cfg, read as text and never run: `install_requires` and `python_requires`.
 *
 * A setup.py is a program; envgen reads the literal lists it passes to `setup()` (or assigns to
 * a name it passes), and says so when the list is computed at run time instead.
 *
 * setup.cfg: https://setuptools.pypa.io/en/latest/userguide/declarative_config.html
 */
import type { DetectionCollector } from './collector.js';
import { lineAt } from './line-index.js';
import { type DependencyGroup, newestClassifier } from './pyproject.js';
import { isPythonRange, lowestPython, NO_LOWER_BOUND } from './python-version.js';
import type { RepoFiles } from './repo-files.js';
import type { RequirementsReader } from './requirements.js';

/** What else setup.py tells the detection. */
export interface SetupFacts {
  /** Whether there is a setup.py or setup.cfg: the repo is a package `pip install .` builds. */
  isPackage: boolean;
  /** `extras_require` lists given as literals. */
  groups: DependencyGroup[];
  newestClassifier?: { python: string; where: string };
}

/** `dir`: a folder of the repo that is a package of its own (`localPackages: [core]`). */
export async function readSetupFiles(
  files: RepoFiles,
  found: DetectionCollector,
  requirements: RequirementsReader,
  dir = '',
): Promise<SetupFacts> {
  const facts: SetupFacts = { isPackage: false, groups: [] };
  const at = (name: string) => (dir ? `${dir}/${name}` : name);
  const py = await files.readText(at('setup.py'));
  if (py !== undefined) {
    facts.isPackage = true;
    await readSetupPy(py, at('setup.py'), found, requirements, facts);
  }
  const cfg = await files.readText(at('setup.cfg'));
  if (cfg !== undefined && /^\[metadata\]|^\[options\]/m.test(cfg)) {
    facts.isPackage = true;
    await readSetupCfg(cfg, at('setup.cfg'), found, requirements);
  }
  return facts;
}

async function readSetupPy(
  text: string,
  rel: string,
  found: DetectionCollector,
  requirements: RequirementsReader,
  facts: SetupFacts,
) {
  const code = withoutComments(text);
  const classifiers = [...code.matchAll(/["'](Programming Language :: Python :: 3\.[0-9]+)["']/g)];
  const newest = newestClassifier(classifiers.map((m) => m[1] ?? ''));
  if (newest) {
    const match = classifiers.find((m) => m[1]?.endsWith(` ${newest}`));
    facts.newestClassifier = { python: newest, where: `${rel}:${lineAt(text, match?.index ?? 0)}` };
  }
  // `extras_require={…}`, or `extras_require=EXTRAS` with `EXTRAS = {…}` above.
  const named = /\bextras_require\s*=\s*([A-Za-z_]\w*)/.exec(code)?.[1];
  const extras = named
    ? new RegExp(`^${named}\\s*=\\s*\\{`, 'm').exec(code)
    : /\bextras_require\s*=\s*\{/.exec(code);
  if (extras) {
    // `"name": ["a", "b"],` entries of a literal dict; anything computed is left out.
    const body = code.slice(extras.index + extras[0].length);
    const dict = body.slice(0, closingBrace(body));
    for (const entry of dict.matchAll(/["']([A-Za-z0-9_.-]+)["']\s*:\s*\[/g)) {
      const list = stringList(dict, (entry.index ?? 0) + entry[0].length - 1);
      if (!list || !entry[1]) continue;
      const offset = extras.index + extras[0].length;
      facts.groups.push({
        kind: 'extra',
        name: entry[1],
        entries: list.map((item) => ({
          text: item.value,
          where: `${rel}:${lineAt(text, offset + item.index)}`,
        })),
      });
    }
  }
  const python = /\bpython_requires\s*=\s*(["'])([^"'\n]*)\1/.exec(code);
  if (python?.[2] !== undefined)
    pythonRequires(python[2], `${rel}:${lineAt(text, python.index)}`, found);
  const argument = /\binstall_requires\s*=\s*/.exec(code);
  if (!argument) return;
  const start = argument.index + argument[0].length;
  let list = stringList(code, start);
  if (list === undefined) {
    // `install_requires=REQUIRED`: the list assigned to that name, if it is a literal.
    const name = /^[A-Za-z_]\w*/.exec(code.slice(start))?.[0];
    const assigned = name ? new RegExp(`^${name}\\s*=\\s*`, 'm').exec(code) : null;
    if (assigned) list = stringList(code, assigned.index + assigned[0].length);
  }
  if (list === undefined) {
    found.evidence(
      `${rel}:${lineAt(text, argument.index)}: install_requires is computed when setup.py runs; envgen does not run it (the requirements files it reads are read on their own)`,
    );
    return;
  }
  for (const item of list) {
    await requirements.requirementLine(item.value, `${rel}:${lineAt(text, item.index)}`, '', 0);
  }
}

async function readSetupCfg(
  text: string,
  rel: string,
  found: DetectionCollector,
  requirements: RequirementsReader,
) {
  let section = '';
  let key = '';
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const where = `${rel}:${index + 1}`;
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header?.[1]) {
      section = header[1].trim();
      key = '';
      continue;
    }
    if (raw.trim() === '' || /^\s*[#;]/.test(raw)) continue;
    const setting = /^([A-Za-z_][\w-]*)\s*[=:]\s*(.*)$/.exec(raw);
    if (setting?.[1] !== undefined) {
      key = `${section}.${setting[1]}`;
      const value = (setting[2] ?? '').trim();
      if (key === 'options.python_requires' && value) pythonRequires(value, where, found);
      if (key === 'options.install_requires' && value) {
        await requirements.requirementLine(value, where, '', 0);
      }
    } else if (/^\s/.test(raw) && key === 'options.install_requires') {
      await requirements.requirementLine(raw.trim(), where, '', 0);
    }
  }
}

function pythonRequires(spec: string, where: string, found: DetectionCollector): void {
  const python = lowestPython(spec);
  if (python) {
    found.propose(
      'python',
      python,
      where,
      'python_requires',
      isPythonRange(spec) ? spec.trim() : undefined,
    );
  } else found.reject('python', spec, where, NO_LOWER_BOUND, 'python_requires');
}

/** A Python list of string literals starting at `start` (`["a", 'b',]`), or undefined if it is anything else. */
function stringList(code: string, start: number): { value: string; index: number }[] | undefined {
  let i = start;
  if (code[i] !== '[' && code[i] !== '(') return undefined;
  const close = code[i] === '[' ? ']' : ')';
  i++;
  const items: { value: string; index: number }[] = [];
  for (;;) {
    while (i < code.length && /[\s,]/.test(code[i] as string)) i++;
    if (code[i] === close) return items;
    const quote = code[i];
    if (quote !== '"' && quote !== "'") return undefined;
    const end = code.indexOf(quote, i + 1);
    if (end === -1) return undefined;
    const value = code.slice(i + 1, end);
    if (value.includes('\n')) return undefined;
    items.push({ value, index: i });
    i = end + 1;
  }
}

/** Where the `{…}` whose body starts `text` closes (strings skipped); the end when it never does. */
function closingBrace(text: string): number {
  let depth = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end === -1) return text.length;
      i = end;
    } else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return text.length;
}

/** The code with `#` comments blanked (same length, so indexes stay lines), strings kept. */
function withoutComments(text: string): string {
  return text.replaceAll(
    /^(([^"'#\n]|"[^"\n]*"|'[^'\n]*')*)#[^\n]*/gm,
    (match, code: string) => code + ' '.repeat(match.length - code.length),
  );
}
