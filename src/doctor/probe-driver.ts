/**
 * The GPU driver probe of `envgen doctor`: what nvidia-smi says about the driver, the GPUs and
 * the highest CUDA version the driver supports, or why it could not say. The result is data;
 * the doctor turns it into findings and fixes.
 *
 * nvidia-smi facts used here (../../../shared/reference/ecosystem.md, section 5.1): the CSV
 * query mode is the stable interface (one line per GPU, fields separated by ", ", `[N/A]` for a
 * value it cannot give); older drivers reject the `compute_cap` field; the banner's
 * `CUDA Version` is the highest CUDA the driver supports, not an installed toolkit; its exit codes
 * are NVML's error codes (9 driver not loaded, 12 NVML library not found, 15 GPU lost, ...).
 */
import type { ExecResult, Io } from '../io.js';
import { capabilityFromName } from './gpu-capabilities.js';

export interface GpuInfo {
  index: number;
  name: string;
  computeCapability: string | null;
  memoryMiB: number | null;
  /** how the capability was found */
  capabilitySource: 'nvidia-smi' | 'gpu-name' | null;
}

export type DriverProbe =
  | { kind: 'ok'; driver: string; maxCuda: string | null; gpus: GpuInfo[]; notes: string[] }
  /** No nvidia-smi on PATH. */
  | { kind: 'missing'; tried: string }
  /** "Failed to initialize NVML: Driver/library version mismatch". */
  | { kind: 'nvml-mismatch'; detail: string }
  /** "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver" (exit 9), or no NVML library (exit 12). */
  | { kind: 'driver-not-loaded'; detail: string }
  /** "No devices were found". */
  | { kind: 'no-devices'; driver: string | null; detail: string }
  /** Anything else: envgen could not look. */
  | { kind: 'failed'; detail: string; timedOut: boolean };

/** How long one nvidia-smi call may take; a hung driver makes it hang. */
const NVIDIA_SMI_TIMEOUT_MS = 30_000;

const FIELDS = 'index,name,driver_version,compute_cap,memory.total';
const FIELDS_WITHOUT_CC = 'index,name,driver_version,memory.total';
const queryArgs = (fields: string): string[] => [
  `--query-gpu=${fields}`,
  '--format=csv,noheader,nounits',
];

/** nvidia-smi's exit codes (its man page, RETURN VALUE; they are NVML's error codes). */
const EXIT_MEANINGS: Readonly<Record<number, string>> = {
  2: 'an argument or flag is invalid',
  3: 'the operation is not available on this device',
  4: 'insufficient permissions',
  6: 'a query found nothing',
  8: "a GPU's external power cables are not attached",
  9: 'the NVIDIA driver is not loaded',
  10: 'the kernel detected an interrupt issue with a GPU',
  12: 'the NVML shared library could not be found or loaded',
  13: 'the NVML library does not implement this function',
  14: "a GPU's infoROM is corrupted",
  15: 'a GPU has fallen off the bus or become inaccessible',
  18: 'the driver and the NVML library versions do not match',
  255: 'other error or internal driver error',
};

export interface ProbeDriverOptions {
  /** How long each nvidia-smi call may take (default NVIDIA_SMI_TIMEOUT_MS); tests shorten it. */
  timeoutMs?: number;
}

export async function probeDriver(io: Io, options: ProbeDriverOptions = {}): Promise<DriverProbe> {
  const timeoutMs = options.timeoutMs ?? NVIDIA_SMI_TIMEOUT_MS;
  const smi = await io.which('nvidia-smi');
  const missing: DriverProbe = { kind: 'missing', tried: 'nvidia-smi on PATH' };
  if (!smi) return missing;
  const run = (args: readonly string[]): Promise<ExecResult> => io.exec(smi, args, { timeoutMs });

  let withCc = true;
  let query = await run(queryArgs(FIELDS));
  if (query.notFound) return missing;
  if (!query.timedOut && rejectsComputeCap(query)) {
    withCc = false;
    query = await run(queryArgs(FIELDS_WITHOUT_CC));
  }
  const failure = classifyFailure(query, timeoutMs);
  if (failure) return failure;

  const rows = parseQuery(query.stdout, withCc);
  const notes: string[] = [];
  if (rows.unreadable.length > 0 && rows.gpus.length > 0) {
    notes.push(`nvidia-smi printed lines envgen could not read: ${rows.unreadable.join(' | ')}`);
  }
  if (rows.gpus.length === 0) {
    if (rows.unreadable.length > 0) {
      return {
        kind: 'failed',
        detail: `could not read nvidia-smi's GPU list: ${rows.unreadable.join(' | ')}`,
        timedOut: false,
      };
    }
    return { kind: 'no-devices', driver: null, detail: 'nvidia-smi listed no GPUs' };
  }

  const banner = await run([]);
  const fromBanner = parseBanner(banner, notes);
  const driver = rows.drivers[0] ?? fromBanner.driver;
  if (!driver) notes.push('nvidia-smi did not report the driver version');
  const driverText = driver ?? 'unknown';

  if (!withCc) {
    notes.push(
      `the driver (${driverText}) is too old to report compute_cap; compute capabilities come ` +
        "from the GPUs' names (envgen's table of known GPUs)",
    );
  }
  const gpus = rows.gpus.map((row): GpuInfo => {
    if (row.computeCapability) return { ...row, capabilitySource: 'nvidia-smi' };
    const fromName = capabilityFromName(row.name);
    if (withCc && fromName) {
      notes.push(
        `nvidia-smi gave no compute capability for GPU ${row.index} (${row.name}); ` +
          `${fromName} comes from the GPU's name`,
      );
    }
    if (!fromName) {
      notes.push(
        `the compute capability of GPU ${row.index} (${row.name}) is unknown: ` +
          (withCc ? 'nvidia-smi did not report it and ' : '') +
          "envgen's table of GPU names does not list it",
      );
    }
    return {
      ...row,
      computeCapability: fromName,
      capabilitySource: fromName ? 'gpu-name' : null,
    };
  });
  return { kind: 'ok', driver: driverText, maxCuda: fromBanner.maxCuda, gpus, notes };
}

function outputOf(result: ExecResult): string {
  return [result.stdout, result.stderr]
    .map((text) => text.trim())
    .filter(Boolean)
    .join('\n');
}

/** Older drivers: `Field "compute_cap" is not a valid field to query.` (exit 2). */
function rejectsComputeCap(result: ExecResult): boolean {
  if (result.exitCode === 0) return false;
  const text = outputOf(result);
  return /compute_cap/.test(text) && /not a valid field/i.test(text);
}

/** The failure a finished nvidia-smi call reports, or null when it worked. */
function classifyFailure(
  result: ExecResult,
  timeoutMs = NVIDIA_SMI_TIMEOUT_MS,
): DriverProbe | null {
  const text = outputOf(result);
  if (result.timedOut) {
    return {
      kind: 'failed',
      detail:
        `nvidia-smi did not answer within ${timeoutMs / 1000} s (a hung driver or GPU)` +
        (text ? `: ${text}` : ''),
      timedOut: true,
    };
  }
  const code = result.exitCode;
  const meaning = code === null ? undefined : EXIT_MEANINGS[code];
  const detail = (): string => text || `nvidia-smi exited ${code}: ${meaning ?? 'unknown error'}`;
  if (code === 18 || /Driver\/library version mismatch/i.test(text)) {
    return { kind: 'nvml-mismatch', detail: detail() };
  }
  if (
    code === 9 ||
    code === 12 ||
    /couldn't communicate with the NVIDIA driver/i.test(text) ||
    /NVML Shared Library Not Found|couldn't find libnvidia-ml/i.test(text)
  ) {
    return { kind: 'driver-not-loaded', detail: detail() };
  }
  if (/No devices were found/i.test(text)) {
    return { kind: 'no-devices', driver: driverIn(text), detail: text };
  }
  if (code === 0) return null;
  const how =
    code === null
      ? 'nvidia-smi was stopped before it finished'
      : `nvidia-smi exited ${code}${meaning ? ` (${meaning})` : ''}`;
  return { kind: 'failed', detail: text ? `${how}: ${text}` : how, timedOut: false };
}

interface Row {
  index: number;
  name: string;
  computeCapability: string | null;
  memoryMiB: number | null;
}

/**
 * The CSV lines of the query: `0, NVIDIA A100-SXM4-80GB, 535.104.05, 8.0, 81920`. The index is
 * the first field and the driver, capability and memory the last ones, so a name with a comma
 * in it would still be read whole.
 */
export function parseQuery(
  stdout: string,
  withCc: boolean,
): { gpus: Row[]; drivers: string[]; unreadable: string[] } {
  const gpus: Row[] = [];
  const drivers: string[] = [];
  const unreadable: string[] = [];
  const tail = withCc ? 3 : 2;
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const fields = line.split(',').map((field) => field.trim());
    const index = Number.parseInt(fields[0] ?? '', 10);
    if (fields.length < tail + 2 || !/^\d+$/.test(fields[0] ?? '')) {
      unreadable.push(line.trim());
      continue;
    }
    const rest = fields.slice(fields.length - tail);
    const driver = value(rest[0]);
    const capability = withCc ? value(rest[1]) : null;
    const memory = value(rest[rest.length - 1]);
    const memoryMiB = memory && /^\d+/.test(memory) ? Number.parseInt(memory, 10) : null;
    if (driver) drivers.push(driver);
    gpus.push({
      index,
      name: fields.slice(1, fields.length - tail).join(', '),
      computeCapability: capability && /^\d+\.\d+$/.test(capability) ? capability : null,
      memoryMiB,
    });
  }
  return { gpus, drivers, unreadable };
}

/** `[N/A]`, `[Not Supported]`, `[Unknown Error]`, `N/A`, empty: no value. */
function value(field: string | undefined): string | null {
  if (field === undefined) return null;
  const text = field.trim();
  if (!text || /^\[.*\]$/.test(text) || /^N\/A$/i.test(text)) return null;
  return text;
}

function driverIn(text: string): string | null {
  return /Driver Version\s*:\s*(\d+(?:\.\d+)+)/i.exec(text)?.[1] ?? null;
}

/**
 * The banner of plain `nvidia-smi`:
 * `| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2 |`.
 * Its CUDA version is the highest the driver supports; it reads `N/A` on some drivers and is
 * absent on very old ones.
 */
export function parseBanner(
  result: ExecResult,
  notes: string[],
): { driver: string | null; maxCuda: string | null } {
  const text = outputOf(result);
  if (result.timedOut || result.exitCode !== 0) {
    const why = result.timedOut
      ? 'it did not answer in time'
      : `it exited ${result.exitCode ?? 'on a signal'}`;
    notes.push(`could not read the highest CUDA version from nvidia-smi's banner: ${why}`);
    return { driver: null, maxCuda: null };
  }
  const driver = driverIn(text);
  const cuda = /CUDA Version\s*:\s*(\d+\.\d+|N\/A)/i.exec(text)?.[1];
  if (cuda === undefined) {
    notes.push("nvidia-smi's banner shows no CUDA Version (a very old driver)");
    return { driver, maxCuda: null };
  }
  if (!/^\d/.test(cuda)) {
    notes.push("nvidia-smi's banner reads CUDA Version: N/A");
    return { driver, maxCuda: null };
  }
  return { driver, maxCuda: cuda };
}
