/**
 * A spec read from the spec cache has no positions until one is asked for (asking parses the
 * YAML again), so audit asks only for the positions of findings it reports. The example repo,
 * whose findings are all in generated files, is audited with a spec whose `locate` counts its
 * calls: none, and the same findings as with the parsed spec. A spec with a finding of its own
 * still gets its line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindOf } from '../../src/audit/discover.js';
import { auditTexts, type FileInput } from '../../src/audit/engine.js';
import { makeProject } from '../../src/audit/project.js';
import { parseSpecText } from '../../src/spec/load-spec.js';
import type { LoadedSpec } from '../../src/spec/types.js';

const EXAMPLE = new URL('../../fixtures/example-repo/', import.meta.url).pathname;

function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) walk(child);
      else files.set(relative(dir, child), readFileSync(child, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

function audit(files: Map<string, string>, spec: LoadedSpec) {
  const inputs: FileInput[] = [...files].flatMap(([file, text]) => {
    const kind = kindOf(file, () => text);
    return kind ? [{ file, text, kind }] : [];
  });
  const project = makeProject('/repo', files, [], {}, { spec });
  return auditTexts(inputs, project, { ignore: [], severity: {}, trustedRegistries: [] });
}

/** The spec of `text` as parsed, with its `locate` calls counted. */
function counted(text: string): { spec: LoadedSpec; calls: () => number } {
  const parsed = parseSpecText(text, 'envgen.yaml');
  let calls = 0;
  return {
    spec: {
      ...parsed,
      locate: (path) => {
        calls++;
        return parsed.locate(path);
      },
    },
    calls: () => calls,
  };
}

describe('positions of the spec in audit', () => {
  it('are not asked for when no finding is in envgen.yaml', () => {
    const files = filesUnder(EXAMPLE);
    const text = files.get('envgen.yaml') as string;
    // The example has a fleet (SPEC002 reads it) and serve commands (the OBS rules read them).
    expect(text).toContain('fleet:');
    expect(text).toContain('serve:');
    const { spec, calls } = counted(text);
    const result = audit(files, spec);
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.filter((d) => d.file === 'envgen.yaml')).toEqual([]);
    expect(calls()).toBe(0);
    expect(result).toEqual(audit(files, parseSpecText(text, 'envgen.yaml')));
  });

  it('are asked for a finding in envgen.yaml, which gets its line', () => {
    const files = filesUnder(EXAMPLE);
    // A driver below CUDA 11's floor (450.80.02): SPEC002 reports on each model's `cuda:`.
    const text = (files.get('envgen.yaml') as string).replace('"535.104.05"', '"440.33.01"');
    files.set('envgen.yaml', text);
    const { spec, calls } = counted(text);
    const found = audit(files, spec).diagnostics.filter((d) => d.ruleId === 'SPEC002');
    const lines = text.split('\n');
    const lineOf = (written: string) => lines.findIndex((l) => l.trim() === written) + 1;
    expect(found.map((d) => [d.file, d.line])).toEqual([
      ['envgen.yaml', lineOf('cuda: "11.8"')],
      ['envgen.yaml', lineOf('cuda: "11.7"')],
    ]);
    expect(calls()).toBeGreaterThan(0);
  });
});
