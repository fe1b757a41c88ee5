/**
 * Commander wiring only: flags -> one command module -> exit code. Command modules are
 * imported when their command runs, so `envgen --version` or `envgen rules` never load the
 * resolver's WASM or the schema compiler.
 */
import { Command, CommanderError, Option, type OptionValues } from '@commander-js/extra-typings';
import { type Io, PromptCancelled } from '../io.js';
import { UserError } from '../problem.js';
import { colorFor } from '../report/color.js';
import { writeJson } from '../report/json.js';
import { formatProblems } from '../report/problems.js';
import { didYouMean } from '../spec/did-you-mean.js';
import { EXIT, exitFor } from './exit-codes.js';
import { VERSION } from './version.js';
import { createWiring } from './wiring.js';

export async function runCli(argv: readonly string[], givenIo: Io): Promise<number> {
  let exitCode = 0;
  let wroteStdout = false;
  // Copied with its accessors, not spread: a spread would read each getter now (stdinIsTTY
  // sets up standard input, which only `init` asks about).
  const io: Io = Object.defineProperties({} as Io, {
    ...Object.getOwnPropertyDescriptors(givenIo),
    stdout: {
      enumerable: true,
      value: {
        isTTY: givenIo.stdout.isTTY,
        write: (text: string) => {
          wroteStdout = true;
          givenIo.stdout.write(text);
        },
      },
    },
  });
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit 0; usage mistakes are exit 2 (DESIGN.md).
      return error.exitCode === 0 ? 0 : 2;
    }
    // Ctrl-C or Ctrl-D at a question: the user stopped the command, which has written nothing.
    if (error instanceof PromptCancelled) return EXIT.interrupted;
    if (error instanceof UserError) {
      io.stderr.write(formatProblems(error.problems, colorFor(io.stderr, io.env)));
      // With --json, a script reading stdout gets the problems too, unless the command already
      // printed its own JSON (resolve prints the models it could resolve, with the problems).
      if (argv.includes('--json') && !wroteStdout) writeJson(io, { problems: error.problems });
      return exitFor(error.problems);
    }
    throw error;
  }
  return exitCode;
}

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('envgen')
    .description(
      'Conda environments and Dockerfiles for PyTorch inference services, with pins that are right.',
    )
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`error: ${withHints(text.replace(/^error: /, ''))}`),
    })
    .showSuggestionAfterError(true)
    // Our own `help [command]`: commander's prints the whole help, with no error, for a name it
    // does not know.
    .helpCommand(false)
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 check failed, 2 bad input or usage, 3 a tool or the environment is missing.

Examples:
  $ envgen resolve                                  pins for every model in ./envgen.yaml
  $ envgen resolve --torch 2.1 --python 3.11 --cuda 11.8 --json
  $ envgen resolve --torch 2.8 --gpu 6.1 --driver 550.54.15
  $ envgen rules --torch 2.4`,
    );

  const wire = createWiring(io, setExit);

  const resolve = withCommon(
    withPins(program.command('resolve'))
      .summary('print the resolved pins for each model, with the reason for each')
      .description(
        'Print the resolved pins (torch, Python, CUDA, source, domain libraries, channels, dependencies, driver floors, GPU architectures) for each model of envgen.yaml, or for the flags given, with one reason per decision.',
      )
      .argument('[model...]', 'models of envgen.yaml to resolve (default: all)')
      .option('--rules <file>', 'a compatibility table to lay over the built-in one (JSON or YAML)')
      .addHelpText(
        'after',
        `
With flags such as --torch, envgen.yaml is not read. --driver and --gpu alone override the spec's fleet.

Examples:
  $ envgen resolve
  $ envgen resolve sentiment --json
  $ envgen resolve --torch 2.1 --python 3.11 --cuda 11.8 --source pip
  $ envgen resolve --torch '>=2.8' --gpu 6.1,12.0 --driver 570.124.06`,
      ),
  );
  wire.action(resolve, async () => (await import('./commands/resolve.js')).runResolve);

  const rules = withCommon(
    program
      .command('rules')
      .summary('show the compatibility table')
      .description(
        'Show what envgen knows: for each torch release the Python range, the CUDA builds per source, paired torchvision/torchaudio, driver floors and GPU architectures, with sources and unconfirmed marks.',
      )
      .option('--torch <spec>', "releases to show in detail, e.g. 2.4 or '>=2.8'")
      .option('--rules <file>', 'a compatibility table to lay over the built-in one (JSON or YAML)')
      .addHelpText(
        'after',
        '\nExamples:\n  $ envgen rules\n  $ envgen rules --torch 2.4\n  $ envgen rules --torch 2.8 --json',
      ),
  );
  wire.action(rules, async () => (await import('./commands/rules.js')).runRules);

  const init = withCommon(
    withPins(program.command('init'))
      .summary('write envgen.yaml for a model repo (from flags or what it detects), then generate')
      .description(
        "Write envgen.yaml for the model repo in the current folder, from the flags and what the repo shows (environment files, requirements files and their variants, pyproject.toml and its optional groups, setup.py/setup.cfg read as text, the repo's Dockerfiles and READMEs, imports, a Flask/FastAPI/TorchServe app), check that it resolves, then generate the files. Every requirement not kept as written is a note on stderr (and in --json). Asks for the main values only when stdin is a terminal; never replaces envgen.yaml or a generated file without --force, and never a file of yours (a .dockerignore is kept).",
      )
      .option('--name <name>', 'model name (default: the folder name)')
      .addOption(
        new Option('--base <base>', 'image the environment is built in').choices([
          'miniconda',
          'miniforge',
          'micromamba',
        ]),
      )
      .option('--no-vision', 'leave torchvision out even if the repo uses it')
      .option('--no-audio', 'leave torchaudio out even if the repo uses it')
      .option(
        '--serve <command>',
        "the server command, arguments separated by spaces, e.g. 'gunicorn -b 0.0.0.0:8080 app:app'",
      )
      .option('--port <port>', 'the port the server listens on')
      .option('--health <path>', 'an HTTP path for the health check, e.g. /healthz')
      .option('-y, --yes', 'take the detected values and defaults without asking')
      .option('--force', 'replace an existing envgen.yaml and generated files edited by hand')
      .addHelpText(
        'after',
        "\nExamples:\n  $ envgen init\n  $ envgen init --yes --torch 2.4 --cuda 12.1\n  $ envgen init --yes --json          # the model, the files, and notes: [{file, line, text, action, reason}]\n  $ envgen init --name detector --serve 'uvicorn main:app --host 0.0.0.0 --port 8000' --port 8000 --health /health",
      ),
  );
  wire.action(init, async () => (await import('./commands/init.js')).runInit);

  const generate = withCommon(
    program
      .command('generate')
      .summary("render each model's environment.yml and Dockerfile (--check: exit 1 on drift)")
      .description(
        'Render, for each model of envgen.yaml, envs/<model>/environment.yml and envs/<model>/Dockerfile, plus .dockerignore, docker-bake.hcl, the smoke-check script and any bundles. Writes only what changed, atomically; never overwrites a file edited by hand without --force.',
      )
      .argument('[model...]', 'models to generate (default: all)')
      .option('--check', 'write nothing; exit 1 when a file is missing, stale or edited by hand')
      .option('--force', 'overwrite files edited by hand')
      .option('--prune', 'delete files envgen wrote for models or bundles no longer in envgen.yaml')
      .option('--rules <file>', 'a compatibility table to lay over the built-in one (JSON or YAML)')
      .addHelpText(
        'after',
        '\nExamples:\n  $ envgen generate\n  $ envgen generate sentiment\n  $ envgen generate --check        (in CI or a pre-commit hook)\n  $ envgen generate --check --json',
      ),
  );
  wire.action(generate, async () => (await import('./commands/generate.js')).runGenerate);

  const lock = withCommon(
    program
      .command('lock')
      .summary('solve each environment with a real conda solver and write explicit locks')
      .description(
        "Solve each model's environment for its platform (and envgen.yaml `lock.platforms`) with rattler, conda's solver in WASM, against the channels' repodata and the virtual packages of the target (__cuda at the model's CUDA, __glibc of the runtime image), not this machine's. Writes envs/<model>/conda-<platform>.lock (@EXPLICIT: each package's URL and MD5; `conda create --file` installs it without a solve) and envs/<model>/pip-requirements.txt, then switches the Dockerfiles to install from them. A lock whose inputs (spec, compatibility table, envgen version) have not changed is kept; --update solves again. Repodata is cached with ETags in $ENVGEN_CACHE_DIR (default ~/.cache/envgen).",
      )
      .argument('[model...]', 'models to lock (default: all)')
      .option(
        '--check',
        'solve nothing, fetch nothing; exit 1 when a lock is missing, stale or edited',
      )
      .option('--update', 'solve again even where the lock is current (newer packages)')
      .option('--force', 'overwrite locks edited by hand')
      .option(
        '--platform <platform...>',
        "lock for these platforms instead of each model's own and lock.platforms (linux-64, linux-aarch64)",
      )
      .option(
        '--mirror <channel=url...>',
        'fetch a channel from a mirror, e.g. conda-forge=https://mirror.example.com/conda-forge',
      )
      .option('--offline', 'use cached repodata only; never touch the network')
      .option(
        '--timeout <duration>',
        'time limit for fetching all repodata: seconds, or 90s, 15m, 1h (default 15m)',
      )
      .option('--rules <file>', 'a compatibility table to lay over the built-in one (JSON or YAML)')
      .addHelpText(
        'after',
        '\nExamples:\n  $ envgen lock\n  $ envgen lock sentiment --update\n  $ envgen lock --platform linux-64 linux-aarch64\n  $ envgen lock --mirror conda-forge=https://mirror.example.com/conda-forge\n  $ envgen lock --check            (in CI: exit 1 when a lock is stale)',
      ),
  );
  wire.action(lock, async () => (await import('./commands/lock.js')).runLockCommand);

  const build = withCommon(
    program
      .command('build')
      .summary('create each environment with conda and prove it with a smoke check (CI)')
      .description(
        "In CI: check that the generated files are current, create each model's environment with the conda tool found here (CONDA_OVERRIDE_CUDA set for GPU models, so a CPU-only runner solves the GPU build), run the smoke check in it and compare what it saw with the resolved pins; with --docker, build the images with BuildKit and run the smoke check inside them.",
      )
      .argument('[model...]', 'models to build (default: all)')
      .option(
        '--conda <path>',
        'the conda, mamba or micromamba executable to use (default: $MAMBA_EXE, $CONDA_EXE, then PATH)',
      )
      .option(
        '--docker',
        'also build each image (docker buildx bake) and run the smoke check inside it',
      )
      .option(
        '--builder <name>',
        'with --docker: the buildx builder that bakes the images (a kubernetes or remote BuildKit builder; default: the current one)',
      )
      .option(
        '--gpu',
        'require a visible GPU, its architecture in the build, and a working device operation',
      )
      .option('--jobs <n>', 'models built at once', '1')
      .option('--timeout <duration>', 'limit per step: seconds, or 90s, 15m, 1h')
      .option('--keep', 'keep the environment of a failed or stopped step for inspection')
      .option('--write', 'regenerate the files first instead of failing when they are not current')
      .option('--prefix-root <dir>', 'where environments are created (default: .envgen/envs)')
      .option('--report <file>', 'write the JSON report to FILE')
      .option('--junit <file>', 'write a JUnit XML report to FILE (CI test views)')
      .option('--rules <file>', 'a compatibility table to lay over the built-in one (JSON or YAML)')
      .addHelpText(
        'after',
        '\nWith GITHUB_STEP_SUMMARY set (GitHub Actions), a Markdown summary is appended there.\n\nExamples:\n  $ envgen build\n  $ envgen build --jobs 2 --timeout 30m --junit build.xml\n  $ envgen build sentiment --docker --gpu      (on a GPU runner)\n  $ envgen build --docker --builder k8s         (bake on a kubernetes BuildKit builder)',
      ),
  );
  wire.interruptible(build, async () => (await import('./commands/build.js')).runBuild);

  const doctor = withCommon(
    program
      .command('doctor')
      .summary('check this GPU machine: driver, GPUs, conda, Docker, and which models can run')
      .description(
        "On a GPU machine: the driver and every GPU with its compute capability, the highest CUDA the driver supports, the conda tool and the CUDA it detects, Docker and the NVIDIA runtime, variables that shadow an environment's libraries; and for each model of envgen.yaml, whether it can run here (driver floors, GPU architectures, the smoke check in its environment when it exists). Every problem comes with the fix.",
      )
      .argument('[model...]', 'models to check (default: all)')
      .option('--conda <path>', 'the conda, mamba or micromamba executable to look at')
      .option(
        '--docker',
        'the models run in containers here: a missing Docker or NVIDIA runtime is an error',
      )
      .option(
        '--prefix-root <dir>',
        'where envgen build created the environments (default: .envgen/envs)',
      )
      .option('--rules <file>', 'a compatibility table to lay over the built-in one (JSON or YAML)')
      .addHelpText(
        'after',
        '\nExamples:\n  $ envgen doctor\n  $ envgen doctor sentiment --json\n  $ envgen doctor --docker',
      ),
  );
  wire.interruptible(doctor, async () => (await import('./commands/doctor.js')).runDoctor);

  const drift = withCommon(
    program
      .command('drift')
      .summary("check each model's installed environment against its lock (exit 1 on drift)")
      .description(
        "Compare each model's installed environment (where envgen build created it, .envgen/envs/<model>, or --prefix DIR) with its lock: conda packages missing, extra, or of another version, build or channel than envs/<model>/conda-<platform>.lock; pip distributions nothing asked for and pip pins not met (pip-requirements.txt); and files changed or deleted since install (each file's SHA-256 against conda-meta's paths_data and pip's RECORD).",
      )
      .argument('[model...]', 'models to check (default: every model whose environment exists)')
      .option('--prefix <dir>', 'the environment to check, for the one model named')
      .option(
        '--prefix-root <dir>',
        'where envgen build created the environments (default: .envgen/envs)',
      )
      .option('--no-files', 'compare packages only; do not hash the installed files')
      .addHelpText(
        'after',
        '\nExamples:\n  $ envgen drift\n  $ envgen drift sentiment --json\n  $ envgen drift sentiment --prefix /opt/env\n  $ envgen drift --no-files          (packages only: fast on a 20 GB environment)',
      ),
  );
  wire.action(drift, async () => (await import('./commands/drift.js')).runDrift);

  const audit = withCommon(
    program
      .command('audit')
      .summary('lint environment files, Dockerfiles and envgen.yaml against the rule catalogue')
      .description(
        'Lint conda environment files, Dockerfiles and envgen.yaml for the mistakes that break GPU images (rules ENV001-ENV021, DKR001-DKR030, SPEC001-SPEC006), and the observability traps of pre-fork servers (OBS001-OBS005). With no files: every Dockerfile and environment file under the folder that git does not ignore, envgen.yaml, and the Python files the OBS rules report in.',
      )
      .argument('[path...]', 'files or folders to audit (default: all found)')
      .addOption(
        new Option('--format <format>', 'output format (gitlab: a Code Quality report)')
          .choices(['text', 'json', 'sarif', 'github', 'gitlab'])
          .default('text'),
      )
      .addOption(
        new Option(
          '--fail-on <level>',
          'the lowest severity that fails (exit 1); default warning, or audit.failOn in envgen.yaml',
        ).choices(['error', 'warning', 'info']),
      )
      .addOption(
        new Option('--kind <kind>', 'what the named files are, whatever their names').choices([
          'dockerfile',
          'environment',
          'spec',
          'python',
        ]),
      )
      .option('--fix', 'apply the mechanical fixes (atomically, only to files with findings)')
      .option('--explain <rule>', 'print what a rule checks, why, and how to fix it')
      .option('--list', 'list every rule: id, severity, what it checks, hadolint/BuildKit aliases')
      .option('--only <rules...>', 'run only these rules (ids or aliases, comma-separated)')
      .option('--ignore <rules...>', 'do not run these rules (ids or aliases, comma-separated)')
      .option(
        '--pin <image=tag...>',
        'with --fix: pin these base images to the tags named (e.g. continuumio/miniconda3=25.3.1-1)',
      )
      .addHelpText(
        'after',
        '\nIgnore one instruction or line with a comment above it: # envgen ignore=DKR008 <reason>\nIgnore a rule in a whole file: # envgen ignore-file=ENV012\n\nExamples:\n  $ envgen audit\n  $ envgen audit Dockerfile environment.yml --fail-on error\n  $ envgen audit --format sarif > envgen.sarif      (GitHub code scanning)\n  $ envgen audit --format github                    (annotations in GitHub Actions)\n  $ envgen audit --format gitlab > gl-code-quality-report.json   (GitLab Code Quality)\n  $ envgen audit --explain DKR008\n  $ envgen audit --list\n  $ envgen audit --only DKR017,DKR019 docker/',
      ),
  );
  wire.action(audit, async () => (await import('./commands/audit.js')).runAudit);

  const graph = withCommon(
    program
      .command('graph')
      .summary("the dependency graph of a model's lock or an installed environment")
      .description(
        "The dependency graph of a model's envs/<model>/conda-lock.yml (or of an installed environment, --prefix DIR): from the spec's own packages down, as a tree, JSON, DOT or Mermaid; with --invert, who depends on a package. Reports cycles, and where sizes are known (a lock's: the repodata `size` in the cache `envgen lock` filled, read offline; an installed environment's: conda-meta), what each of the spec's packages pulls in and how much of it is CUDA libraries.",
      )
      .argument('[model]', "the model of envgen.yaml (default: the spec's only model)")
      .option('--prefix <dir>', 'an installed environment (its conda-meta/) instead of the lock')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(['text', 'json', 'dot', 'mermaid'] as const)
          .default('text' as const),
      )
      .option(
        '--invert [package]',
        'who depends on PACKAGE (without one: every package, upside down)',
      )
      .option('--platform <platform>', "the lock's platform to read (default: the model's own)")
      .addHelpText(
        'after',
        '\nExamples:\n  $ envgen graph sentiment\n  $ envgen graph sentiment --invert libcublas\n  $ envgen graph sentiment --format dot | dot -Tsvg > sentiment.svg\n  $ envgen graph --prefix /opt/env --format mermaid',
      ),
  );
  wire.action(graph, async () => (await import('./commands/graph.js')).runGraph);

  const why = withCommon(
    program
      .command('why')
      .summary('why a package is in an environment: the shortest paths from the spec to it')
      .description(
        "Every shortest path from the spec's own packages to PACKAGE, with the match spec at each step, in a model's conda-lock.yml (or an installed environment, --prefix DIR). With no model named: every model that has a lock. A package in none of them is exit 1, with the closest name.",
      )
      .argument('<package>', 'the package to explain')
      .argument('[model]', 'the model of envgen.yaml (default: every model with a lock)')
      .option('--prefix <dir>', 'an installed environment (its conda-meta/) instead of the lock')
      .option('--platform <platform>', "the lock's platform to read (default: the model's own)")
      .addHelpText(
        'after',
        '\nExamples:\n  $ envgen why libcublas sentiment\n  $ envgen why numpy --json\n  $ envgen why cudnn --prefix .envgen/envs/sentiment',
      ),
  );
  wire.action(why, async () => (await import('./commands/graph.js')).runWhy);

  const diff = withCommon(
    program
      .command('diff')
      .summary('compare two environments package by package (CUDA variant changes first)')
      .description(
        'Compare two environments: each side a model of envgen.yaml (its lock, else its resolved pins), an explicit lock, a conda-lock.yml, a pixi.lock, an environment.yml, an installed prefix (conda-meta/), a pip freeze or requirements file, or any of these at a git revision (REV:path). Each change is classified: CUDA variant, Python ABI, downgrade, removed, upgrade, added, channel switch, rebuilt.',
      )
      .argument('<from>', 'the environment before: a model, a file, a prefix, or REV:path')
      .argument('<to>', 'the environment after')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(['text', 'markdown', 'json'] as const)
          .default('text' as const),
      )
      .option(
        '--fail-on <classes>',
        'exit 1 when a change of these classes is found, comma-separated: variant, abi, downgrade, removed, upgrade, added, channel, rebuilt, or any',
      )
      .option(
        '--platform <platform>',
        "the platform to compare in multi-platform locks and models (default: the other side's, else linux-64)",
      )
      .addHelpText(
        'after',
        '\nExamples:\n  $ envgen diff sentiment legacy-detector\n  $ envgen diff main:envs/sentiment/conda-linux-64.lock envs/sentiment/conda-linux-64.lock --format markdown\n  $ envgen diff main:sentiment sentiment --fail-on variant,abi,downgrade\n  $ envgen diff pixi.lock requirements.txt --json',
      ),
  );
  wire.action(diff, async () => (await import('./commands/diff.js')).runDiff);

  const vulns = withCommon(
    program
      .command('vulns')
      .summary('known vulnerabilities of each environment (OSV), with the fix the fleet can run')
      .description(
        "The known vulnerabilities of each environment: the models of envgen.yaml (their locks, else their resolved pins and pip entries) or files (an explicit lock, conda-lock.yml, pixi.lock, environment.yml, requirements or pip freeze, an installed prefix). Conda names are mapped to PyPI names (conda-forge's mapping as prefix.dev's parselmouth publishes it); a package that cannot be mapped is reported as not checked. Advisories come from OSV's API, or an OSV export with --db. For a model with torch advisories: the smallest torch upgrade that fixes them and still runs on the spec's fleet, or what in the fleet blocks it.",
      )
      .argument('[input...]', 'models of envgen.yaml, or files and folders (default: every model)')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(['text', 'json', 'sarif', 'github'] as const)
          .default('text' as const),
      )
      .addOption(
        new Option('--fail-on <severity>', 'the lowest advisory severity that fails (exit 1)')
          .choices(['low', 'moderate', 'high', 'critical'] as const)
          .default('high' as const),
      )
      .option(
        '--ignore <id>',
        'accept this advisory for this run (an id or alias; repeat, or comma-separated)',
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      )
      .option(
        '--db <path>',
        "an OSV export instead of OSV's API: PyPI-all.zip, or a folder of OSV JSON",
      )
      .option(
        '--platform <platform>',
        "the platform to check in multi-platform locks and models (default: linux-64, else the input's first)",
      )
      .option(
        '--image <ref>',
        "also check the environment (/opt/env, conda's packages) of a built image, read with docker create and docker cp (repeat for more)",
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      )
      .addHelpText(
        'after',
        '\nExamples:\n  $ envgen vulns\n  $ envgen vulns --image sentiment:envgen-check --db PyPI-all.zip\n  $ envgen vulns sentiment --db PyPI-all.zip\n  $ envgen vulns envs/sentiment/conda-linux-64.lock --fail-on critical\n  $ envgen vulns --format sarif > vulns.sarif      (GitHub code scanning)\n  $ envgen vulns --ignore GHSA-63cw-57p8-fm3p --json',
      ),
  );
  wire.action(vulns, async () => (await import('./commands/vulns.js')).runVulns);

  const ci = withCommon(
    program
      .command('ci')
      .summary(
        'write the CI pipeline for the models: checks, environments, images (--check: exit 1 on drift)',
      )
      .description(
        'Write the CI pipeline for the models of envgen.yaml: GitHub Actions (.github/workflows/envgen.yml) or GitLab CI (.gitlab-ci.yml). A check stage (generate --check, ci --check, lock --check, audit and vulns reports), one job per model that builds its environment from the lock with micromamba (package downloads cached, keyed on the lock) and proves it with envgen build, and one job per image that bakes it with a registry cache of its own and pushes it from the default branch only. Actions are pinned by commit. Written like generate writes: only when it changes, atomically, never over a file edited by hand or not written by envgen without --force.',
      )
      .argument('<provider>', 'github or gitlab')
      .option(
        '--check',
        'write nothing; exit 1 when the pipeline is missing, stale or edited by hand',
      )
      .option('--force', 'overwrite a pipeline edited by hand or not written by envgen')
      .option(
        '--registry <ref>',
        'where images and their caches go, e.g. ghcr.io/OWNER/REPO (GitHub: required; GitLab: default $CI_REGISTRY_IMAGE)',
      )
      .option('--branch <name>', 'GitHub: the branch that pushes images (default main)')
      .option(
        '--min-free-gb <n>',
        'free disk space the build jobs require before they start (default 20)',
      )
      .addHelpText(
        'after',
        '\nExamples:\n  $ envgen ci github --registry ghcr.io/acme/models\n  $ envgen ci gitlab\n  $ envgen ci github --registry ghcr.io/acme/models --check     (in CI: exit 1 when stale)',
      ),
  );
  wire.action(ci, async () => (await import('./commands/ci.js')).runCi);
  const rollout = withCommon(
    program
      .command('rollout')
      .summary('build, prove and switch a running service to a new environment (GPU box)')
      .description(
        "On a GPU machine (no Docker): build the model's environment at a versioned path, <root>/<model>@<hash> (conda environments cannot be moved, so each is built where it stays), prove it (the smoke check, then serve.warmup), point <root>/<model>/current at it (a new link renamed over the old) and tell the running service: --pidfile FILE runs gunicorn's upgrade (USR2, the new master's FILE.2 and its health on 127.0.0.1, WINCH and TERM to the old master), --pidfile FILE --signal HUP sends one signal, --restart-command runs a command. Anything that fails puts current back and keeps the old server (exit 1). Every step is a line of <root>/rollout.jsonl; one rollout of a model at a time.",
      )
      .argument('[model]', 'the model to roll out (with --status: default all)')
      .option(
        '--root <dir>',
        "where versioned environments, the current links, the lock files and the log live (default: .envgen/rollout, apart from envgen build's .envgen/envs; the generated envgen-serve script and unit use it)",
      )
      .option('--pidfile <file>', "the server's pidfile: gunicorn's USR2 upgrade (or --signal)")
      .option('--signal <name>', 'with --pidfile: send this signal instead (HUP, USR1, USR2)')
      .option(
        '--restart-command <command>',
        'run this command (no shell) after the switch: words split at spaces, or a JSON list of arguments',
      )
      .option('--health-timeout <seconds>', 'how long serve.health has to answer 2xx', '30')
      .option('--gpu', 'the smoke check requires a visible GPU and a working device operation')
      .option('--conda <path>', 'the conda, mamba or micromamba executable to build with')
      .option('--timeout <duration>', 'limit per build step: seconds, or 90s, 15m, 1h')
      .option('--rollback', 'point current back at the previous environment and tell the service')
      .option(
        '--keep <n>',
        'after a switch, keep the N newest environments (never current or previous)',
      )
      .option('--status', "each model's current and previous environments and whether it answers")
      .addHelpText(
        'after',
        "\nExamples:\n  $ envgen rollout sentiment --gpu --pidfile /run/sentiment/gunicorn.pid --keep 3\n  $ envgen rollout sentiment --restart-command 'systemctl restart envgen-sentiment@srv-models.service'\n  $ envgen rollout sentiment --rollback --pidfile /run/sentiment/gunicorn.pid\n  $ envgen rollout --status --json",
      ),
  );
  wire.interruptible(rollout, async () => (await import('./commands/rollout.js')).runRollout);

  program
    .command('help')
    .argument('[command]', 'the command to show the help of')
    .summary('display help for command')
    .action((name) => {
      if (name === undefined) return program.outputHelp();
      const command = program.commands.find((c) => c.name() === name && c.name() !== 'help');
      if (command) return command.outputHelp();
      const names = program.commands.map((c) => c.name()).filter((n) => n !== 'help');
      const near = didYouMean(name, names);
      program.error(
        `error: unknown command '${name}'${near ? `\n(Did you mean ${near}?)` : ''}\nCommands: ${names.join(', ')}\n`,
        { exitCode: 2, code: 'commander.unknownCommand' },
      );
    });

  return program;
}

/** The pins and fleet a user can give as flags (resolve, init). */
function withPins<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) {
  return command
    .option('--torch <spec>', "torch version spec: '2.1' (the 2.1 series), '2.1.2', '>=2.1,<2.3'")
    .option('--python <version>', 'Python major.minor, e.g. 3.11')
    .option('--cuda <version>', 'CUDA X.Y, cpu, or auto')
    .addOption(
      new Option('--source <source>', 'where torch comes from').choices([
        'auto',
        'pytorch',
        'conda-forge',
        'pip',
      ]),
    )
    .addOption(
      new Option('--platform <platform>', 'conda platform').choices(['linux-64', 'linux-aarch64']),
    )
    .option('--vision', 'add the paired torchvision')
    .option('--audio', 'add the paired torchaudio')
    .option('--driver <version>', "the fleet's oldest NVIDIA driver, e.g. 535.104.05")
    .option(
      '--gpu <cc>',
      "the fleet's GPU compute capabilities, comma-separated or repeated: --gpu 8.0,9.0",
      gpuList,
    );
}

function withCommon<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return command
    .option('--json', 'machine-readable output on stdout')
    .option('--cwd <dir>', 'run as if started in DIR');
}

/**
 * `--gpu 8.0,9.0` or `--gpu 8.0 --gpu 9.0`. Not a variadic option: `--gpu 8.0 sentiment` would
 * take the model name for a GPU.
 */
function gpuList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  ];
}

/** Hints commander does not give: `-v` (a common guess for the version) is `-V`. */
function withHints(message: string): string {
  if (/^unknown option '-v'/.test(message))
    return `${message.trimEnd()}\n(the version is envgen -V or envgen --version)\n`;
  return message;
}
