/**
 * A repo's own `.dockerignore` is the user's, and init keeps it. envgen's Dockerfiles copy the
 * repo with `COPY . /app`, so what that file lets through lands in the image: init says what it
 * does not keep out among the things that must never go in.
 */
import { isExcluded } from '../dockerignore.js';
import type { Problem } from '../problem.js';

/** What must stay out of an image, with a path that stands for each. */
const MUST_EXCLUDE: readonly { what: string; paths: string[]; pattern: string }[] = [
  { what: 'the git history', paths: ['.git'], pattern: '.git' },
  { what: '.env files', paths: ['.env', '.env.local'], pattern: '.env, .env.*' },
  {
    what: 'weights',
    paths: ['model.pt', 'checkpoints/model.pth', 'weights/model.safetensors', 'model.ckpt'],
    pattern: '**/*.pt, **/*.pth, **/*.ckpt, **/*.safetensors',
  },
];

/** A warning for each kind of file the .dockerignore text lets into the image; none when it keeps all out. */
export function dockerignoreGaps(text: string, file = '.dockerignore'): Problem[] {
  const gaps = MUST_EXCLUDE.filter(({ paths }) => paths.some((path) => !isExcluded(text, path)));
  if (gaps.length === 0) return [];
  return [
    {
      ruleId: 'init/dockerignore-gaps',
      severity: 'warning',
      file,
      message: `your ${file} is kept as it is, but it does not keep out ${gaps.map((g) => g.what).join(', ')}: the Dockerfile's \`COPY . /app\` puts them in the image`,
      fix: `add to ${file}: ${gaps.map((g) => g.pattern).join(', ')}`,
    },
  ];
}
