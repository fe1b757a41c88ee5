/**
 * How the model is served: a FastAPI app under uvicorn, a Flask app under gunicorn, or
 * TorchServe with the repo's model archives.
 *
 * TorchServe configuration: https://pytorch.org/serve/configuration.html
 */
import type { DetectionCollector } from './collector.js';
import { compareKeys } from './compare.js';
import type { PythonSources } from './python-sources.js';
import type { RepoFiles } from './repo-files.js';
import type { RunFile } from './run-files.js';
import type { AppCandidate } from './web-apps.js';

const PORT = 8080;
/** Files a server conventionally lives in, best first. */
const SERVER_FILES = ['app', 'main', 'server', 'serve', 'api', 'wsgi', 'asgi'];

/** Folders whose apps are samples of the project, not the service. */
const SAMPLE_DIR =
  /^(examples?|demos?|tutorials?|docs?|notebooks?|samples?|scripts?|tools|benchmarks?|playground)$/i;

interface Choice {
  app: AppCandidate;
  /** Why this app: a line of evidence. */
  why: string;
  /** The file that runs it (a Dockerfile, compose file, Procfile or README), if one does. */
  runFile?: RunFile;
}

/**
 * Sets `serve` from the app the repo runs, else from TorchServe model archives.
 *
 * - the app its Dockerfile, compose file or Procfile starts, else the one its README starts,
 *   else the only app, the only one at the root, or the only one outside samples and tools
 * - with several candidates and nothing to tell them apart, no serve (and a note listing them)
 * - run from the app's folder when it imports its siblings (`--chdir`, `--app-dir`)
 * - the port its run file binds or exposes, else the one its code runs on, else 8080
 * - the web framework goes with the server: `init` adds flask or fastapi when nothing lists it
 */
export async function chooseServe(
  files: RepoFiles,
  found: DetectionCollector,
  sources: PythonSources,
  runFiles: readonly RunFile[],
): Promise<void> {
  const apps = sources.apps.filter((app) => !isTestFile(app.rel));
  apps.sort((a, b) => compareKeys(appRank(a), appRank(b)));
  const choice = chooseApp(apps, runFiles, sources);
  if (choice) {
    serveApp(found, choice, sources, runFiles);
    return;
  }
  if (apps.length > 0) {
    found.evidence(
      `serve: left out, ${apps.length} candidate apps and nothing says which one the repo runs: ${apps.map((a) => `${a.target} (${a.rel})`).join(', ')}; set one with --serve`,
      'serve',
    );
    return;
  }
  await serveTorchServe(files, found, sources);
}

function chooseApp(
  apps: AppCandidate[],
  runFiles: readonly RunFile[],
  sources: PythonSources,
): Choice | undefined {
  const isReadme = (rel: string) => /(^|\/)README[^/]*$/.test(rel);
  for (const readme of [false, true]) {
    const group = runFiles.filter((f) => isReadme(f.rel) === readme);
    const named = new Map<string, Choice>();
    for (const runFile of group) {
      for (const app of apps) {
        if (names(runFile, app))
          named.set(app.target, { app, why: `run by ${runFile.rel}`, runFile });
      }
      if (!readme) {
        for (const app of targetsIn(runFile, sources)) {
          if (
            !named.has(app.target) &&
            !apps.some((a) => a.rel === app.rel && a.variable === app.variable)
          ) {
            named.set(app.target, { app, why: `run by ${runFile.rel}`, runFile });
          }
        }
      }
    }
    const distinct = [...named.values()];
    if (distinct.length === 1) return distinct[0];
  }
  if (apps.length === 1 && apps[0]) return { app: apps[0], why: 'the only app' };
  const atRoot = apps.filter((a) => a.dir === '');
  if (atRoot.length === 1 && atRoot[0]) return { app: atRoot[0], why: 'the only app at the root' };
  const service = apps.filter((a) => !a.dir.split('/').some((part) => SAMPLE_DIR.test(part)));
  if (service.length === 1 && service[0]) {
    return { app: service[0], why: 'the only app outside examples, demos and tools' };
  }
  return undefined;
}

/** Whether a run file starts this app: by its path, its dotted module, or `file:var` where it lives. */
function names(runFile: RunFile, app: AppCandidate): boolean {
  const { text } = runFile;
  const word = (needle: string) =>
    new RegExp(`(^|[^\\w./-])${escapeRegExp(needle)}($|[^\\w/-])`, 'm').test(text);
  if (text.includes(app.rel)) return true;
  if (app.module.includes('.') && word(app.module)) return true;
  if (app.module.includes('.') ? false : word(`${app.module}:${app.variable}`)) return true;
  const short = `${app.file}:${app.variable}`;
  if (!word(short)) return false;
  const runDir = runFile.rel.includes('/')
    ? runFile.rel.slice(0, runFile.rel.lastIndexOf('/'))
    : '';
  return app.dir === '' || runDir === app.dir || text.includes(app.dir);
}

/**
 * Apps a Dockerfile, compose file or Procfile starts that are not FastAPI/Flask objects envgen
 * found by itself (`main:app` where main.py does `from app import app`): the module must exist
 * next to the run file or at the root, and define or import the name.
 */
function targetsIn(runFile: RunFile, sources: PythonSources): AppCandidate[] {
  const out: AppCandidate[] = [];
  const runDir = runFile.rel.includes('/')
    ? runFile.rel.slice(0, runFile.rel.lastIndexOf('/'))
    : '';
  // `ENTRYPOINT ["gunicorn"]` then `CMD ["--bind", …, "main:app"]`: the program may be on
  // another line than its app.
  const program = /\b(gunicorn|uvicorn|hypercorn)\b/.exec(runFile.text)?.[1];
  if (!program) return out;
  // A `\`-continued instruction is one line (`-k uvicorn.workers.UvicornWorker` may come after).
  for (const line of runFile.text.replaceAll(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    if (!line.includes(program) && !/^\s*(CMD|ENTRYPOINT|command:|web:)/i.test(line)) continue;
    for (const match of line.matchAll(
      /(?:^|[\s"'[,])([A-Za-z_][\w.]*):([A-Za-z_]\w*)(\(\))?(?=$|[\s"',\]])/g,
    )) {
      const [module = '', variable = ''] = [match[1], match[2]];
      for (const dir of new Set([runDir, ''])) {
        const rel = `${dir ? `${dir}/` : ''}${module.replaceAll('.', '/')}.py`;
        if (!sources.paths.has(rel) || !sources.names.get(rel)?.has(variable)) continue;
        const file = rel.slice(dir ? dir.length + 1 : 0).replace(/\.py$/, '');
        const appDir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
        out.push({
          rel,
          dir: appDir,
          file: file.split('/').pop() ?? file,
          variable,
          imports: [],
          module: rel.replace(/\.py$/, '').replaceAll('/', '.'),
          kind: program === 'gunicorn' && !/uvicorn\.workers/.test(line) ? 'flask' : 'fastapi',
          target: `${rel.replace(/\.py$/, '').replaceAll('/', '.')}:${variable}`,
          factory: match[3] !== undefined,
        });
        break;
      }
    }
  }
  return out;
}

function serveApp(
  found: DetectionCollector,
  { app, why, runFile }: Choice,
  sources: PythonSources,
  runFiles: readonly RunFile[],
): void {
  const chdir = app.dir !== '' && mustRunFromFolder(app, sources);
  // A package's `__init__.py` is imported by the package's name, from the folder above it.
  const folder =
    app.file === '__init__'
      ? {
          dir: app.dir.includes('/') ? app.dir.slice(0, app.dir.lastIndexOf('/')) : '',
          file: app.dir.split('/').pop() ?? app.dir,
        }
      : { dir: app.dir, file: app.file };
  const runDir = chdir && folder.dir !== '' ? folder.dir : undefined;
  const target = `${runDir !== undefined ? folder.file : app.module}:${app.variable}`;
  const port = portFor(app, runFile, runFiles);
  const factory = app.factory ? ['--factory'] : [];
  const command =
    app.kind === 'fastapi'
      ? [
          'uvicorn',
          ...factory,
          ...(runDir !== undefined ? ['--app-dir', runDir] : []),
          target,
          '--host',
          '0.0.0.0',
          '--port',
          String(port.value),
        ]
      : [
          'gunicorn',
          ...(runDir !== undefined ? ['--chdir', runDir] : []),
          '-b',
          `0.0.0.0:${port.value}`,
          app.factory ? `${target}()` : target,
        ];
  found.detection.serve = {
    command,
    port: port.value,
    ...(app.health ? { health: app.health } : {}),
  };
  found.detection.serveFramework = app.kind;
  const framework = app.kind === 'fastapi' ? 'FastAPI' : 'Flask';
  found.evidence(
    `serve: ${framework} app ${app.target} in ${app.rel} (${why})${runDir !== undefined ? `, run from ${runDir} as it imports modules next to it` : ''}, port ${port.value} (${port.why})${app.health ? `, health ${app.health}` : ', no health route found'}`,
    'serve',
  );
  const others = sources.apps.filter((o) => o !== app && !isTestFile(o.rel));
  if (others.length > 0) {
    found.evidence(
      `serve: also found ${others.map((o) => `${o.target} (${o.rel})`).join(', ')}`,
      'serve',
    );
  }
}

/**
 * Whether the app only imports from its own folder: it imports a sibling module that the root
 * does not have (`from app_conf import …` next to `demo/server/app.py`), or its folder path is
 * no module path (`my-api/app.py`).
 */
function mustRunFromFolder(app: AppCandidate, sources: PythonSources): boolean {
  const sibling = app.imports.some(
    (name) =>
      (sources.paths.has(`${app.dir}/${name}.py`) || sources.paths.has(`${app.dir}/${name}`)) &&
      !sources.paths.has(`${name}.py`) &&
      !sources.paths.has(name),
  );
  return sibling || !app.dir.split('/').every((part) => /^[A-Za-z_]\w*$/.test(part));
}

/** The port: what the run file binds or exposes, else the app's code, else one EXPOSE shared by every Dockerfile. */
function portFor(
  app: AppCandidate,
  runFile: RunFile | undefined,
  runFiles: readonly RunFile[],
): { value: number; why: string } {
  const fromRun = runFile && !/README/.test(runFile.rel) ? portInRunFile(runFile.text) : undefined;
  if (fromRun !== undefined) return { value: fromRun, why: `from ${runFile?.rel}` };
  if (app.port !== undefined) return { value: app.port, why: `from ${app.rel}` };
  const exposed = new Set(
    runFiles
      .filter((f) => /ockerfile|Containerfile/.test(f.rel))
      .flatMap((f) =>
        [...f.text.matchAll(/^\s*EXPOSE\s+([0-9]{2,5})\b/gim)].map((m) => Number(m[1])),
      ),
  );
  if (exposed.size === 1) {
    const [value = PORT] = exposed;
    return { value, why: "the repo's Dockerfiles EXPOSE it" };
  }
  // `ports: ["9966:9966"]` in compose files: the container's side.
  const published = new Set(
    runFiles
      .filter((f) => /compose[^/]*\.ya?ml$/.test(f.rel))
      .flatMap((f) =>
        [...f.text.matchAll(/^\s*-\s*["']?(?:[0-9.]+:)?[0-9]{2,5}:([0-9]{2,5})\b/gm)].map((m) =>
          Number(m[1]),
        ),
      ),
  );
  if (published.size === 1) {
    const [value = PORT] = published;
    return { value, why: "the repo's compose files publish it" };
  }
  return { value: PORT, why: "envgen's default" };
}

/** `--bind 0.0.0.0:5000`, `-b :8000`, `--port 8000`, `"--port", "8000"`, then `EXPOSE 8000`. */
function portInRunFile(text: string): number | undefined {
  const patterns = [
    /(?:--bind|-b)[\s="',]+(?:[0-9.]*|\[[^\]]*\]):([0-9]{2,5})\b/,
    /--port[\s="',]+([0-9]{2,5})\b/,
    /^\s*EXPOSE\s+([0-9]{2,5})\b/im,
  ];
  for (const pattern of patterns) {
    const port = Number(pattern.exec(text)?.[1]);
    if (port >= 1 && port <= 65535) return port;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * TorchServe serves model archives, not code: without a `.mar` there is nothing to start, so
 * a handler alone is reported and serving is left for the user to set.
 */
async function serveTorchServe(
  files: RepoFiles,
  found: DetectionCollector,
  { handlers, marDirs }: PythonSources,
): Promise<void> {
  const store = ['model-store', 'model_store'].find((d) => marDirs.has(d)) ?? [...marDirs][0];
  if (store === undefined) {
    if (handlers.length > 0) {
      found.evidence(
        'serve: a TorchServe handler but no model archive (*.mar); package the model with torch-model-archiver, then set serve',
      );
    }
    return;
  }
  const config = await files.readText('config.properties');
  const port = Number(
    /^inference_address\s*=\s*https?:\/\/[^\s/]*:([0-9]+)/m.exec(config ?? '')?.[1],
  );
  const command = [
    'torchserve',
    '--start',
    '--foreground',
    '--model-store',
    store || '.',
    '--models',
    'all',
    '--ncs',
    ...(config === undefined ? [] : ['--ts-config', 'config.properties']),
  ];
  const servePort = port >= 1 && port <= 65535 ? port : PORT;
  found.detection.serve = { command, port: servePort, health: '/ping' };
  found.evidence(
    `serve: TorchServe with the model archives in ${store || '.'}, port ${servePort}`,
    'serve',
  );
  found.evidence(
    'serve: TorchServe 0.11 and later require an API token unless started with --disable-token-auth',
    'serve',
  );
}

function isTestFile(rel: string): boolean {
  const parts = rel.split('/');
  const file = parts.at(-1) ?? '';
  return (
    parts.slice(0, -1).some((p) => p === 'test' || p === 'tests') ||
    /^test_|_test\.py$|^conftest\.py$/.test(file)
  );
}

/** Root app.py/main.py/server.py first, then other root files, then by depth and name. */
function appRank(app: AppCandidate): (number | string)[] {
  const parts = app.rel.split('/');
  const preferred = SERVER_FILES.indexOf(parts.at(-1)?.replace(/\.py$/, '') ?? '');
  return [
    parts.length,
    preferred === -1 ? SERVER_FILES.length : preferred,
    app.kind === 'fastapi' ? 0 : 1,
    app.rel,
  ];
}
