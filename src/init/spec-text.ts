/**
 * Writes the text of a new envgen.yaml: versions quoted (so no YAML reader turns 3.10 into
 * 3.1), a schema modeline for editors, and a comment saying where each value came from.
 */
import { yamlScalar } from '../render/yaml-scalar.js';
import type { ModelSpec } from '../spec/types.js';

export interface NewSpec {
  name: string;
  model: ModelSpec;
  fleet?: { driver?: string; gpus?: string[] };
  /** Where the values came from, one line each (written as comments). */
  evidence: string[];
  /** The schema editors check the file against: a URL, or a path relative to the file. */
  schema: string;
}

export function specText({ name, model, fleet, evidence, schema }: NewSpec): string {
  const lines = [
    `# yaml-language-server: $schema=${schema}`,
    '# Written by `envgen init`. Edit it, then run `envgen generate`.',
  ];
  for (const line of evidence) lines.push(`#   ${oneLine(line)}`);
  lines.push('version: 1');
  if (fleet && (fleet.driver || fleet.gpus?.length)) {
    lines.push('fleet:');
    if (fleet.driver) lines.push(`  driver: ${quoted(fleet.driver)}`);
    if (fleet.gpus?.length) lines.push(`  gpus: [${fleet.gpus.map(quoted).join(', ')}]`);
  }
  lines.push('models:', `  ${yamlScalar(name)}:`);
  const field = (key: string, value: string | boolean | undefined, quote = true): void => {
    if (value === undefined) return;
    lines.push(
      `    ${key}: ${typeof value === 'boolean' ? String(value) : quote ? quoted(value) : yamlScalar(value)}`,
    );
  };
  field('torch', model.torch);
  field('python', model.python);
  field('cuda', model.cuda);
  field('source', model.source, false);
  field('base', model.base, false);
  field('platform', model.platform, false);
  field('vision', model.vision);
  field('audio', model.audio);
  for (const key of ['conda', 'pip', 'localPackages'] as const) {
    const entries = model[key];
    if (entries?.length) {
      lines.push(`    ${key}:`);
      for (const entry of entries) lines.push(`      - ${yamlScalar(entry)}`);
    }
  }
  if (model.serve) {
    lines.push(
      '    serve:',
      `      command: [${model.serve.command.map((arg) => JSON.stringify(arg)).join(', ')}]`,
    );
    if (model.serve.port) lines.push(`      port: ${model.serve.port}`);
    if (model.serve.health) lines.push(`      health: ${yamlScalar(model.serve.health)}`);
  }
  if (model.observe) {
    lines.push('    observe:');
    for (const [key, value] of Object.entries(model.observe)) {
      lines.push(`      ${key}: ${typeof value === 'number' ? value : yamlScalar(String(value))}`);
    }
  }
  const nameLine = lines.indexOf(`  ${yamlScalar(name)}:`);
  if (nameLine === lines.length - 1) lines[nameLine] = `  ${yamlScalar(name)}: {}`;
  return `${lines.join('\n')}\n`;
}

/** Always double-quoted, so versions stay strings in every YAML reader. */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/** Evidence quotes file content; a comment must stay one line. */
function oneLine(text: string): string {
  return text.replaceAll(/\p{Cc}+/gu, ' ');
}
