/** The CLI end to end, in-process, over the example repo in fixtures/ and temp folders. */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli } from '../../src/cli/program.js';
import { VERSION } from '../../src/cli/version.js';
import { createNodeIo } from '../../src/io.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const EXAMPLE = 'fixtures/example-repo';

describe('envgen', () => {
  it('--help lists every command of the contract', async () => {
    const { exitCode, stdout } = await runEnvgen(['--help']);
    expect(exitCode).toBe(0);
    for (const command of ['init', 'resolve', 'generate', 'build', 'doctor', 'audit', 'rules']) {
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('an unknown flag is a usage error (exit 2)', async () => {
    const { exitCode, stderr } = await runEnvgen(['resolve', '--torhc', '2.1']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('--torch');
  });

  it('--version and -V alone, answered before the parser loads, print what the parser prints', async () => {
    const io = (out: string[]) => ({
      ...createNodeIo(),
      stdout: { write: (text: string) => void out.push(text), isTTY: false },
      stderr: { write: (text: string) => void out.push(text), isTTY: false },
    });
    for (const flag of ['--version', '-V']) {
      const early: string[] = [];
      const parsed: string[] = [];
      expect(await main([flag], io(early))).toBe(0);
      expect(await runCli([flag], io(parsed))).toBe(0);
      expect(early.join('')).toBe(parsed.join(''));
      expect(early.join('')).toBe(`${VERSION}\n`);
    }
  });

  it('-v (a common guess) points at -V/--version', async () => {
    for (const argv of [['-v'], ['resolve', '-v']]) {
      const { exitCode, stdout, stderr } = await runEnvgen(argv);
      expect(exitCode).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^error: unknown option '-v'\n.*envgen -V.*--version/);
    }
  });

  it('help COMMAND prints that help; an unknown name is an error with a did-you-mean, exit 2', async () => {
    const lock = await runEnvgen(['help', 'lock']);
    expect(lock.exitCode).toBe(0);
    expect(lock.stdout).toMatch(/^Usage: envgen lock /);
    const all = await runEnvgen(['help']);
    expect(all.exitCode).toBe(0);
    expect(all.stdout).toMatch(/^Usage: envgen \[options\] \[command\]/);
    const typo = await runEnvgen(['help', 'genrate']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toMatch(/^error: unknown command 'genrate'\n\(Did you mean generate\?\)/);
    expect(typo.stderr).not.toContain('Usage:');
  });
});

describe('--gpu: one flag value, comma-separated or repeated', () => {
  const spec =
    'version: 1\nmodels:\n  a:\n    torch: "2.4"\n    cuda: "12.1"\n  b:\n    torch: "2.4"\n    cuda: "12.1"\n';

  it('a model name after --gpu 8.0 is a model, not a GPU', async () => {
    const { exitCode, stdout } = await runEnvgen(['resolve', '--gpu', '8.0', 'b', '--json'], {
      cwd: tmpDir({ 'envgen.yaml': spec }),
    });
    expect(exitCode).toBe(0);
    const models = JSON.parse(stdout).models;
    expect(models.map((m: { name: string }) => m.name)).toEqual(['b']);
    expect(JSON.stringify(models[0])).toContain('GPU 8.0 (');
  });

  it('--gpu 8.0,9.0 --gpu 7.5 is three GPUs', async () => {
    const { exitCode, stdout } = await runEnvgen(
      ['resolve', '--gpu', '8.0,9.0', '--gpu', '7.5', 'a', '--json'],
      { cwd: tmpDir({ 'envgen.yaml': spec }) },
    );
    expect(exitCode).toBe(0);
    const text = JSON.stringify(JSON.parse(stdout).models[0]);
    for (const gpu of ['8.0', '9.0', '7.5']) expect(text).toContain(`GPU ${gpu} (`);
  });
});

describe('envgen resolve', () => {
  it('--json prints the contract keys for each model of the spec', async () => {
    const { exitCode, stdout, stderr } = await runEnvgen(['resolve', '--json', '--cwd', EXAMPLE]);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const { models } = JSON.parse(stdout);
    expect(models.map((m: { name: string }) => m.name)).toEqual(['sentiment', 'legacy-detector']);
    for (const model of models) {
      for (const key of [
        'name',
        'torch',
        'python',
        'cuda',
        'source',
        'torchvision',
        'torchaudio',
        'channels',
        'dependencies',
        'pip',
        'minDriver',
        'archs',
        'reasons',
      ]) {
        expect(model).toHaveProperty(key);
      }
    }
    const [sentiment, legacy] = models;
    expect([sentiment.torch, sentiment.python, sentiment.cuda, sentiment.source]).toEqual([
      '2.1.2',
      '3.11',
      '11.8',
      'pytorch',
    ]);
    expect(sentiment.torchvision).toBe('0.16.2');
    expect(sentiment.torchaudio).toBeNull();
    expect(sentiment.dependencies).toEqual(
      expect.arrayContaining(['pytorch-cuda=11.8', 'transformers>=4.35', 'pip']),
    );
    // observe: pins opentelemetry-sdk from conda-forge, which covers the spec's bare pip entry.
    expect(sentiment.pip).toEqual(['torchserve']);
    expect(sentiment.dependencies).toContain('opentelemetry-sdk==1.39.1');
    expect(sentiment.observe).toMatchObject({ server: 'gunicorn', frameworks: ['flask'] });
    expect(legacy).not.toHaveProperty('observe');
    expect(sentiment.minDriver).toEqual({ toolkit: '520.61.05', compat: '450.80.02' });
    expect([legacy.torch, legacy.python, legacy.cuda]).toEqual(['1.13.1', '3.9', '11.7']);
  });

  it('resolves only the models named', async () => {
    const { stdout } = await runEnvgen(['resolve', 'legacy-detector', '--json', '--cwd', EXAMPLE]);
    expect(JSON.parse(stdout).models.map((m: { name: string }) => m.name)).toEqual([
      'legacy-detector',
    ]);
  });

  it('an unknown model name is exit 2 with a suggestion', async () => {
    const { exitCode, stderr } = await runEnvgen(['resolve', 'sentimnet', '--cwd', EXAMPLE]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain("'sentiment'");
  });

  it('works without a spec from flags', async () => {
    const { exitCode, stdout } = await runEnvgen(
      [
        'resolve',
        '--torch',
        '2.1',
        '--python',
        '3.11',
        '--cuda',
        '11.8',
        '--source',
        'pip',
        '--json',
      ],
      { cwd: tmpDir() },
    );
    expect(exitCode).toBe(0);
    const [model] = JSON.parse(stdout).models;
    expect(model.pip).toContain('torch==2.1.2+cu118');
  });

  it('--driver and --gpu override the spec fleet', async () => {
    const { exitCode, stderr } = await runEnvgen([
      'resolve',
      'legacy-detector',
      '--gpu',
      '9.0',
      '--cwd',
      EXAMPLE,
    ]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('[resolve/fleet]');
    expect(stderr).toMatch(/envgen\.yaml:\d+:\d+: error/);
  });

  it('constraints no build satisfies: exit 2, the spec line, and what would work', async () => {
    const dir = tmpDir({
      'envgen.yaml': 'version: 1\nmodels:\n  m:\n    torch: "2.1"\n    python: "3.13"\n',
    });
    const { exitCode, stdout, stderr } = await runEnvgen(['resolve'], { cwd: dir });
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('envgen.yaml:5:13: error');
    expect(stderr).toContain('[resolve/python]');
  });

  it('an invalid spec: exit 2, every problem with its position; with --json, the problems as JSON', async () => {
    const dir = tmpDir({
      'envgen.yaml': 'version: 1\nmodels:\n  m:\n    toch: "2.1"\n    cuda: 12\n',
    });
    const { exitCode, stdout, stderr } = await runEnvgen(['resolve', '--json'], { cwd: dir });
    expect(exitCode).toBe(2);
    expect(
      JSON.parse(stdout).problems.map((p: { ruleId: string; line: number }) => [p.ruleId, p.line]),
    ).toEqual([
      ['spec/unknown-key', 4],
      ['spec/invalid-value', 5],
    ]);
    expect(stderr).toContain('envgen.yaml:4:5: error');
    expect(stderr).toContain('envgen.yaml:5:11: error');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad flag value is exit 2 and names the flag', async () => {
    const { exitCode, stderr } = await runEnvgen(['resolve', '--cuda', '12', '--torch', '2.1']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('--cuda');
    expect(stderr).toContain('[usage/invalid-flag]');
  });

  it('--rules lays a user table over the built-in one', async () => {
    const rules = JSON.stringify({
      releases: [
        {
          torch: '2.15',
          released: '2026-11',
          patches: [
            { version: '2.15.0', torchvision: '0.30.0', torchaudio: '2.11.0', sources: [] },
          ],
          python: { min: '3.10', max: '3.14', experimental: [], sources: [] },
          pytorchChannel: null,
          builds: [{ source: 'pip', cuda: '13.2', platforms: ['linux-64'], sources: [] }],
          notes: [],
          sources: [],
        },
      ],
    });
    const dir = tmpDir({ 'rules.json': rules });
    const { exitCode, stdout } = await runEnvgen(
      ['resolve', '--torch', '2.15', '--json', '--rules', 'rules.json'],
      { cwd: dir },
    );
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout).models[0].torch).toBe('2.15.0');
  });

  it('a compat: section in envgen.yaml adds entries the same way', async () => {
    const spec = [
      'version: 1',
      'compat:',
      '  drivers:',
      '    - { cuda: "13.3", label: "CUDA 13.3 GA", linux: "600.10.01", windows: null, sources: [] }',
      '  releases:',
      '    - torch: "2.15"',
      '      released: "2026-11"',
      '      patches: [{ version: "2.15.0", torchvision: "0.30.0", torchaudio: "2.11.0", sources: [] }]',
      '      python: { min: "3.10", max: "3.14", experimental: [], sources: [] }',
      '      pytorchChannel: null',
      '      builds: [{ source: pip, cuda: "13.3", platforms: [linux-64], sources: [] }]',
      '      notes: []',
      '      sources: []',
      'models:',
      '  next:',
      '    torch: "2.15"',
      '',
    ].join('\n');
    const { exitCode, stdout } = await runEnvgen(['resolve', '--json'], {
      cwd: tmpDir({ 'envgen.yaml': spec }),
    });
    expect(exitCode).toBe(0);
    const [model] = JSON.parse(stdout).models;
    expect([model.torch, model.cuda]).toEqual(['2.15.0', '13.3']);
    expect(model.minDriver.toolkit).toBe('600.10.01');
  });

  it('an invalid --rules file is exit 2 with its line', async () => {
    const dir = tmpDir({ 'rules.yaml': 'releases:\n  - torch: 2.15\n    released: soon\n' });
    const { exitCode, stderr } = await runEnvgen([
      'resolve',
      '--torch',
      '2.1',
      '--rules',
      'rules.yaml',
    ]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('rules');
    const inDir = await runEnvgen(['resolve', '--torch', '2.1', '--rules', 'rules.yaml'], {
      cwd: dir,
    });
    expect(inDir.exitCode).toBe(2);
    expect(inDir.stderr).toMatch(/rules\.yaml:2:\d+: error/);
  });

  it('text output explains its [S3]-style source ids: each one cited is listed once under sources', async () => {
    for (const argv of [
      ['resolve', '--cwd', EXAMPLE],
      ['resolve', '--torch', '2.4', '--cuda', '12.1'],
    ]) {
      const { exitCode, stdout } = await runEnvgen(argv);
      expect(exitCode).toBe(0);
      const [body, legend = ''] = stdout.split('\nsources\n');
      const cited = new Set(body?.match(/\bS\d+\b/g));
      expect(cited.size).toBeGreaterThan(0);
      const listed = [...legend.matchAll(/^ {2}(S\d+) +\S/gm)].map((m) => m[1]);
      expect(new Set(listed)).toEqual(cited);
      expect(listed).toHaveLength(cited.size);
    }
  });

  it('the text output matches the snapshot (the wording is the contract here)', async () => {
    const { stdout } = await runEnvgen(['resolve', '--cwd', EXAMPLE]);
    await expect(stdout).toMatchFileSnapshot('__snapshots__/resolve-example.txt');
  });
});

describe('envgen rules', () => {
  it('lists every release', async () => {
    const { exitCode, stdout } = await runEnvgen(['rules', '--json']);
    expect(exitCode).toBe(0);
    const table = JSON.parse(stdout);
    expect(table.releases.map((r: { torch: string }) => r.torch)).toContain('1.12');
    expect(table.releases.length).toBeGreaterThanOrEqual(17);
  });

  it('--torch 2.4 shows its Pythons, builds per source, pairings and driver floors', async () => {
    const { exitCode, stdout } = await runEnvgen(['rules', '--torch', '2.4', '--json']);
    expect(exitCode).toBe(0);
    const { releases, drivers } = JSON.parse(stdout);
    expect(releases.map((r: { torch: string }) => r.torch)).toEqual(['2.4']);
    expect(drivers.map((d: { cuda: string }) => d.cuda)).toEqual(
      expect.arrayContaining(['11.8', '12.1', '12.4']),
    );
    const text = await runEnvgen(['rules', '--torch', '2.4']);
    for (const fact of ['3.8-3.12', '0.19.1', 'pytorch-cuda', '520.61.05'])
      expect(text.stdout).toContain(fact);
  });

  it('marks unconfirmed values', async () => {
    const { stdout } = await runEnvgen(['rules', '--torch', '2.12']);
    expect(stdout).toContain('unconfirmed');
  });
});

describe('standard input', () => {
  /** The machine's Io, but standard input is a terminal whose every look is counted. */
  function countingStdin(answer: boolean) {
    let looks = 0;
    const base = createNodeIo();
    const io = Object.defineProperties(
      { ...base, stdout: { write: () => undefined, isTTY: false } },
      {
        stdinIsTTY: {
          enumerable: true,
          get: () => {
            looks++;
            return answer;
          },
        },
      },
    ) as typeof base;
    return { io, looks: () => looks };
  }

  it('is not looked at by a command that asks nothing (it is set up on first look)', async () => {
    const { io, looks } = countingStdin(true);
    expect(await runCli(['resolve', '--torch', '2.1', '--cuda', '11.8', '--json'], io)).toBe(0);
    expect(looks()).toBe(0);
  });

  it('is looked at, through runCli, by init, which asks questions only on a terminal', async () => {
    const { io, looks } = countingStdin(false);
    const dir = tmpDir({ 'requirements.txt': 'torch==2.1.2\n' });
    expect(await runCli(['init', '--cwd', dir], io)).toBe(0);
    expect(looks()).toBeGreaterThan(0);
  });
});
