import { describe, expect, it } from 'vitest';
import type { AuditDiagnostic } from '../../src/audit/engine.js';
import { formatJson } from '../../src/report/audit-json.js';
import { formatCodeQuality } from '../../src/report/codequality.js';
import { formatGithub } from '../../src/report/github.js';

const diagnostic = (over: Partial<AuditDiagnostic> = {}): AuditDiagnostic => ({
  ruleId: 'DKR008',
  severity: 'warning',
  file: 'envs/a,b:c/Dockerfile',
  line: 3,
  column: 1,
  message: '100% of "logs"\nare lost',
  fixable: true,
  ...over,
});

describe('audit reporters', () => {
  it('github: escapes %, CR and LF in the message, and also : and , in properties', () => {
    const [line] = formatGithub([diagnostic()]).split('\n');
    expect(line).toBe(
      '::warning file=envs/a%2Cb%3Ac/Dockerfile,line=3,col=1,title=envgen DKR008::100%25 of "logs"%0Aare lost',
    );
  });

  it('github: info findings become notices', () => {
    expect(formatGithub([diagnostic({ severity: 'info', message: 'x' })])).toMatch(/^::notice /);
  });

  it('json: the diagnostics and a summary', () => {
    const parsed = JSON.parse(
      formatJson([diagnostic(), diagnostic({ severity: 'error', fixable: false })], 4),
    );
    expect(parsed.summary).toEqual({ files: 4, errors: 1, warnings: 1, info: 0, fixable: 1 });
    expect(Object.keys(parsed.diagnostics[0])).toEqual(
      expect.arrayContaining(['ruleId', 'severity', 'file', 'line', 'column', 'message']),
    );
  });

  it('gitlab: a Code Quality report, with the fields GitLab requires and stable fingerprints', () => {
    const issues = JSON.parse(
      formatCodeQuality([
        diagnostic({ fix: 'use exec form' }),
        diagnostic({ line: 9 }),
        diagnostic({ severity: 'error', ruleId: 'ENV001', file: 'environment.yml', line: 2 }),
        diagnostic({ severity: 'info' }),
      ]),
    );
    expect(issues[0]).toEqual({
      description: '100% of "logs"\nare lost (fix: use exec form)',
      check_name: 'DKR008',
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      severity: 'minor',
      location: { path: 'envs/a,b:c/Dockerfile', lines: { begin: 3 } },
    });
    expect(issues.map((i: { severity: string }) => i.severity)).toEqual([
      'minor',
      'minor',
      'major',
      'info',
    ]);
    // Two identical findings in one file differ; a finding that only moved keeps its fingerprint.
    const fingerprints = issues.map((i: { fingerprint: string }) => i.fingerprint);
    expect(new Set(fingerprints).size).toBe(4);
    const moved = JSON.parse(formatCodeQuality([diagnostic({ line: 40, fix: 'use exec form' })]));
    expect(moved[0].fingerprint).toBe(fingerprints[0]);
    expect(formatCodeQuality([])).toBe('[]\n');
  });
});
