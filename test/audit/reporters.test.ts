import { describe, expect, it } from 'vitest';
import type { AuditDiagnostic } from '../../src/audit/engine.js';
import { formatJson } from '../../src/report/audit-json.js';
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
});
