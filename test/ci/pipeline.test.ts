// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub's expressions are `${{ … }}` in the YAML.
/**
 * The pipelines `envgen ci` renders: goldens for 1, 3 and 50 models, each validated by the real
 * validators (the GitHub workflow and GitLab CI JSON Schemas, actionlint), their jobs, caches,
 * pins and permissions read back from the YAML, and the input they refuse.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTIONS } from '../../src/ci/pins.js';
import { type CiInput, type CiModel, ciProblems, renderCi } from '../../src/ci/pipeline.js';
import { sealState } from '../../src/render/seal.js';
import { actionlintFindings, schemaErrors } from './ci-validators.js';

const NAMES = ['sentiment', 'legacy-detector', 'ocr.v2'];

function models(count: number): CiModel[] {
  return Array.from({ length: count }, (_, i) => ({
    name: count <= NAMES.length ? (NAMES[i] as string) : `model-${String(i + 1).padStart(2, '0')}`,
    platform: i % 7 === 2 ? 'linux-aarch64' : 'linux-64',
  }));
}

function input(over: Partial<CiInput> = {}): CiInput {
  return {
    provider: 'github',
    specFile: 'envgen.yaml',
    version: '0.1.0',
    models: models(3),
    bundles: [],
    registry: 'ghcr.io/acme/models',
    ...over,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, read by path in each assertion.
type Doc = Record<string, any>;

describe.each([1, 3, 50])('%i model(s)', (count) => {
  const github = renderCi(input({ models: models(count) }));
  const gitlab = renderCi(
    input({ provider: 'gitlab', models: models(count), registry: undefined }),
  );

  it('github: golden, sealed, valid for the workflow schema and actionlint', async () => {
    await expect(github.content).toMatchFileSnapshot(`__golden__/github-${count}.yml`);
    expect(github.path).toBe('.github/workflows/envgen.yml');
    expect(sealState(github.content)).toBe('intact');
    expect(schemaErrors('github-workflow', github.content)).toEqual([]);
    expect(await actionlintFindings(github.content)).toEqual([]);
  });

  it('gitlab: golden, sealed, valid for GitLab CI schema', async () => {
    await expect(gitlab.content).toMatchFileSnapshot(`__golden__/gitlab-${count}.yml`);
    expect(gitlab.path).toBe('.gitlab-ci.yml');
    expect(sealState(gitlab.content)).toBe('intact');
    expect(schemaErrors('gitlab-ci', gitlab.content)).toEqual([]);
  });

  it('github: one environment and one image job per model, each on a runner of its platform', () => {
    const doc = parse(github.content) as Doc;
    const env = doc.jobs.env.strategy.matrix.include as Doc[];
    expect(env.map((e) => e.model)).toEqual(models(count).map((m) => m.name));
    for (const [i, m] of models(count).entries()) {
      expect(env[i]).toEqual({
        model: m.name,
        runner: m.platform === 'linux-aarch64' ? 'ubuntu-24.04-arm' : 'ubuntu-24.04',
        lock: `envs/${m.name}/conda-${m.platform}.lock`,
        environment: `envs/${m.name}/environment.yml`,
      });
    }
    const images = doc.jobs.image.strategy.matrix.include as Doc[];
    expect(images.map((t) => t.target)).toEqual(
      models(count).map((m) => m.name.replaceAll('.', '_')),
    );
  });

  it('gitlab: one environment job (pkgs cached on its lock) and one image job per model', () => {
    const doc = parse(gitlab.content) as Doc;
    for (const m of models(count)) {
      const env = doc[`env:${m.name}`];
      expect(env.variables).toEqual({ MODEL: m.name, MICROMAMBA_PLATFORM: m.platform });
      expect(env.cache.key.files).toEqual([
        `envs/${m.name}/conda-${m.platform}.lock`,
        `envs/${m.name}/environment.yml`,
      ]);
      expect(env.cache.paths).toEqual(['.micromamba/pkgs']);
      const target = m.name.replaceAll('.', '_');
      expect(doc[`image:${target}`]).toMatchObject({
        extends: '.envgen-image',
        // After every check and the model's environment (needs: skips stage order).
        needs: [
          'envgen:generate',
          'envgen:ci',
          'envgen:lock',
          'envgen:audit',
          'envgen:vulns',
          `env:${m.name}`,
        ],
        variables: { TARGET: target },
      });
    }
  });
});

describe('github workflow', () => {
  const doc = parse(renderCi(input()).content) as Doc;
  const steps = (job: string): Doc[] => doc.jobs[job].steps;

  it('pins every action by the commit of its tag, with the tag in a comment', () => {
    const text = renderCi(input()).content;
    const uses = [...text.matchAll(/uses: (\S+)@(\S+) # (\S+)/g)];
    const all = Object.values(ACTIONS);
    expect(uses.length).toBeGreaterThanOrEqual(all.length);
    for (const [, action, commit, tag] of uses) {
      expect(commit).toMatch(/^[0-9a-f]{40}$/);
      expect(all).toContainEqual({ action, tag, commit });
    }
    // Every `uses:` line is one of those: nothing pinned by a tag alone.
    expect(text.match(/uses: /g)?.length).toBe(uses.length);
  });

  it('grants nothing by default and each job only what it needs', () => {
    expect(doc.permissions).toEqual({});
    expect(doc.jobs.check.permissions).toEqual({
      contents: 'read',
      'security-events': 'write',
      actions: 'read',
    });
    expect(doc.jobs.env.permissions).toEqual({ contents: 'read' });
    expect(doc.jobs.image.permissions).toEqual({ contents: 'read', packages: 'write' });
    const other = parse(renderCi(input({ registry: 'registry.example.com/team' })).content) as Doc;
    expect(other.jobs.image.permissions).toEqual({ contents: 'read' });
    expect(
      other.jobs.image.steps.find((s: Doc) => s.uses?.startsWith('docker/login-action')).with,
    ).toEqual({
      registry: 'registry.example.com',
      username: '${{ secrets.REGISTRY_USERNAME }}',
      password: '${{ secrets.REGISTRY_PASSWORD }}',
    });
  });

  it('runs the checks, and uploads the audit and vulns SARIF to code scanning', () => {
    const runs = steps('check')
      .map((s) => s.run)
      .filter(Boolean);
    expect(runs).toEqual([
      'npm install --global envgen@0.1.0',
      'envgen generate --check',
      'envgen ci github --check --registry ghcr.io/acme/models',
      'envgen lock --check',
      'envgen audit --format sarif > envgen-audit.sarif',
      'envgen vulns --format sarif > envgen-vulns.sarif',
    ]);
    const uploads = steps('check').filter((s) =>
      s.uses?.startsWith('github/codeql-action/upload-sarif@'),
    );
    expect(uploads.map((s) => s.with)).toEqual([
      { sarif_file: 'envgen-audit.sarif', category: 'envgen-audit' },
      { sarif_file: 'envgen-vulns.sarif', category: 'envgen-vulns' },
    ]);
  });

  it('installs micromamba with its downloads cached on the lock, then envgen build with a JUnit report', () => {
    const micromamba = steps('env').find((s) => s.uses?.startsWith('mamba-org/setup-micromamba@'));
    expect(micromamba?.with).toMatchObject({
      'cache-downloads': true,
      'cache-downloads-key':
        'micromamba-pkgs-${{ matrix.model }}-${{ hashFiles(matrix.lock, matrix.environment) }}',
    });
    const build = steps('env').find((s) => s.run?.startsWith('envgen build'));
    expect(build).toMatchObject({
      run: 'envgen build "$MODEL" --conda "$MAMBA_EXE" --junit envgen-build.xml',
      env: { MODEL: '${{ matrix.model }}' },
    });
  });

  it('guards the disk, then bakes one target with its registry cache, pushing from the branch only', () => {
    const names = steps('image').map((s) => s.name);
    expect(names.indexOf('Free disk space')).toBeLessThan(
      names.findIndex((n) => n.startsWith('Bake')),
    );
    expect(steps('image').find((s) => s.name === 'Free disk space')?.env).toEqual({
      MIN_FREE_GB: '20',
    });
    const bake = steps('image').find((s) => s.uses?.startsWith('docker/bake-action@'));
    expect(bake?.with).toEqual({
      source: '.',
      files: 'docker-bake.hcl',
      targets: '${{ matrix.target }}',
      push: "${{ env.PUSH == 'true' }}",
    });
    expect(bake?.env).toEqual({
      REGISTRY: 'ghcr.io/acme/models/',
      TAG: '${{ github.sha }}',
      CACHE_REGISTRY: "${{ env.TRUSTED == 'true' && 'ghcr.io/acme/models/' || '' }}",
      CACHE_WRITE: '${{ env.PUSH }}',
    });
    expect(doc.jobs.image.env.PUSH).toBe(
      "${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}",
    );
    expect(doc.on.push.branches).toEqual(['main']);
    const release = parse(renderCi(input({ branch: 'release/2.x' })).content) as Doc;
    expect(release.on.push.branches).toEqual(['release/2.x']);
    expect(release.jobs.image.env.PUSH).toContain("'refs/heads/release/2.x'");
  });

  it('puts no secret in a shell command', () => {
    for (const job of Object.values(doc.jobs) as Doc[]) {
      for (const step of job.steps as Doc[]) {
        expect(`${step.run ?? ''}${JSON.stringify(step.env ?? {})}`).not.toMatch(
          /secrets\.|TOKEN|PASSWORD/,
        );
      }
    }
  });

  it('bundles get an image job of their own', () => {
    const withBundle = parse(
      renderCi(input({ bundles: [{ name: 'serving', members: ['sentiment', 'ocr.v2'] }] })).content,
    ) as Doc;
    expect(withBundle.jobs.image.strategy.matrix.include.at(-1)).toEqual({
      target: 'serving',
      runner: 'ubuntu-24.04',
    });
  });
});

describe('gitlab pipeline', () => {
  const doc = parse(renderCi(input({ provider: 'gitlab', registry: undefined })).content) as Doc;

  it('writes the audit as a Code Quality report and runs every check', () => {
    expect(doc.stages).toEqual(['check', 'env', 'image']);
    expect(doc['envgen:audit'].script).toEqual([
      'envgen audit --format gitlab > gl-code-quality-report.json',
    ]);
    expect(doc['envgen:audit'].artifacts).toEqual({
      when: 'always',
      reports: { codequality: 'gl-code-quality-report.json' },
    });
    // Each check a job of its own: one that fails does not skip another.
    expect(doc['envgen:generate'].script).toEqual(['envgen generate --check']);
    expect(doc['envgen:ci'].script).toEqual(['envgen ci gitlab --check']);
    expect(doc['envgen:lock'].script).toEqual(['envgen lock --check']);
    expect(doc['envgen:vulns'].script).toEqual(['envgen vulns']);
    expect(doc['.envgen-env'].artifacts.reports).toEqual({ junit: 'envgen-build.xml' });
  });

  it("pushes to the project's registry from the default branch only, the password on stdin", () => {
    const image = doc['.envgen-image'];
    expect(image.variables).toMatchObject({
      REGISTRY: '$CI_REGISTRY_IMAGE/',
      CACHE_REGISTRY: '$CI_REGISTRY_IMAGE/',
      CACHE_WRITE: 'false',
      BAKE_PUSH: '',
    });
    expect(image.rules[0]).toEqual({
      if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
      variables: { CACHE_WRITE: 'true', BAKE_PUSH: '--push' },
    });
    expect(image.script).toEqual([
      'docker buildx bake --file docker-bake.hcl $BAKE_PUSH "$TARGET"',
    ]);
    const secretLines = (image.before_script as string[]).filter((l) => /PASSWORD/.test(l));
    expect(secretLines).toEqual([
      'printf \'%s\' "$CI_REGISTRY_PASSWORD" | docker login --username "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"',
    ]);
    expect((image.before_script as string[])[0]).toMatch(/df -Pk/);
  });

  it('another registry: its host and the project variables for the login', () => {
    const other = parse(
      renderCi(input({ provider: 'gitlab', registry: 'registry.example.com:5000/team' })).content,
    ) as Doc;
    expect(other['.envgen-image'].variables.REGISTRY).toBe('registry.example.com:5000/team/');
    expect(other['.envgen-image'].before_script).toContain(
      'printf \'%s\' "$REGISTRY_PASSWORD" | docker login --username "$REGISTRY_USER" --password-stdin "registry.example.com:5000"',
    );
  });
});

describe('the validators', () => {
  it('see a broken pipeline (so their silence above means something)', async () => {
    const github = renderCi(input()).content;
    expect(
      await actionlintFindings(github.replace('hashFiles(matrix.lock', 'hashFiles(matrix.lok')),
    ).not.toEqual([]);
    expect(
      await actionlintFindings(github.replace('needs: [check, env]', 'needs: [check, envs]')),
    ).not.toEqual([]);
    expect(
      schemaErrors(
        'github-workflow',
        github.replace('runs-on: ubuntu-24.04\n', 'runs-on: ubuntu-24.04\n    bogus: 1\n'),
      ),
    ).not.toEqual([]);
    const gitlab = renderCi(input({ provider: 'gitlab', registry: undefined })).content;
    expect(
      schemaErrors('gitlab-ci', gitlab.replace('when: always', 'when: sometimes')),
    ).not.toEqual([]);
  });
});

describe('bad input', () => {
  const codes = (over: Partial<CiInput>) => ciProblems(input(over)).map((p) => p.ruleId);

  it('a GitHub pipeline without a registry, or a registry Docker does not take', () => {
    expect(codes({ registry: undefined })).toEqual(['ci/invalid-registry']);
    for (const registry of [
      'ghcr.io/Acme/models',
      'ghcr.io/acme/models:latest',
      'https://ghcr.io/a',
      'a b',
      '',
    ]) {
      expect(codes({ registry })).toEqual(['ci/invalid-registry']);
    }
    expect(ciProblems(input({ registry: 'ghcr.io/Acme/models' }))[0]?.fix).toContain(
      'ghcr.io/acme/models',
    );
    expect(codes({ provider: 'gitlab', registry: undefined })).toEqual([]);
  });

  it('a model name that would break a job id or an image name', () => {
    expect(codes({ models: [{ name: 'Bad Name', platform: 'linux-64' }] })).toEqual([
      'ci/invalid-name',
    ]);
    expect(
      codes({
        registry: `ghcr.io/${'a'.repeat(190)}`,
        models: [{ name: 'x'.repeat(63), platform: 'linux-64' }],
      }),
    ).toEqual(['ci/invalid-name']);
    // The name to shorten is the spec's.
    expect(
      ciProblems(
        input({
          registry: `ghcr.io/${'a'.repeat(190)}`,
          models: [{ name: 'x'.repeat(63), platform: 'linux-64' }],
        }),
      ).map((p) => p.file),
    ).toEqual(['envgen.yaml']);
    // `a.b` and `a_b` are the same bake target (the spec refuses them first: a guard here).
    expect(
      codes({
        models: [
          { name: 'a.b', platform: 'linux-64' },
          { name: 'a_b', platform: 'linux-64' },
        ],
      }),
    ).toEqual(['ci/invalid-name']);
    expect(() =>
      renderCi(input({ models: [{ name: '${{ evil }}', platform: 'linux-64' }] })),
    ).toThrow();
  });

  it('a bad branch or disk size; --branch on GitLab', () => {
    expect(codes({ branch: "main' || true || '" })).toEqual(['usage/invalid-flag']);
    expect(codes({ branch: '../x' })).toEqual(['usage/invalid-flag']);
    expect(codes({ minFreeGb: 0 })).toEqual(['usage/invalid-flag']);
    expect(codes({ provider: 'gitlab', registry: undefined, branch: 'main' })).toEqual([
      'usage/invalid-flag',
    ]);
  });
});
