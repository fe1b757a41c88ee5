/**
 * envgen's Handlebars: a private instance (nothing registered globally), no HTML escaping (the
 * output is YAML, Dockerfiles, HCL and shell, not HTML) and strict mode (a value missing from
 * the context is an error, never an empty string in a Dockerfile).
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { packageFile } from '../io.js';

type TemplateName =
  | 'environment.yml'
  | 'Dockerfile'
  | 'dockerignore'
  | 'docker-bake.hcl'
  | 'envgen-run.sh'
  | 'smoke_check.py';

const PARTIALS = { buildStage: 'build-stage', runtimeStage: 'runtime-stage' } as const;

export type Render = (name: TemplateName, context: object) => string;

let cached: Render | undefined;

/** Compiles the templates once per process. */
export function templates(): Render {
  if (cached) return cached;
  const instance = Handlebars.create();
  const read = (file: string): string => readFileSync(packageFile(`templates/${file}.hbs`), 'utf8');
  const options = { strict: true, noEscape: true } as const;
  for (const [name, file] of Object.entries(PARTIALS)) {
    instance.registerPartial(name, instance.compile(read(file), options));
  }
  const compiled = new Map<TemplateName, HandlebarsTemplateDelegate>();
  cached = (name, context) => {
    let template = compiled.get(name);
    if (!template) {
      template = instance.compile(read(name), options);
      compiled.set(name, template);
    }
    return template(context);
  };
  return cached;
}
