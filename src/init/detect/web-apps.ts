/**
 * FastAPI and Flask apps a server could start, found in one Python file's text.
 */

/** Decorators of health routes, best first. */
const HEALTH_PATHS = ['/health', '/healthz', '/ping', '/readyz', '/livez', '/ready'];

export interface AppCandidate {
  /** The file, relative to the repo root. */
  rel: string;
  /** Its folder, relative to the repo root ('' for the root). */
  dir: string;
  /** The module name of the file alone (`serving/api.py` -> `api`). */
  file: string;
  /** The app's variable, or the factory's name. */
  variable: string;
  /** The port the file itself runs the app on (`app.run(port=…)`, a `--port` default, `PORT`). */
  port?: number;
  /** Top-level modules the file imports. */
  imports: string[];
  /** The file as a dotted module name (`serving/app.py` -> `serving.app`). */
  module: string;
  kind: 'fastapi' | 'flask';
  /** `module:variable`, what uvicorn and gunicorn take. */
  target: string;
  /** Whether `target` names a function that builds the app rather than the app. */
  factory: boolean;
  /** The best health route found, if any. */
  health?: string;
}

/** FastAPI and Flask apps a server can import from this file: `app = FastAPI(` or a factory. */
export function findApps(rel: string, text: string, tops: Set<string>): AppCandidate[] {
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  const file = rel.slice(dir ? dir.length + 1 : 0).replace(/\.py$/, '');
  const port = portInCode(text);
  // `my-api/app.py` has no dotted module path from the root, but runs from its folder.
  const module =
    moduleOf(rel) ?? (/^[A-Za-z_]\w*$/.test(file) && file !== '__init__' ? file : undefined);
  if (module === undefined) return [];
  const found: AppCandidate[] = [];
  for (const kind of ['fastapi', 'flask'] as const) {
    if (!tops.has(kind)) continue;
    const className = kind === 'fastapi' ? 'FastAPI' : 'Flask';
    const assigned = new RegExp(
      `^([A-Za-z_]\\w*)\\s*(?::[^=\\n]+)?=\\s*(?:${kind}\\.)?${className}\\s*\\(`,
      'm',
    ).exec(text)?.[1];
    const factory = /^def\s+(create_app|make_app|app_factory|get_app)\s*\(/m.exec(text)?.[1];
    const variable = assigned ?? factory;
    if (!variable) continue;
    const health = healthRoute(text, assigned);
    found.push({
      rel,
      dir,
      file,
      variable,
      imports: [...tops],
      ...(port !== undefined ? { port } : {}),
      module,
      kind,
      target: `${module}:${variable}`,
      factory: assigned === undefined,
      ...(health ? { health } : {}),
    });
  }
  return found;
}

/**
 * The port a file runs its server on: `app.run(port=9000)`, `uvicorn.run(app, port=8000)`,
 * a `--port` option's default, or a `PORT` variable's default.
 */
function portInCode(text: string): number | undefined {
  const patterns = [
    /\.run\([^)]*\bport\s*=\s*([0-9]{2,5})\b/,
    /add_argument\(\s*["']--port["'][^)]*\bdefault\s*=\s*["']?([0-9]{2,5})\b/,
    /option\(\s*["']--port["'][^)]*\bdefault\s*=\s*["']?([0-9]{2,5})\b/,
    /(?:environ\.get|getenv)\(\s*["'](?:[A-Z_]*_)?PORT["']\s*,\s*["']?([0-9]{2,5})\b/,
  ];
  for (const pattern of patterns) {
    const port = Number(pattern.exec(text)?.[1]);
    if (port >= 1 && port <= 65535) return port;
  }
  return undefined;
}

/** The best health route of the app; any decorated object counts inside a factory. */
function healthRoute(text: string, variable: string | undefined): string | undefined {
  const routes = new Set<string>();
  const decorator =
    /^\s*@([A-Za-z_]\w*)\.(?:get|head|route|api_route)\(\s*(?:(?:path|rule)\s*=\s*)?["']([^"']*)["']/gm;
  for (const match of text.matchAll(decorator)) {
    if (variable !== undefined && match[1] !== variable) continue;
    routes.add((match[2] ?? '').replace(/(.)\/$/, '$1'));
  }
  return HEALTH_PATHS.find((path) => routes.has(path));
}

/** `serving/app.py` -> `serving.app`; undefined when Python could not import it by that name. */
function moduleOf(rel: string): string | undefined {
  const parts = rel.replace(/\.py$/, '').split('/');
  if (parts.at(-1) === '__init__') parts.pop();
  if (parts.length === 0 || parts.at(-1) === '__main__') return undefined;
  return parts.every((p) => /^[A-Za-z_]\w*$/.test(p)) ? parts.join('.') : undefined;
}
