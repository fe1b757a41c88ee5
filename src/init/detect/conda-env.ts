/**
 * A conda environment file: its python, torch and CUDA packages, the channel torch comes
 * from, the other conda dependencies and the pip section.
 *
 * Format: https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-environments.html#create-env-file-manually
 */
import { posix } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { channelName, isAnacondaChannel } from '../../conda-channels.js';
import { parseCondaMatchSpec, withoutOperatorSpaces } from '../../spec/package-entries.js';
import { type Detection, type DetectionCollector, quote } from './collector.js';
import { isCondaTorchBuild } from './package-filters.js';
import { isPythonRange, lowestPython, NO_LOWER_BOUND } from './python-version.js';
import type { RepoFiles } from './repo-files.js';
import type { RequirementsReader } from './requirements.js';
import { condaTorchSpec, cudaOfBuild } from './torch-pins.js';
import { variantRank } from './variant-names.js';

type Source = NonNullable<Detection['source']>;

/**
 * environment.yml, or environment.yaml when there is no usable environment.yml; without either,
 * the best variant (`environment-gpu.yml`, `environment_cuda.yaml`, `conda.yaml`): GPU first,
 * then plain, then cpu. The variants not read are listed.
 */
export async function readCondaEnv(
  files: RepoFiles,
  found: DetectionCollector,
  requirements: RequirementsReader,
): Promise<void> {
  const variants = (await files.listDir(''))
    .filter((entry) => entry.isFile && ENV_VARIANT.test(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => envRank(a) - envRank(b) || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  let read: string | undefined;
  for (const rel of ['environment.yml', 'environment.yaml', ...variants]) {
    if (read && variants.includes(rel)) continue;
    const text = await files.readText(rel);
    if (text === undefined) continue;
    if (read) {
      found.evidence(`${rel}: ignored, ${read} came first`);
      continue;
    }
    if (await new EnvironmentFile(rel, found, requirements).read(text)) {
      read = rel;
      if (variants.includes(rel)) {
        found.evidence(`${rel}: read as the ${envRank(rel) === 0 ? 'GPU ' : ''}environment file`);
      }
    }
  }
  const unread = variants.filter((v) => v !== read);
  if (read && unread.length > 0)
    found.evidence(`not read: ${unread.join(', ')} (other environment files)`);
}

/** One environment file in a folder of the repo (`eg3d/environment.yml`). */
export async function readEnvironmentFile(
  files: RepoFiles,
  found: DetectionCollector,
  requirements: RequirementsReader,
  rel: string,
): Promise<void> {
  const text = await files.readText(rel);
  if (text !== undefined) await new EnvironmentFile(rel, found, requirements).read(text);
}

/** Environment files other than environment.yml/.yaml: `environment-cuda.yml`, `conda.yaml`. */
const ENV_VARIANT = /^(environment[-_.][\w.-]+|conda([-_.][\w.-]+)?|env[-_.][\w.-]+)\.ya?ml$/;

/** GPU first, then plain (the shortest name, `conda.yaml` before `conda-extras.yaml`), cpu, dev. */
function envRank(name: string): number {
  return variantRank(name.replace(/^(environment|env|conda)/, ''));
}

/**
 * One environment file, read top to bottom.
 *
 * - proposes python, torch and cuda from their conda packages
 * - decides torch's source from its channel, the packages that need one channel, or the channel list
 * - keeps the other dependencies, and reads the pip section after them
 * - says when the file looks like `conda env export` output
 */
class EnvironmentFile {
  private torch?: { where: string; channel?: string };
  /** Where a package that exists on only one channel was listed. */
  private readonly hints: { pytorch?: string; condaForge?: string } = {};

  constructor(
    private readonly rel: string,
    private readonly found: DetectionCollector,
    private readonly requirements: RequirementsReader,
  ) {}

  /** Reads the file; false, with evidence, when it is not a usable environment file. */
  async read(text: string): Promise<boolean> {
    const rel = this.rel;
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const error = doc.errors[0];
    if (error) {
      this.found.evidence(
        `${rel}: not valid YAML (line ${lineCounter.linePos(error.pos[0]).line}), ignored`,
      );
      return false;
    }
    if (!isMap(doc.contents)) {
      this.found.evidence(`${rel}: not a conda environment file (no mapping), ignored`);
      return false;
    }
    const deps = doc.get('dependencies', true) as Node | undefined;
    if (!isSeq(deps)) {
      this.found.evidence(`${rel}: no dependencies list, ignored`);
      return false;
    }
    const lineOf = (node: Node | null | undefined) =>
      `${rel}:${node?.range ? lineCounter.linePos(node.range[0]).line : 1}`;
    const channels = this.channels(doc.get('channels', true) as Node | undefined, lineOf);
    const pipSections: Node[] = [];
    let builds = 0;
    for (const item of deps.items as Node[]) {
      if (isScalar(item) && typeof item.value === 'string') {
        if (hasBuildString(item.value)) builds++;
        this.dependency(item.value, lineOf(item));
      } else if (isMap(item) && item.has('pip')) {
        pipSections.push(item.get('pip', true) as Node);
      } else {
        this.found.noteRequirement(
          lineOf(item),
          String(item),
          'dropped',
          'not a conda dependency envgen can read',
        );
      }
    }
    this.source(channels);
    if (builds > 0 && builds * 2 >= deps.items.length) {
      this.found.evidence(
        `${rel} looks like \`conda env export\` output (build strings); \`conda env export --from-history\` lists only what was asked for`,
      );
    }
    for (const section of pipSections) await this.pipSection(section, lineOf, posix.dirname(rel));
    return true;
  }

  private channels(node: Node | undefined, lineOf: (n: Node) => string): string[] {
    if (!isSeq(node)) return [];
    const channels: string[] = [];
    for (const item of node.items as Node[]) {
      if (!isScalar(item) || typeof item.value !== 'string') continue;
      const name = channelName(item.value);
      channels.push(name);
      if (isAnacondaChannel(item.value)) {
        this.found.noteRequirement(
          lineOf(item),
          item.value,
          'dropped',
          "an Anaconda channel, under Anaconda's terms of service; envgen uses conda-forge or pytorch",
        );
      } else if (
        name !== 'conda-forge' &&
        name !== 'pytorch' &&
        name !== 'nvidia' &&
        name !== 'nodefaults'
      ) {
        this.found.noteRequirement(
          lineOf(item),
          item.value,
          'dropped',
          'envgen writes the channels of the torch build it pins (conda-forge or pytorch and nvidia); add packages from other channels as channel::name',
        );
      }
    }
    return channels;
  }

  private async pipSection(node: Node, lineOf: (n: Node) => string, baseDir: string) {
    if (!isSeq(node)) return;
    for (const item of node.items as Node[]) {
      if (isScalar(item) && typeof item.value === 'string') {
        await this.requirements.requirementLine(item.value, lineOf(item), baseDir, 0);
      }
    }
  }

  private dependency(raw: string, where: string): void {
    const entry = withoutOperatorSpaces(raw.replaceAll(/\s+/g, ' ').trim());
    const parsed = parseCondaMatchSpec(entry);
    if (!parsed.ok) {
      this.found.noteRequirement(where, entry, 'dropped', 'not a conda match spec');
      return;
    }
    const { name, version = '', build = '', channel } = parsed.value;
    switch (name) {
      case 'python':
        this.python(version, where);
        return;
      case 'pip':
        return;
      case 'pytorch':
      case 'torch':
      case 'pytorch-gpu':
      case 'pytorch-cpu':
        this.torchPackage(name, version, build, where, channel);
        return;
      case 'torchvision':
      case 'torchaudio': {
        const spec = condaTorchSpec(version);
        this.found.markLibrary(name, where, spec ? { spec, text: entry } : undefined);
        return;
      }
      case 'pytorch-cuda':
      case 'cudatoolkit':
      case 'cuda-version':
        this.cuda(name, version, where);
        return;
      case 'cpuonly':
        this.hints.pytorch ??= where;
        this.found.propose('cuda', 'cpu', where, 'cpuonly');
        return;
    }
    if (isCondaTorchBuild(name)) {
      this.found.noteRequirement(where, entry, 'dropped', "torch's CUDA build brings its own");
    } else if (build && /^={0,2}[0-9][\w.+!]*$/.test(version) && /^[^*]*$/.test(build)) {
      // `conda env export` pins each build (`numpy=1.26.4=py310h5f9d8c6_0`): those builds belong
      // to one platform and one channel, so the spec keeps the version and lets conda pick.
      const pinned = `${channel ? `${channel}::` : ''}${name}=${version.replace(/^=+/, '')}`;
      this.found.noteRequirement(
        where,
        entry,
        'changed',
        `written as ${pinned}: a build string belongs to one platform and channel`,
      );
      this.found.addConda(pinned, name, where);
    } else this.found.addConda(entry, name, where);
  }

  private python(version: string, where: string): void {
    const python = lowestPython(version);
    // `python=3.9` pins; `python>=3.9` is a range, as in pyproject.toml.
    const range = isPythonRange(version) ? version.trim() : undefined;
    if (python) this.found.propose('python', python, where, '', range);
    else if (version.trim() === '' || /^=*\*$/.test(version.trim())) {
      this.found.evidence(`python (no version) from ${where}`);
    } else this.found.reject('python', version, where, NO_LOWER_BOUND);
  }

  private torchPackage(
    name: string,
    version: string,
    build: string,
    where: string,
    channel?: string,
  ): void {
    this.found.usesTorch();
    this.torch ??= { where, ...(channel ? { channel } : {}) };
    // pytorch-gpu and pytorch-cpu exist only on conda-forge.
    if (name === 'pytorch-gpu' || name === 'pytorch-cpu') this.hints.condaForge ??= where;
    const spec = condaTorchSpec(version);
    if (spec) this.found.propose('torch', spec, where);
    else this.found.evidence(`torch (no version) from ${where}`);
    const cuda = name === 'pytorch-cpu' ? 'cpu' : cudaOfBuild(build);
    if (cuda) this.found.propose('cuda', cuda, where, `${name} build ${build || 'cpu'}`);
  }

  private cuda(name: string, version: string, where: string): void {
    if (name === 'pytorch-cuda') this.hints.pytorch ??= where;
    if (name === 'cuda-version') this.hints.condaForge ??= where;
    const cuda = /^={0,2}([0-9]+\.[0-9]+)(?:[.*].*)?$/.exec(version)?.[1];
    if (cuda) this.found.propose('cuda', cuda, where, name);
    else {
      this.found.evidence(
        `${where}: ${name} ${quote(version)} is not an X.Y version, cuda left to auto`,
      );
    }
  }

  /** Which channel the environment takes torch from. */
  private source(channels: string[]): void {
    const torch = this.torch;
    if (!torch) return;
    const byChannel = channelSource(torch.channel);
    if (byChannel) {
      this.found.propose('source', byChannel, torch.where, `${torch.channel}::`);
    } else if (this.hints.pytorch) {
      this.found.propose('source', 'pytorch', torch.where, `as ${this.hints.pytorch} needs`);
    } else if (this.hints.condaForge) {
      this.found.propose('source', 'conda-forge', torch.where, `as ${this.hints.condaForge} needs`);
    } else {
      const first = channels.find((c) => c === 'pytorch' || c === 'conda-forge');
      const source = channelSource(first);
      if (source) this.found.propose('source', source, torch.where, `channel ${first}`);
      else {
        this.found.evidence(
          `torch from ${torch.where} on no channel envgen uses; source left to auto`,
        );
      }
    }
  }
}

/** `name=version=build` or `name version build`: what `conda env export` writes. */
function hasBuildString(entry: string): boolean {
  return /^[^=<>!~\s]+=[^=<>!~,\s]+=\S/.test(entry) || /\S\s+\S+\s+\S/.test(entry.trim());
}

function channelSource(channel: string | undefined): Source | undefined {
  if (channel === 'pytorch') return 'pytorch';
  if (channel === 'conda-forge') return 'conda-forge';
  return undefined;
}
