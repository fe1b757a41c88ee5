/**
 * `.dockerignore` patterns, as BuildKit reads them: one pattern a line, `#` comments, `!` to
 * re-include, `**` for any depth, the last matching pattern wins, and a pattern that matches a
 * folder excludes what is inside it.
 *
 * Format: https://docs.docker.com/build/concepts/context/#dockerignore-files
 */
import { posix } from 'node:path';

/** What a build context must keep out, with paths that stand for each. */
export interface ContextExclusion {
  what: string;
  /** Paths that must all be excluded. */
  paths: readonly string[];
  /** The patterns to add when they are not. */
  patterns: string;
}

/** The repository's history and local secrets: never in an image (audit DKR023, init, generate). */
export const HISTORY_AND_SECRETS: readonly ContextExclusion[] = [
  { what: 'the git history', paths: ['.git'], patterns: '.git' },
  { what: '.env files', paths: ['.env', '.env.local'], patterns: '.env, .env.*' },
];

/** Model weights: they belong in a model store or a volume, not in every image layer. */
export const WEIGHTS: ContextExclusion = {
  what: 'weights',
  paths: ['model.pt', 'checkpoints/model.pth', 'weights/model.safetensors', 'model.ckpt'],
  patterns: '**/*.pt, **/*.pth, **/*.ckpt, **/*.safetensors',
};

/** Whether the .dockerignore patterns exclude `path` (the last matching pattern wins, `!` re-includes). */
export function isExcluded(ignore: string, path: string): boolean {
  let result = false;
  for (const { negated, pattern } of compiledIgnore(ignore)) {
    if (pattern.test(path)) result = !negated;
  }
  return result;
}

/**
 * A .dockerignore as regular expressions, compiled once per text: an audit of a repository
 * asks the same file about every COPY of hundreds of Dockerfiles.
 */
const compiled = new Map<string, { negated: boolean; pattern: RegExp }[]>();

function compiledIgnore(ignore: string): { negated: boolean; pattern: RegExp }[] {
  let patterns = compiled.get(ignore);
  if (!patterns) {
    patterns = [];
    for (const raw of ignore.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const negated = line.startsWith('!');
      const pattern = posix
        .normalize((negated ? line.slice(1) : line).trim())
        .replace(/^\/+/, '')
        .replace(/\/+$/, '');
      if (pattern === '.' || pattern === '') continue;
      patterns.push({ negated, pattern: patternRegExp(pattern) });
    }
    compiled.set(ignore, patterns);
  }
  return patterns;
}

function patternRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern that matches a parent directory excludes what is inside it.
  return new RegExp(`^${source}(/.*)?$`);
}
