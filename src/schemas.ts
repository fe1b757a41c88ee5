/**
 * One Ajv instance for envgen's JSON Schemas (the spec and the compatibility table). The
 * schemas ship in `schemas/` so editors can use them too. Ajv is loaded and the validators
 * compiled on first use, so commands that validate nothing (`--version`, `rules`) do not pay
 * for it.
 */
import { createRequire } from 'node:module';
import type { default as AjvClass, ValidateFunction } from 'ajv';
import envgenSchema from '../schemas/envgen.schema.json';
import rulesSchema from '../schemas/rules.schema.json';
import AJV_OPTIONS from '../scripts/ajv-options.json';

let ajv: AjvClass | undefined;
const compiled = new Map<string, ValidateFunction>();

export function validatorFor(name: 'envgen' | 'rules'): ValidateFunction {
  let validate = compiled.get(name) ?? precompiled(name);
  if (!validate) {
    ajv ??= createAjv();
    validate = ajv.getSchema(`${name}.schema.json`);
    if (!validate) throw new Error(`schema ${name} is not registered`);
    compiled.set(name, validate);
  }
  return validate;
}

/**
 * The validators `npm run build` compiles beside the bundle (dist/validators.cjs); absent when
 * running from source (tests), where they are compiled on first use instead.
 */
function precompiled(name: 'envgen' | 'rules'): ValidateFunction | undefined {
  try {
    const validate = (
      createRequire(import.meta.url)('./validators.cjs') as Record<string, ValidateFunction>
    )[name];
    if (validate) compiled.set(name, validate);
    return validate;
  } catch {
    return undefined;
  }
}

function createAjv(): AjvClass {
  const { default: Ajv } = createRequire(import.meta.url)('ajv') as { default: typeof AjvClass };
  // The same options the build compiles dist/validators.cjs with.
  const instance = new Ajv(AJV_OPTIONS);
  instance.addSchema(rulesSchema, 'rules.schema.json');
  instance.addSchema(envgenSchema, 'envgen.schema.json');
  return instance;
}
