/**
 * The NVIDIA Container Toolkit on this machine against its known container-escape advisories:
 * a container image that exploits one reaches the host, whatever the image's own packages. When
 * `nvidia-ctk` is not on PATH, the check is skipped (a note, not a problem).
 *
 * Fixed versions, from NVIDIA's security bulletins as others cite them (NVIDIA's own pages
 * could not be read here):
 * - CVE-2024-0132 (TOCTOU in the toolkit's mounts: container escape): affects 1.16.1 and
 *   earlier, fixed in 1.16.2 (NVIDIA bulletin 5582, September 2024).
 * - CVE-2025-23359 (the bypass of CVE-2024-0132's fix through CUDA forward-compatibility
 *   libraries and symbolic links): affects 1.17.3 and earlier, fixed in 1.17.4 (NVIDIA bulletin
 *   of February 2025; 1.17.4 moved forward-compatibility libraries to the host's, and 1.17.5
 *   brought them back safely).
 */
import type { Io } from '../io.js';
import { type Problem, problem } from '../problem.js';
import { compareDotted } from '../versions/dotted.js';

interface ToolkitAdvisory {
  id: string;
  fixed: string;
  what: string;
}

const ADVISORIES: readonly ToolkitAdvisory[] = [
  {
    id: 'CVE-2024-0132',
    fixed: '1.16.2',
    what: 'a crafted container image can escape to the host (time-of-check/time-of-use in the mounts)',
  },
  {
    id: 'CVE-2025-23359',
    fixed: '1.17.4',
    what: "a crafted container image can reach the host's file system (bypass of CVE-2024-0132's fix)",
  },
];

export interface ContainerToolkitCheck {
  /** The version `nvidia-ctk --version` printed; null when it is not here or did not say. */
  version: string | null;
  problems: Problem[];
  notes: string[];
}

export async function checkContainerToolkit(io: Io): Promise<ContainerToolkitCheck> {
  const path = await io.which('nvidia-ctk');
  if (!path) {
    return {
      version: null,
      problems: [],
      notes: [
        'nvidia-ctk is not on PATH: the NVIDIA Container Toolkit advisories were not checked',
      ],
    };
  }
  const result = await io.exec(path, ['--version'], { timeoutMs: 30_000 });
  const version =
    result.exitCode === 0
      ? (/version\s+v?(\d+\.\d+\.\d+)/i.exec(result.stdout)?.[1] ?? null)
      : null;
  if (version === null) {
    return {
      version: null,
      problems: [
        problem(
          'doctor/nvidia-ctk-unknown',
          `\`${path} --version\` did not say its version${result.exitCode === 0 ? '' : ` (exit ${result.exitCode ?? 'none'})`}: the NVIDIA Container Toolkit advisories were not checked`,
          { fix: `run \`${path} --version\` by hand; the toolkit must be >= ${newestFix()}` },
        ),
      ],
      notes: [],
    };
  }
  const affecting = ADVISORIES.filter((a) => compareDotted(version, a.fixed) < 0);
  return {
    version,
    problems: affecting.map((a) =>
      problem(
        'doctor/nvidia-ctk-vulnerable',
        `NVIDIA Container Toolkit ${version} is affected by ${a.id}: ${a.what}`,
        {
          fix: `upgrade the NVIDIA Container Toolkit to >= ${newestFix()} (${a.id} is fixed in ${a.fixed}), then restart docker`,
        },
      ),
    ),
    notes: [],
  };
}

function newestFix(): string {
  return (
    ADVISORIES.map((a) => a.fixed)
      .sort(compareDotted)
      .at(-1) ?? ''
  );
}
