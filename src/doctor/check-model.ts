/**
 * Can this machine run a model? The driver against the build's floors, and every GPU's
 * architecture against the build's arch list (or the measured floors where the list is not
 * known). Each problem says what to change: the driver to install, or the build that would work.
 */
import { checkArch, checkDriver, gpuLabel } from '../compat/fleet.js';
import { type ResolvedModel, type ResolveRequest, resolveModel } from '../compat/resolve.js';
import type { Table } from '../compat/table.js';
import type { Problem } from '../problem.js';
import type { ProblemCode } from '../problem-codes.js';
import type { Build, Release } from '../rules-format.js';
import { compareDotted } from '../versions/dotted.js';

export interface Machine {
  driver: string | null;
  /** Distinct compute capabilities of the GPUs (null entries: not known). */
  capabilities: string[];
}

export function modelProblems(
  table: Table,
  model: ResolvedModel,
  request: ResolveRequest,
  machine: Machine,
): Problem[] {
  if (model.cuda === 'cpu') return [];
  const found = findBuild(table, model);
  if (!found) return [];
  const { release, build } = found;
  const problems: Problem[] = [];
  const add = (
    ruleId: ProblemCode,
    severity: Problem['severity'],
    message: string,
    fix: string,
  ): void => {
    problems.push({ ruleId, severity, message: `${model.name}: ${message}`, fix });
  };
  const instead = alternative(table, model, request, machine);

  let minorCompat = false;
  if (machine.driver) {
    const verdict = checkDriver(table, model.cuda, machine.driver);
    const toolkit = verdict.floors.toolkit?.linux;
    if (verdict.kind === 'minor-compat') {
      minorCompat = true;
      add(
        'doctor/minor-compat',
        'warning',
        `driver ${machine.driver} runs CUDA ${model.cuda} only through minor-version compatibility (full support needs ${toolkit}): no PTX JIT, so a GPU reached only through PTX fails, and features that need a newer driver are missing`,
        `install driver ${toolkit} or newer${instead ? `, or ${instead}` : ''}`,
      );
    } else if (verdict.kind === 'too-old') {
      add(
        'doctor/driver-too-old',
        'error',
        `driver ${machine.driver} cannot run CUDA ${model.cuda} (it needs ${verdict.floors.compat?.linux ?? toolkit} or newer)`,
        `install driver ${toolkit ?? verdict.floors.compat?.linux} or newer${instead ? `, or ${instead}` : ''}`,
      );
    } else if (verdict.kind === 'unknown') {
      add(
        'doctor/driver-unknown',
        'info',
        `the table does not know the driver CUDA ${model.cuda} needs`,
        "check NVIDIA's CUDA release notes",
      );
    }
  }

  for (const gpu of machine.capabilities) {
    const verdict = checkArch(table, release, build, model.platform, gpu);
    const label = gpuLabel(table, gpu);
    switch (verdict.kind) {
      case 'missing':
        add(
          'doctor/arch-missing',
          'error',
          `the ${model.source} CUDA ${model.cuda} build of torch ${model.torch} has no kernels for GPU ${label} ("no kernel image is available for execution on the device")`,
          instead
            ? `use ${instead.replace(/^use /, '')}`
            : 'no known build of this torch carries this GPU; change the torch version (`envgen resolve --gpu ' +
                gpu +
                '`)',
        );
        break;
      case 'ptx':
        add(
          'doctor/ptx-only',
          minorCompat ? 'error' : 'warning',
          `GPU ${label} is reached only through PTX ${verdict.via} in this build: compiled on first start (slow)${minorCompat ? ', and not at all under minor-version compatibility' : ''}`,
          instead
            ? `use ${instead.replace(/^use /, '')} for native kernels`
            : 'pick a build with native kernels for this GPU',
        );
        break;
      case 'disputed':
        add(
          'doctor/arch-disputed',
          'warning',
          `sources disagree on whether this build carries GPU ${label}`,
          'run `envgen build --gpu` here to find out, or pick a build that certainly carries it',
        );
        break;
      case 'unknown':
        add(
          'doctor/arch-unknown',
          'info',
          `the table does not know whether this build carries GPU ${label}`,
          'run `envgen build --gpu` here: the smoke check runs a kernel on every GPU',
        );
        break;
      default:
        break;
    }
  }
  return problems;
}

function findBuild(
  table: Table,
  model: ResolvedModel,
): { release: Release; build: Build } | undefined {
  const minor = model.torch.split('.').slice(0, 2).join('.');
  const release = table.releases.find((r) => r.torch === minor);
  const build = release?.builds.find(
    (b) =>
      b.source === model.source && b.cuda === model.cuda && b.platforms.includes(model.platform),
  );
  return release && build ? { release, build } : undefined;
}

/**
 * The build this machine can run, as advice: the same torch with another CUDA build or source
 * first; else the nearest newer torch release (the smallest upgrade, not the newest one).
 */
function alternative(
  table: Table,
  model: ResolvedModel,
  request: ResolveRequest,
  machine: Machine,
): string | undefined {
  const fleet = {
    ...(machine.driver ? { driver: machine.driver } : {}),
    gpus: machine.capabilities,
  };
  const minor = (version: string): string => version.split('.').slice(0, 2).join('.');
  const newer = table.releases
    .map((r) => r.torch)
    .filter((torch) => compareDotted(torch, minor(model.torch)) > 0)
    .sort(compareDotted);
  const tries: Partial<ResolveRequest>[] = [
    { cuda: 'auto' },
    { cuda: 'auto', source: 'auto' },
    // Keep the model's Python where the newer torch supports it.
    ...newer.flatMap((torch) => [
      { cuda: 'auto', source: 'auto' as const, torch },
      { cuda: 'auto', source: 'auto' as const, torch, python: undefined },
    ]),
  ];
  for (const change of tries) {
    const outcome = resolveModel(table, { ...request, ...change, fleet });
    if (!outcome.ok) continue;
    const m = outcome.model;
    if (m.cuda === model.cuda && m.source === model.source && m.torch === model.torch) continue;
    const settings = [
      `cuda: "${m.cuda}"`,
      ...(m.source !== model.source ? [`source: ${m.source}`] : []),
      ...(m.torch !== model.torch ? [`torch: "${minor(m.torch)}"`] : []),
      ...(m.python !== model.python ? [`python: "${m.python}"`] : []),
    ];
    return `use torch ${m.torch} from ${m.source} with CUDA ${m.cuda} (set ${settings.join(', ')} in envgen.yaml)`;
  }
  return undefined;
}
