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
import type { AppCandidate } from './web-apps.js';

const PORT = 8080;
/** Files a server conventionally lives in, best first. */
const SERVER_FILES = ['app', 'main', 'server', 'serve', 'api', 'wsgi', 'asgi'];

/**
 * Sets `serve` from the best app outside the tests, else from TorchServe model archives.
 * `init` sees that the server itself gets installed (server-package.ts), once flags have had
 * their say on the command.
 */
export async function chooseServe(
  files: RepoFiles,
  found: DetectionCollector,
  sources: PythonSources,
): Promise<void> {
  const usable = sources.apps.filter((app) => !isTestFile(app.rel));
  usable.sort((a, b) => compareKeys(appRank(a), appRank(b)));
  const app = usable[0];
  if (app) {
    serveApp(found, app, usable.slice(1));
    return;
  }
  await serveTorchServe(files, found, sources);
}

function serveApp(found: DetectionCollector, app: AppCandidate, others: AppCandidate[]): void {
  const factory = app.factory ? ['--factory'] : [];
  const command =
    app.kind === 'fastapi'
      ? ['uvicorn', ...factory, app.target, '--host', '0.0.0.0', '--port', String(PORT)]
      : ['gunicorn', '-b', `0.0.0.0:${PORT}`, app.factory ? `${app.target}()` : app.target];
  found.detection.serve = { command, port: PORT, ...(app.health ? { health: app.health } : {}) };
  const framework = app.kind === 'fastapi' ? 'FastAPI' : 'Flask';
  found.note(
    `serve: ${framework} app ${app.target} in ${app.rel}${app.health ? `, health ${app.health}` : ', no health route found'}`,
  );
  if (others.length > 0) {
    found.note(`serve: also found ${others.map((o) => `${o.target} (${o.rel})`).join(', ')}`);
  }
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
      found.note(
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
  found.note(`serve: TorchServe with the model archives in ${store || '.'}, port ${servePort}`);
  found.note(
    'serve: TorchServe 0.11 and later require an API token unless started with --disable-token-auth',
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
