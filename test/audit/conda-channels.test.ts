/** One vocabulary of conda channels (src/conda-channels.ts), asked by every rule. */
import { describe, expect, it } from 'vitest';
import { auditTexts } from '../../src/audit/engine.js';
import { makeProject } from '../../src/audit/project.js';
import {
  channelName,
  channelUrl,
  isAnacondaChannel,
  isChannelUrl,
} from '../../src/conda-channels.js';

describe('conda channels', () => {
  it.each([
    ['defaults', 'defaults', true],
    ['main', 'main', true],
    ['r', 'r', true],
    ['msys2', 'msys2', true],
    ['pro', 'pro', true],
    ['free', 'free', true],
    ['anaconda', 'anaconda', true],
    ['pkgs/main', 'defaults', true],
    ['pkgs/free', 'defaults', true],
    ['https://repo.anaconda.com/pkgs/main', 'defaults', true],
    ['https://repo.anaconda.cloud/pkgs/main', 'defaults', true],
    ['https://repo.continuum.io/pkgs/free', 'defaults', true],
    ['https://conda.anaconda.org/anaconda/', 'anaconda', true],
    ['conda-forge', 'conda-forge', false],
    ['https://conda.anaconda.org/conda-forge', 'conda-forge', false],
    ['conda-forge/label/rc', 'conda-forge', false],
    ['https://mirror.example.com/t/tok-123/conda-forge', 'conda-forge', false],
    ['pytorch', 'pytorch', false],
    ['nodefaults', 'nodefaults', false],
  ])('%s is %s (Anaconda: %s)', (raw, name, anaconda) => {
    expect(channelName(raw)).toBe(name);
    expect(isAnacondaChannel(raw)).toBe(anaconda);
  });

  it.each([
    'msys2',
    'pro',
    'pkgs/main',
    'https://repo.anaconda.cloud/pkgs/main',
    'https://repo.continuum.io/pkgs/free',
  ])('ENV003 and DKR002 agree on %s', (channel) => {
    const env = `name: app\nchannels:\n  - ${channel}\ndependencies:\n  - python=3.11\n`;
    const dockerfile = `FROM continuumio/miniconda3:25.3.1-1\nRUN conda install --yes -c ${channel} numpy=1.26\n`;
    const texts = new Map([
      ['environment.yml', env],
      ['Dockerfile', dockerfile],
    ]);
    const { diagnostics } = auditTexts(
      [
        { file: 'environment.yml', text: env, kind: 'environment' },
        { file: 'Dockerfile', text: dockerfile, kind: 'dockerfile' },
      ],
      makeProject('/repo', texts),
      { ignore: [], severity: {}, trustedRegistries: [] },
    );
    const ids = new Set(diagnostics.map((d) => d.ruleId));
    expect([ids.has('ENV003'), ids.has('DKR002')]).toEqual([true, true]);
  });

  it.each([
    // as written, its address, whether it is a URL (a mirror must be)
    ['conda-forge', 'https://conda.anaconda.org/conda-forge', false],
    ['pytorch', 'https://conda.anaconda.org/pytorch', false],
    ['https://conda.anaconda.org/conda-forge', 'https://conda.anaconda.org/conda-forge', true],
    ['https://conda.anaconda.org/conda-forge/', 'https://conda.anaconda.org/conda-forge', true],
    ['https://mirror.example.com/', 'https://mirror.example.com', true],
    ['http://127.0.0.1:8080/conda-forge', 'http://127.0.0.1:8080/conda-forge', true],
    [
      'https://user:pw@mirror.example.com/ch',
      'https://conda.anaconda.org/https://user:pw@mirror.example.com/ch',
      false,
    ],
    [
      'https://mirror.example.com/ch?x=1',
      'https://conda.anaconda.org/https://mirror.example.com/ch?x=1',
      false,
    ],
  ])('%s lives at %s (a URL: %s)', (raw, url, isUrl) => {
    expect(channelUrl(raw)).toBe(url);
    expect(isChannelUrl(raw)).toBe(isUrl);
  });
});
