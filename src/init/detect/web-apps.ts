/**
 * FastAPI and Flask apps a server could start, found in one Python file's text.
 */

/** Decorators of health routes, best first. */
const HEALTH_PATHS = ['/health', '/healthz', '/ping', '/readyz', '/livez', '/ready'];

export interface AppCandidate {
  /** The file, relative to the repo root. */
  rel: string;
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
  const module = moduleOf(rel);
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
      module,
      kind,
      target: `${module}:${variable}`,
      factory: assigned === undefined,
      ...(health ? { health } : {}),
    });
  }
  return found;
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
