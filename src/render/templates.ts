/**
 * envgen's Handlebars: a private instance (nothing registered globally), no HTML escaping (the
 * output is YAML, Dockerfiles, HCL and shell, not HTML) and strict mode (a value missing from
 * the context is an error, never an empty string in a Dockerfile).
 *
 * `npm run build` compiles the templates beside the bundle (dist/templates.cjs, with the options
 * in scripts/handlebars-options.json), so the bundle carries only Handlebars' runtime, not its
 * compiler; running from source (tests), they are compiled from templates/ on first use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type HandlebarsModule from 'handlebars';
import HandlebarsRuntime from 'handlebars/runtime';
import OPTIONS from '../../scripts/handlebars-options.json';
import { packageFile } from '../io.js';

type TemplateName =
  | 'environment.yml'
  | 'Dockerfile'
  | 'dockerignore'
  | 'docker-bake.hcl'
  | 'envgen-run.sh'
  | 'envgen-serve.sh'
  | 'envgen-serve.service'
  | 'smoke_check.py'
  | 'github-workflow.yml'
  | 'gitlab-ci.yml'
  | 'gunicorn.conf.py'
  | 'envgen_observe.py'
  | 'envgen-observe.sh';

const PARTIALS = { buildStage: 'build-stage', runtimeStage: 'runtime-stage' } as const;

export type Render = (name: TemplateName, context: object) => string;

type Handlebars = typeof HandlebarsModule;

let cached: Render | undefined;

/** Compiles (or loads the compiled) templates once per process. */
export function templates(): Render {
  if (cached) return cached;
  const { instance, load } = loader();
  for (const [name, file] of Object.entries(PARTIALS)) instance.registerPartial(name, load(file));
  const compiled = new Map<TemplateName, HandlebarsTemplateDelegate>();
  cached = (name, context) => {
    let template = compiled.get(name);
    if (!template) {
      template = load(name);
      compiled.set(name, template);
    }
    return template(context);
  };
  return cached;
}

/** A private instance, and how it gets a template by file name (without `.hbs`). */
function loader(): { instance: Handlebars; load(file: string): HandlebarsTemplateDelegate } {
  const fromHere = createRequire(import.meta.url);
  let specs: Record<string, TemplateSpecification> | undefined;
  try {
    specs = fromHere('./templates.cjs') as Record<string, TemplateSpecification>;
  } catch {
    specs = undefined;
  }
  if (specs) {
    const precompiled = specs;
    const instance = (HandlebarsRuntime as unknown as Handlebars).create();
    return {
      instance,
      load: (file) => {
        const spec = precompiled[file];
        if (!spec) throw new Error(`no compiled template ${file} in dist/templates.cjs`);
        return instance.template(spec);
      },
    };
  }
  const instance = (fromHere('handlebars') as Handlebars).create();
  return {
    instance,
    load: (file) =>
      instance.compile(readFileSync(packageFile(`templates/${file}.hbs`), 'utf8'), OPTIONS),
  };
}
