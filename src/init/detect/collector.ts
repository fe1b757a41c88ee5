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
  /** The web framework of the app `serve` runs, which must be installed with the server. */
  serveFramework?: 'flask' | 'fastapi';
  /** One line per finding, in the order found. */
  evidence: string[];
  /** Every requirement the spec does not carry as written: dropped, or changed into something else. */
  notes: RequirementNote[];
  /** Where each pinned value came from (`requirements.txt:3`). */
  pinnedAt: Partial<Record<Pinned, string>>;
  /** For each pinned value, the indexes of the evidence lines that say where it came from. */
  pinEvidence: Partial<Record<Pinned | 'serve', number[]>>;
  /** torchvision and torchaudio versions the repo pins, as conda-style specs, with where. */
  libraryPins: LibraryPin[];
  /** Paths of the repo (`.`, `./sub`) that pip installs as packages: `-e .`, `.`. */
  localPackages: string[];
  /** Extras asked for with the repo's package (`-e .[serve]`), with where. */
  localExtras: { name: string; where: string }[];
  /** Where the CPU build was chosen because nothing mentions a GPU (a guess worth saying). */
  cpuGuessedAt?: string;
  /** The newest Python the package's classifiers name: what its authors tested, a ceiling. */
  newestClassifier?: { python: string; where: string };
  /** Where each conda and pip entry kept was listed, by its text. */
  listedAt: Record<string, string>;
}

/** What happened to a requirement the spec does not carry as written. */
export type NoteAction = 'dropped' | 'changed';

export interface RequirementNote {
  file: string;
  /** 1-based; null when the file has no lines to point at. */
  line: number | null;
  /** The requirement as written. */
  text: string;
  action: NoteAction;
  reason: string;
}

export interface LibraryPin {
  library: 'torchvision' | 'torchaudio';
  /** A conda-style version spec (`0.16.2`, `>=0.8,<2.1`). */
  spec: string;
  /** The requirement as written. */
  text: string;
  where: string;
}

/** The values only one file may set. */
export type Pinned = 'torch' | 'python' | 'cuda' | 'source';

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
  /** Where each pip package was first listed. */
  private readonly pipNames = new Map<string, string>();
  /** Where each pip package was listed under each environment marker. */
  private readonly pipMarkers = new Map<string, string>();
  private readonly condaNames = new Map<string, string>();

  constructor(name: string) {
    this.detection = {
      name,
      conda: [],
      pip: [],
      evidence: [],
      notes: [],
      pinnedAt: {},
      pinEvidence: {},
      libraryPins: [],
      localPackages: [],
      localExtras: [],
      listedAt: {},
    };
  }

  /** An evidence line; `about`: the pinned value it explains, left out when a flag sets it. */
  evidence(line: string, about?: Pinned | 'serve'): void {
    const evidence = this.detection.evidence;
    if (about !== undefined) {
      const lines = this.detection.pinEvidence[about] ?? [];
      lines.push(evidence.length);
      this.detection.pinEvidence[about] = lines;
    }
    evidence.push(line.replaceAll(CONTROL, '?'));
  }

  /**
   * A requirement the spec will not carry as written: a note for `init --json` and stderr,
   * and an evidence line. `where` is `file:line` (or a file).
   */
  noteRequirement(where: string, text: string, action: NoteAction, reason: string): void {
    const { file, line } = splitWhere(where);
    const written = text.replaceAll(CONTROL, '?');
    this.detection.notes.push({ file, line, text: written, action, reason });
    this.evidence(
      `${where}: ${quote(written)} ${action === 'dropped' ? 'left out' : 'changed'}: ${reason}`,
    );
  }

  /** `range`: for python, the spec `value` is the lowest `X.Y` of, when it allows several. */
  propose(key: Pinned, value: string, where: string, detail = '', range?: string): void {
    const problem = invalidValue(key, value);
    if (problem) {
      this.reject(key, value, where, problem, detail);
      return;
    }
    const suffix = detail ? ` (${detail})` : '';
    const first = this.detection.pinnedAt[key];
    if (first === undefined) {
      Object.assign(this.detection, { [key]: value });
      this.detection.pinnedAt[key] = where;
      if (key === 'python' && range !== undefined) {
        this.detection.pythonRange = range;
        this.evidence(
          `python ${quote(range)} from ${where}${suffix}: a range, lowest ${value}`,
          key,
        );
      } else this.evidence(`${key} ${value} from ${where}${suffix}`, key);
    } else if (this.detection[key] !== value) {
      const { file, line } = splitWhere(where);
      const reason = `${key} ${this.detection[key]} from ${first} came first`;
      if (key !== 'source') {
        this.detection.notes.push({
          file,
          line,
          text: `${key} ${value}`,
          action: 'dropped',
          reason,
        });
      }
      this.evidence(`${key} ${value} from ${where}${suffix} ignored: ${reason}`, key);
    }
  }

  /** A value that cannot be used: dropped, saying why. */
  reject(key: Pinned, value: string, where: string, problem: string, detail = ''): void {
    const suffix = detail ? ` (${detail})` : '';
    this.evidence(`${key} ${quote(value)} from ${where}${suffix} dropped: ${problem}`, key);
  }

  usesTorch(): void {
    this.detection.usesTorch = true;
  }

  /**
   * torchvision or torchaudio is wanted. `pin`: the version spec the repo gives it, as written
   * (`text`) and as a conda-style spec: envgen writes the version that pairs with torch, so a
   * pin becomes a constraint on torch (see library-pins.ts).
   */
  markLibrary(
    library: 'torchvision' | 'torchaudio',
    where: string,
    pin?: { spec: string; text: string },
  ): void {
    const key = library === 'torchvision' ? 'vision' : 'audio';
    if (pin) {
      this.detection.libraryPins.push({ library, ...pin, where });
      this.noteRequirement(
        where,
        pin.text,
        'changed',
        `${key}: true, with the ${library} that pairs with torch; its version constrains torch`,
      );
    }
    if (this.detection[key]) return;
    this.detection[key] = true;
    this.usesTorch();
    this.evidence(`${library} from ${where}`);
  }

  /** A path of the repo that pip installs as a package (`-e .`). */
  addLocalPackage(path: string, text: string, where: string): void {
    const normalized = path === '' ? '.' : path;
    if (this.detection.localPackages.includes(normalized)) return;
    this.detection.localPackages.push(normalized);
    this.noteRequirement(
      where,
      text,
      'changed',
      `localPackages: [${normalized}], which the image installs into the environment after creating it`,
    );
  }

  /** A conda dependency for the spec, as written; `name` is its normalised name. */
  addConda(entry: string, name: string, where: string): void {
    if (this.condaNames.has(name)) {
      this.noteRequirement(
        where,
        entry,
        'dropped',
        `${name} already listed (${this.condaNames.get(name)})`,
      );
    } else if (entry.length > 500) {
      this.noteRequirement(where, entry, 'dropped', 'longer than 500 characters');
    } else {
      this.condaNames.set(name, where);
      this.detection.conda.push(entry);
      this.detection.listedAt[entry] = where;
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
      this.noteRequirement(
        where,
        text,
        'dropped',
        `${name} is already a conda dependency (${inConda})`,
      );
    } else if (inPip) {
      this.noteRequirement(where, text, 'dropped', `${name} already listed (${inPip})`);
    } else if (text.length > 500) {
      this.noteRequirement(where, text, 'dropped', 'longer than 500 characters');
    } else {
      this.pipMarkers.set(key, where);
      if (!this.pipNames.has(name)) this.pipNames.set(name, where);
      this.detection.pip.push(text);
      this.detection.listedAt[text] = where;
    }
  }

  /** Whether a conda dependency or pip requirement kept so far names the package. */
  isListed(name: string): boolean {
    return this.pipNames.has(name) || this.condaNames.has(name);
  }
}

/** `requirements.txt:3` -> file and line; a `where` without a line has line null. */
export function splitWhere(where: string): { file: string; line: number | null } {
  const match = /^(.*):([0-9]+)$/.exec(where);
  return match?.[1] ? { file: match[1], line: Number(match[2]) } : { file: where, line: null };
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
