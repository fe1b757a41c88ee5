/**
 * Hostile values in envgen.yaml (fuzz report D11, D12, D14): control characters are escaped in
 * every message, C1 controls and Unicode line separators are refused in one-line fields with
 * their position, and deep nesting is a problem with its code and fix, not a JavaScript error.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printable } from '../../src/report/problems.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

function spec(model: string): string {
  return `version: 1\nmodels:\n  m:\n${model}`;
}

describe('D11: values are escaped in messages', () => {
  it('a terminal escape in torch is printed escaped, never raw', async () => {
    const dir = tmpDir({
      'envgen.yaml': spec('    torch: "\\e]0;PWNED\\a2.1\\e[2J"\n    cuda: cpu\n'),
    });
    const result = await runEnvgen(['resolve'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    expect(result.stderr).toContain('\\u001b]0;PWNED\\u00072.1\\u001b[2J');
  });

  it('a newline in a value stays on the line of its message', async () => {
    const dir = tmpDir({ 'envgen.yaml': spec('    torch: "2.1\\nRUN id"\n    cuda: cpu\n') });
    const result = await runEnvgen(['resolve'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    const line = result.stderr.split('\n').find((l) => l.includes('RUN id'));
    expect(line).toContain('2.1\\nRUN id');
    expect(line).toMatch(/^envgen\.yaml:4:\d+: error: /);
  });

  it('a model named 0 keeps the line and column of its value', async () => {
    const dir = tmpDir({
      'envgen.yaml': 'version: 1\nmodels:\n  0:\n    torch: "2.1\\nRUN id"\n    cuda: cpu\n',
    });
    const result = await runEnvgen(['resolve'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /^envgen\.yaml:4:12: error: models\.0\.torch .*\[spec\/invalid-value\]/m,
    );
  });

  it('printable escapes C0, DEL, C1 and the separators and keeps the rest', () => {
    expect(printable('a\u001b[2Jb\tc\u0085d\u2028e\u007f é ✓')).toBe(
      'a\\u001b[2Jb\\tc\\u0085d\\u2028e\\u007f é ✓',
    );
  });
});

describe('D12: C1 controls and line separators are refused in one-line fields', () => {
  for (const [name, value] of [
    ['U+2028', '"a\\u2028RUN id"'],
    ['U+2029', '"a\\u2029b"'],
    ['U+0085', '"b\\x85c"'],
  ] as const) {
    it(`${name} in serve.command: exit 2 at its line and column, nothing written`, async () => {
      const dir = tmpDir({
        'envgen.yaml': spec(
          `    torch: "2.4"\n    cuda: cpu\n    serve:\n      command: [python, ${value}]\n      port: 8080\n`,
        ),
      });
      const result = await runEnvgen(['generate', '--json'], { cwd: dir });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/^envgen\.yaml:7:\d+: error: .*\[spec\/invalid-value\]/m);
      expect(result.stderr).not.toMatch(RAW_CONTROL);
      expect(existsSync(join(dir, 'envs'))).toBe(false);
      expect(existsSync(join(dir, 'docker-bake.hcl'))).toBe(false);
    });
  }
});

describe('D14: deep nesting is a problem with a code and a fix', () => {
  for (const [name, value] of [
    ['lists', `${'['.repeat(10000)}${']'.repeat(10000)}`],
    ['maps', `${'{a: '.repeat(10000)}1${'}'.repeat(10000)}`],
  ] as const) {
    it(`10,000 nested ${name} in envgen.yaml: spec/too-deep, exit 2`, async () => {
      const dir = tmpDir({ 'envgen.yaml': spec(`    torch: ${value}\n`) });
      const result = await runEnvgen(['resolve', '--json'], { cwd: dir });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('[spec/too-deep]');
      expect(result.stderr).toContain('fix:');
      expect(result.stderr).not.toContain('call stack');
    });
  }

  it('10,000 nested lists in an environment file: ENV000 without the JavaScript message', async () => {
    const dir = tmpDir({
      'environment.yml': `name: x\ndependencies:\n  - ${'['.repeat(10000)}${']'.repeat(10000)}\n`,
    });
    const result = await runEnvgen(['audit', 'environment.yml', '--format', 'json'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    const diagnostics = JSON.parse(result.stdout).diagnostics as {
      ruleId: string;
      message: string;
      fix?: string;
    }[];
    expect(diagnostics.map((d) => d.ruleId)).toEqual(['ENV000']);
    expect(diagnostics[0]?.message).not.toContain('call stack');
    expect(diagnostics[0]?.fix).toBeTruthy();
  });
});
