/** The vocabulary of installer commands (pip, apt, conda) the Dockerfile rules share, table-driven. */
import { describe, expect, it } from 'vitest';
import { commandChannels, packageArgs } from '../../src/audit/rules/dockerfile/conda-commands.js';
import {
  aptVerb,
  pipArguments,
  pipInstallIndex,
} from '../../src/audit/rules/dockerfile/installers.js';
import { commandsOf, condaVerb } from '../../src/audit/rules/dockerfile/shell.js';

const command = (text: string) => {
  const [first] = commandsOf(text);
  if (!first) throw new Error(`no command in ${text}`);
  return first;
};

describe('pip', () => {
  it.each([
    ['pip install torch==2.4.1', ['torch==2.4.1']],
    ['pip3.11 install -q flask', ['flask']],
    [
      'python -m pip install --no-cache-dir --root-user-action ignore poetry==1.8.5',
      ['poetry==1.8.5'],
    ],
    ['python3 -mpip install -i https://x/simple a b', ['a', 'b']],
    ['pip --no-cache-dir install --upgrade-strategy eager --target /opt/x c', ['c']],
    ['/opt/env/bin/pip install --config-settings editable_mode=compat -e . d', ['d']],
  ])('%s installs %o', (text, packages) => {
    const c = command(text);
    const at = pipInstallIndex(c);
    expect(at).toBeGreaterThan(0);
    expect(pipArguments(c, at).packages).toEqual(packages);
  });

  it.each([
    ['echo pip install x'],
    ['uv pip install x'],
    ['pip download x'],
    ['pipx install black'],
  ])('%s is no pip install', (text) => {
    expect(pipInstallIndex(command(text))).toBe(-1);
  });

  it('pipx install is one when asked for', () => {
    expect(pipInstallIndex(command('pipx install black'), { pipx: true })).toBe(1);
  });
});

describe('apt', () => {
  it.each([
    ['apt-get update', 'apt-get', 'update'],
    ['apt-get -o Acquire::Retries=3 install -y curl', 'apt-get', 'install'],
    ['apt install -y curl', 'apt', 'install'],
    ['aptitude install curl', 'aptitude', 'install'],
    ['DEBIAN_FRONTEND=noninteractive apt-get -qq install curl', 'apt-get', 'install'],
  ])('%s is %s %s', (text, program, verb) => {
    expect(aptVerb(command(text))).toMatchObject({ program, verb });
  });

  it('dpkg is not apt', () => {
    expect(aptVerb(command('dpkg -i x.deb'))).toBeUndefined();
  });
});

describe('conda', () => {
  it.each([
    ['conda install -y -c conda-forge numpy=1.26', 'install', ['numpy=1.26'], ['conda-forge']],
    [
      'mamba create -n app -p /opt/env --override-channels -c pytorch python=3.11 pytorch::torch',
      'create',
      ['python=3.11', 'pytorch::torch'],
      ['pytorch', 'pytorch'],
    ],
    [
      'micromamba install --root-prefix /opt/mm --channel=nvidia cuda-version=12.1',
      'install',
      ['cuda-version=12.1'],
      ['nvidia'],
    ],
    ['conda upgrade --all -y', 'upgrade', [], []],
    ['conda env create -f environment.yml', 'env create', [], []],
  ])('%s', (text, verb, packages, channels) => {
    const c = command(text);
    expect({ verb: condaVerb(c), packages: packageArgs(c) }).toEqual({ verb, packages });
    expect(commandChannels(c)).toEqual(channels);
  });
});
