/**
 * The result of detection, and the one place findings are added to it.
 */
import { parseVersionSpec } from '../../versions/conda-version.js';

export interface Detection {
  /** Proposed model name: the folder name, lower-cased and reduced to [a-z0-9][a-z0-9._-]* (max 63), or 'model'. */
  name: string;
  /** Conda-style version spec for torch ('2.1.2', '>=2.1,<2.3', '2.1'); absent when unpinned or not found. */
  torch?: string;
  /** Whether anything in the repo requires or imports torch, pinned or not. */
  usesTorch?: boolean;
  /** 'X.Y' (or 'X.Yt'); when `pythonRange` is set, the lowest `X.Y` of that range. */
  python?: string;
  /**
   * The version spec `python` came from, when it allows more than one `X.Y`
   * (`requires-python = ">=3.9,<3.12"`, Poetry's `^3.11` as `>=3.11,<4`); absent for a pin
   * (`python=3.9` in environment.yml, `.python-version`).
   */
  pythonRange?: string;
  /** 'X.Y' or 'cpu'. */
  cuda?: string;
  source?: 'pytorch' | 'conda-forge' | 'pip';
  vision?: boolean;
  audio?: boolean;
  /** The other conda dependencies of an existing environment file, as written. */
  conda: string[];
  /** The other pip requirements, as written (comments and per-requirement options removed). */
  pip: string[];
  serve?: { command: string[]; port: number; health?: string };
  /** One line per finding, in the order found. */
  evidence: string[];
}

/** The values only one file may set. */
type Pinned = 'torch' | 'python' | 'cuda' | 'source';

const PYTHON_PATTERN = /^3\.[0-9]{1,2}t?$/;
const CUDA_PATTERN = /^([0-9]{2}\.[0-9]|cpu|auto)$/;
const TORCH_PATTERN = /^[0-9A-Za-z.*<>=!~,| ]+$/;
const CONTROL = /\p{Cc}/gu;

/**
 * Builds a `Detection` as the readers report what they find.
 *
 * - writes every finding as an evidence line, with control characters made harmless
 * - lets the first file to pin torch, python, cuda or source win; later values become evidence
 * - drops a value envgen's spec schema would reject, saying why
 * - keeps each other conda or pip package once, remembering where it was listed
 */
export class DetectionCollector {
  readonly detection: Detection;
  private readonly origins: Partial<Record<Pinned, string>> = {};
  /** Where each pip package was first listed. */
  private readonly pipNames = new Map<string, string>();
  /** Where each pip package was listed under each environment marker. */
  private readonly pipMarkers = new Map<string, string>();
  private readonly condaNames = new Map<string, string>();

  constructor(name: string) {
    this.detection = { name, conda: [], pip: [], evidence: [] };
  }

  note(line: string): void {
    this.detection.evidence.push(line.replaceAll(CONTROL, '?'));
  }

  /** `range`: for python, the spec `value` is the lowest `X.Y` of, when it allows several. */
  propose(key: Pinned, value: string, where: string, detail = '', range?: string): void {
    const problem = invalidValue(key, value);
    if (problem) {
      this.reject(key, value, where, problem, detail);
      return;
    }
    const suffix = detail ? ` (${detail})` : '';
    const first = this.origins[key];
    if (first === undefined) {
      Object.assign(this.detection, { [key]: value });
      this.origins[key] = where;
      if (key === 'python' && range !== undefined) {
        this.detection.pythonRange = range;
        this.note(`python ${quote(range)} from ${where}${suffix}: a range, lowest ${value}`);
      } else this.note(`${key} ${value} from ${where}${suffix}`);
    } else if (this.detection[key] !== value) {
      this.note(
        `${key} ${value} from ${where}${suffix} ignored: ${key} ${this.detection[key]} from ${first} came first`,
      );
    }
  }

  /** A value that cannot be used: dropped, saying why. */
  reject(key: Pinned, value: string, where: string, problem: string, detail = ''): void {
    const suffix = detail ? ` (${detail})` : '';
    this.note(`${key} ${quote(value)} from ${where}${suffix} dropped: ${problem}`);
  }

  usesTorch(): void {
    this.detection.usesTorch = true;
  }

  markLibrary(library: 'torchvision' | 'torchaudio', where: string): void {
    const key = library === 'torchvision' ? 'vision' : 'audio';
    if (this.detection[key]) return;
    this.detection[key] = true;
    this.usesTorch();
    this.note(`${library} from ${where}`);
  }

  /** A conda dependency for the spec, as written; `name` is its normalised name. */
  addConda(entry: string, name: string, where: string): void {
    if (this.condaNames.has(name)) {
      this.note(`${where}: ${name} already listed (${this.condaNames.get(name)}), skipped`);
    } else if (entry.length > 500) {
      this.note(`${where}: ${name} longer than 500 characters, skipped`);
    } else {
      this.condaNames.set(name, where);
      this.detection.conda.push(entry);
    }
  }

  /**
   * A pip requirement for the spec, unless conda already provides the package. `marker` is its
   * environment marker, normalised: the same package under different markers is kept once
   * for each marker, as the requirements apply to different environments.
   */
  addPip(text: string, name: string, where: string, marker = ''): void {
    const inConda = this.condaNames.get(name);
    const key = `${name};${marker}`;
    const inPip = this.pipMarkers.get(key);
    if (inConda) {
      this.note(`${where}: ${name} left out of pip: already a conda dependency (${inConda})`);
    } else if (inPip) {
      this.note(`${where}: ${name} already listed (${inPip}), skipped`);
    } else if (text.length > 500) {
      this.note(`${where}: ${name} requirement longer than 500 characters, skipped`);
    } else {
      this.pipMarkers.set(key, where);
      if (!this.pipNames.has(name)) this.pipNames.set(name, where);
      this.detection.pip.push(text);
    }
  }

  /** Whether a conda dependency or pip requirement kept so far names the package. */
  isListed(name: string): boolean {
    return this.pipNames.has(name) || this.condaNames.has(name);
  }
}

/** A value for an evidence line: quoted, and cut short so one line stays one line. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

function invalidValue(key: Pinned, value: string): string | undefined {
  switch (key) {
    case 'python':
      return PYTHON_PATTERN.test(value) ? undefined : 'envgen supports Python 3.x';
    case 'cuda':
      return CUDA_PATTERN.test(value) ? undefined : 'not a CUDA version envgen accepts (X.Y, cpu)';
    case 'torch':
      if (value.length > 100 || !TORCH_PATTERN.test(value)) return 'not a conda version spec';
      return parseVersionSpec(value).ok ? undefined : 'not a conda version spec';
    case 'source':
      return undefined;
  }
}
