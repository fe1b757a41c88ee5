/**
 * SARIF 2.1.0 as GitHub code scanning takes it: the rules with their help, results with
 * relative URIs and regions, and stable fingerprints (a hash of the rule, the file and the
 * line's text, so a finding keeps its identity when lines move).
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import { createHash } from 'node:crypto';
import type { AuditDiagnostic } from '../audit/engine.js';
import type { Rule } from '../audit/types.js';
import { jsonText } from './json.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** One SARIF 2.1.0 log of envgen's run: its rules and results (each reporter builds its own). */
export function sarifLog(version: string, rules: readonly unknown[], results: readonly unknown[]) {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'envgen', version, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: './' } },
        results,
      },
    ],
  };
}

/** A result's location: a file relative to the repository root, and where in it. */
export function sarifLocation(file: string, line: number, column: number) {
  return [
    {
      physicalLocation: {
        artifactLocation: { uri: file, uriBaseId: '%SRCROOT%' },
        region: { startLine: line, startColumn: column },
      },
    },
  ];
}

export function formatSarif(
  diagnostics: readonly AuditDiagnostic[],
  rules: readonly Rule[],
  version: string,
  lineText: (file: string, line: number) => string,
): string {
  const used = rules.filter((rule) => diagnostics.some((d) => d.ruleId === rule.id));
  const index = new Map(used.map((rule, i) => [rule.id, i]));
  const log = sarifLog(
    version,
    used.map((rule) => ({
      id: rule.id,
      name: rule.name,
      shortDescription: { text: rule.description },
      fullDescription: { text: rule.description },
      help: { text: rule.docs, markdown: rule.docs },
      defaultConfiguration: {
        level: rule.severity === 'style' || rule.severity === 'info' ? 'note' : rule.severity,
      },
      properties: { tags: [...(rule.targets ?? [rule.target]), ...(rule.aliases ?? [])] },
    })),
    diagnostics
      .filter((d) => index.has(d.ruleId) || /000$/.test(d.ruleId))
      .map((d) => ({
        ruleId: d.ruleId,
        ...(index.has(d.ruleId) ? { ruleIndex: index.get(d.ruleId) } : {}),
        level: LEVEL[d.severity],
        message: { text: d.fix ? `${d.message} Fix: ${d.fix}` : d.message },
        locations: sarifLocation(d.file, d.line, d.column),
        partialFingerprints: {
          primaryLocationLineHash: createHash('sha256')
            .update(`${d.ruleId}\0${d.file}\0${lineText(d.file, d.line).trim()}`)
            .digest('hex')
            .slice(0, 32),
        },
      })),
  );
  return jsonText(log);
}
