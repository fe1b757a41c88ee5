/** The precision and recall defects audit had on real files (issue 14), each as a case. */
import { describe, expect, it } from 'vitest';
import { type AuditDiagnostic, auditTexts } from '../../src/audit/engine.js';
import { makeProject } from '../../src/audit/project.js';

function audit(dockerfile: string, files: Record<string, string> = {}): AuditDiagnostic[] {
  const texts = new Map([['Dockerfile', dockerfile], ...Object.entries(files)]);
  return auditTexts(
    [{ file: 'Dockerfile', text: dockerfile, kind: 'dockerfile' }],
    makeProject('/repo', texts),
    { ignore: [], severity: {}, trustedRegistries: [] },
  ).diagnostics;
}

const of = (diagnostics: AuditDiagnostic[], id: string) =>
  diagnostics.filter((d) => d.ruleId === id);

describe('audit precision on real shapes', () => {
  it('DKR029: a RUN of two commands followed by one is not reported (hadolint DL3059)', () => {
    const text = 'FROM debian:12.11-slim\nRUN useradd app && mkdir /data\nRUN chown app /data\n';
    expect(of(audit(text), 'DKR029')).toEqual([]);
  });

  it('DKR029 names the RUN right before, not the first of a run', () => {
    const text = 'FROM debian:12.11-slim\nRUN a\nRUN b\nRUN c\n';
    expect(
      of(audit(text), 'DKR029').map((d) => [d.line, /line ([0-9]+)/.exec(d.message)?.[1]]),
    ).toEqual([
      [3, '2'],
      [4, '3'],
    ]);
  });

  it('DKR017: --root-user-action takes a value; pipx install is checked', () => {
    const pinned =
      'FROM python:3.11.9-slim\nRUN pip install --no-cache-dir --root-user-action ignore poetry==1.8.5\n';
    expect(of(audit(pinned), 'DKR017')).toEqual([]);
    const pipx = 'FROM python:3.11.9-slim\nRUN pipx install black\n';
    expect(of(audit(pipx), 'DKR017').map((d) => d.line)).toEqual([2]);
    // pipx has no cache to disable: DKR016 does not ask for --no-cache-dir.
    expect(of(audit(pipx), 'DKR016')).toEqual([]);
  });

  it('DKR019: -q -q and --quiet --quiet imply -y; aptitude is checked; each missing flag is its own code', () => {
    const quiet =
      'FROM debian:12.11-slim\nRUN apt-get -q -q install --no-install-recommends curl\n';
    expect(of(audit(quiet), 'DKR019')).toEqual([]);
    const quieter =
      'FROM debian:12.11-slim\nRUN apt-get --quiet --quiet install --no-install-recommends curl\n';
    expect(of(audit(quieter), 'DKR019')).toEqual([]);
    const aptitude = 'FROM debian:12.11-slim\nRUN aptitude install curl\n';
    expect(of(audit(aptitude), 'DKR019').map((d) => d.aliases)).toEqual([['DL3014'], ['DL3015']]);
  });

  it('instructions before the first FROM other than ARG are reported', () => {
    const text = 'ARG BASE=debian:12.11-slim\nMAINTAINER someone\nRUN echo hi\nFROM ${BASE}\n';
    expect(of(audit(text), 'DKR030').map((d) => d.line)).toEqual([2, 3]);
  });

  it('ONBUILD triggers are checked as the instructions they are', () => {
    const text = 'FROM python:3.11.9-slim\nONBUILD RUN pip install --no-cache-dir flask\n';
    expect(of(audit(text), 'DKR017').map((d) => d.line)).toEqual([2]);
  });

  it('DKR020: a pipe as an if/while condition or ending in a checksum check is fine; the message names the program', () => {
    const condition =
      'FROM debian:12.11-slim\nRUN if curl -fsSL https://x | grep -q ok; then echo ok; fi\n';
    expect(of(audit(condition), 'DKR020')).toEqual([]);
    const check = 'FROM debian:12.11-slim\nRUN echo "abc  file.tar" | sha256sum -c -\n';
    expect(of(audit(check), 'DKR020')).toEqual([]);
    const bad = 'FROM debian:12.11-slim\nRUN cd /tmp && curl -fsSL https://x | tar -xz\n';
    const [finding] = of(audit(bad), 'DKR020');
    expect(finding?.message).toContain('a failure of `curl`');
    const sh =
      'FROM debian:12.11-slim\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://x | tar -xz\n';
    expect(of(audit(sh), 'DKR020').map((d) => d.line)).toEqual([3]);
  });

  it('DKR013 leaves ROCm images alone', () => {
    const text =
      'FROM rocm/pytorch:rocm6.2_ubuntu22.04_py3.10_pytorch_release_2.3.0\nRUN python -c "import torch"\nCMD ["python", "serve.py"]\n';
    expect(of(audit(text), 'DKR013')).toEqual([]);
  });

  it('DKR023 names only what the .dockerignore lets through', () => {
    const text = 'FROM debian:12.11-slim\nCOPY . /app\n';
    const [finding] = of(audit(text, { '.dockerignore': '.git\n' }), 'DKR023');
    expect(finding?.message).toContain('.env files');
    expect(finding?.message).not.toContain('git history');
  });

  it('DKR014: a base image (no CMD, ENTRYPOINT or EXPOSE) is not a service running as root', () => {
    expect(of(audit('FROM debian:12.11-slim\nRUN echo base\n'), 'DKR014')).toEqual([]);
    expect(of(audit('FROM debian:12.11-slim\nCMD ["sleep", "1"]\n'), 'DKR014')).toHaveLength(1);
  });

  it('DKR018 says `apt update` for apt', () => {
    const [finding] = of(
      audit('FROM debian:12.11-slim\nRUN apt update && apt install -y curl\nCMD ["x"]\n'),
      'DKR018',
    );
    expect(finding?.message).toContain('`apt update`');
  });
});

describe('ONBUILD triggers and ARGs in the model', () => {
  it('only an ONBUILD RUN is checked as a RUN; other triggers are not this image', () => {
    const text = [
      'FROM debian:12.11-slim',
      'ONBUILD CMD ["other"]',
      'ONBUILD USER root',
      'ONBUILD ENV FOO bar',
      'ONBUILD EXPOSE 9000',
      'RUN useradd app',
      'USER app',
      'CMD ["serve"]',
      '',
    ].join('\n');
    const found = audit(text);
    expect(of(found, 'DKR030')).toEqual([]);
    expect(of(found, 'DKR014')).toEqual([]);
    expect(of(found, 'DKR027')).toEqual([]);
  });

  it('an ONBUILD before FROM is reported once', () => {
    const text = 'ONBUILD RUN echo hi\nFROM debian:12.11-slim\n';
    expect(of(audit(text), 'DKR030').map((d) => d.line)).toEqual([1]);
  });

  it('ARG A=1 B=2 and an ARG default built from an earlier ARG are expanded', () => {
    const text = [
      'ARG BASE=builder TAG=12.11-slim',
      'ARG IMAGE=debian:${TAG}',
      'FROM ${IMAGE} AS builder',
      'FROM ${BASE} AS runtime',
      'USER 10001',
      'CMD ["serve"]',
      '',
    ].join('\n');
    const found = audit(text);
    expect(of(found, 'DKR011')).toEqual([]);
    expect(of(found, 'DKR025')).toEqual([]);
  });

  it('RUN ["bash", "-lc", ...] is read as the script it runs', () => {
    const text = 'FROM python:3.11.9-slim\nRUN ["bash", "-lc", "pip install flask"]\n';
    expect(of(audit(text), 'DKR017').map((d) => d.line)).toEqual([2]);
  });
});
