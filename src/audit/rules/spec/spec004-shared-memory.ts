import { posix } from 'node:path';
import type { Finding, Project, SpecContext } from '../../types.js';
import { defineRule } from '../define-rule.js';

/** Servers that take the application as `module:attribute` (gunicorn app:app). */
const APP_SERVERS = new Set(['gunicorn', 'uvicorn', 'hypercorn', 'waitress-serve', 'daphne']);

/** Python files the command runs: a script, `-m module`, or an app server's `module:app`. */
function modulesOf(command: readonly string[]): string[] {
  const [program = '', ...args] = command;
  const name = posix.basename(program);
  const relative = (path: string): string => path.replace(/^\.\//, '').replace(/^\/app\//, '');
  const moduleFiles = (module: string): string[] => {
    const base = module.replaceAll('.', '/');
    return [`${base}.py`, `${base}/__main__.py`, `${base}/__init__.py`].flatMap((p) => [
      p,
      `src/${p}`,
    ]);
  };
  if (program.endsWith('.py')) return [relative(program)];
  if (/^python(\d+(\.\d+)?)?$/.test(name)) {
    const m = args.indexOf('-m');
    if (m >= 0 && args[m + 1]) return moduleFiles(args[m + 1] as string);
    const script = args.find((a) => !a.startsWith('-'));
    return script?.endsWith('.py') ? [relative(script)] : [];
  }
  if (APP_SERVERS.has(name)) {
    const app = args.find((a) => /^[A-Za-z_][\w.]*:[A-Za-z_][\w()]*$/.test(a));
    return app ? moduleFiles(app.split(':')[0] as string) : [];
  }
  return [];
}

interface Evidence {
  file: string;
  line: number;
  what: string;
}

/** DataLoader workers or torch multiprocessing in one Python text, with the line. */
function evidenceIn(file: string, text: string): Evidence | undefined {
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/#.*$/, '');
    if (
      /\b(import\s+torch\.multiprocessing|from\s+torch(\.multiprocessing)?\s+import\s+(\w+\s*,\s*)*multiprocessing\b|from\s+torch\.multiprocessing\s+import|torch\.multiprocessing\.)/.test(
        line,
      )
    ) {
      return { file, line: index + 1, what: 'torch.multiprocessing' };
    }
    const workers = /\bnum_workers\s*=\s*([\w.]+)/.exec(line)?.[1];
    // A literal 0 keeps loading in the main process; a variable may be anything, so it counts.
    if (workers && workers !== '0' && workers !== 'None') {
      return { file, line: index + 1, what: `DataLoader workers (num_workers=${workers})` };
    }
  }
  return undefined;
}

/** The serve module and the project modules it imports directly (one level: cheap, and enough). */
function evidenceFor(project: Project, command: readonly string[]): Evidence | undefined {
  const [program = '', ...args] = command;
  const name = posix.basename(program);
  if (
    name === 'torchrun' ||
    (args.includes('-m') &&
      /^torch\.distributed\.(run|launch)$/.test(args[args.indexOf('-m') + 1] ?? ''))
  ) {
    return { file: 'envgen.yaml', line: 0, what: 'torchrun worker processes' };
  }
  for (const file of modulesOf(command)) {
    const text = project.text(file);
    if (text === undefined) continue;
    const direct = evidenceIn(file, text);
    if (direct) return direct;
    for (const match of text.matchAll(/^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))/gm)) {
      const module = (match[1] ?? match[2] ?? '').replace(/^\.+/, '');
      for (const candidate of [
        `${module.replaceAll('.', '/')}.py`,
        `${module.replaceAll('.', '/')}/__init__.py`,
      ]) {
        for (const path of [candidate, posix.join(posix.dirname(file), candidate)]) {
          const imported = project.text(path);
          const found = imported === undefined ? undefined : evidenceIn(path, imported);
          if (found) return found;
        }
      }
    }
    return undefined;
  }
  return undefined;
}

function check(ctx: SpecContext, report: (finding: Finding) => void): undefined {
  const { spec, locate } = ctx.spec;
  for (const [name, model] of Object.entries(spec.models ?? {})) {
    const command = model.serve?.command;
    if (!Array.isArray(command) || command.length === 0) continue;
    const evidence = evidenceFor(ctx.project, command);
    if (!evidence) continue;
    const at = locate(['models', name, 'serve', 'command']) ??
      locate(['models', name, 'serve']) ?? { line: 1, column: 1 };
    const where = evidence.line > 0 ? ` (${evidence.file}:${evidence.line})` : '';
    report({
      line: at.line,
      column: at.column,
      message: `model '${name}' is served with ${evidence.what}${where}; worker processes pass tensors through /dev/shm, which Docker limits to 64 MB, and envgen writes no run config that raises it`,
      fix: 'run the container with `--ipc=host` or `--shm-size=2g` (compose: `shm_size`/`ipc: host`; Kubernetes: an `emptyDir` with `medium: Memory` mounted at /dev/shm)',
    });
  }
}

export const spec004 = defineRule<'spec'>({
  id: 'SPEC004',
  name: 'shared-memory-for-workers',
  target: 'spec',
  severity: 'info',
  description:
    "A served model whose server uses DataLoader workers or torch.multiprocessing needs more shared memory than Docker's default.",
  docs: `PyTorch's worker processes (\`DataLoader(num_workers>0)\`, \`torch.multiprocessing\`, \`torchrun\`) share tensors through /dev/shm. Docker gives a container 64 MB there, and the PyTorch Docker README says "the default shared memory segment size that container runs with is not enough … increase shared memory size either with --ipc=host or --shm-size"; the symptom is "bus error" or "DataLoader worker … killed".

envgen generates no compose or Kubernetes file, so there is no run config to read. The rule reports on the model's \`serve.command\` in envgen.yaml when the command is \`torchrun\`, or when the serve module it names (\`python serve.py\`, \`python -m pkg.mod\`, \`gunicorn pkg.mod:app\`), or a project module that one imports, creates DataLoader workers (\`num_workers\` other than 0) or uses torch.multiprocessing. Where the module is not among the files audit reads, it says nothing.

Fix: run with \`--ipc=host\` or \`--shm-size=2g\` (compose \`shm_size\`, Kubernetes an \`emptyDir\` with \`medium: Memory\` at /dev/shm).`,
  check,
});
