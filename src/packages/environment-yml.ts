/**
 * A conda environment file (`environment.yml`): its `dependencies` (conda match specs, and a
 * `pip:` list of requirements) as records. Versions are those the specs pin, else null; the
 * channel is the one a `channel::name` entry names. Each entry that is neither is corrupt, at
 * its line.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { corruptInput } from './input-problem.js';
import { matchSpecRecord } from './match-spec-record.js';
import type { PackageRecord, PackageSet } from './package-set.js';
import { pipRecord } from './pip-requirements.js';

const EXPECTED_FILE = 'a conda environment file: a YAML map with a `dependencies:` list';
const EXPECTED_ENTRY =
  "a conda match spec ('numpy', 'numpy=1.26.4', 'conda-forge::numpy>=1.24') or a `pip:` list";

export function parseEnvironmentYml(text: string, file: string): PackageSet {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  const error = document.errors[0];
  if (error) {
    throw corruptInput(
      file,
      lineCounter.linePos(error.pos[0]).line,
      `is not valid YAML (${error.message.split('\n')[0]})`,
      EXPECTED_FILE,
    );
  }
  const root = document.contents;
  const dependencies = isMap(root) ? root.get('dependencies', true) : undefined;
  if (!isSeq(dependencies)) {
    throw corruptInput(
      file,
      lineOf(isMap(root) ? root : undefined),
      'has no `dependencies:` list',
      EXPECTED_FILE,
    );
  }
  const packages: PackageRecord[] = [];
  for (const item of dependencies.items as Node[]) {
    if (isScalar(item) && typeof item.value === 'string') {
      const parsed = matchSpecRecord(item.value);
      if (!parsed.ok) throw corruptInput(file, lineOf(item), parsed.error, EXPECTED_ENTRY);
      packages.push(parsed.record);
      continue;
    }
    const pip = isMap(item) ? item.get('pip', true) : undefined;
    if (isMap(item) && isSeq(pip) && item.items.length === 1) {
      for (const entry of pip.items as Node[]) {
        const record =
          isScalar(entry) && typeof entry.value === 'string' ? pipRecord(entry.value) : undefined;
        if (record === undefined) {
          throw corruptInput(
            file,
            lineOf(entry),
            `'${String(isScalar(entry) ? entry.value : entry)}' is not a pip requirement`,
            "a pip requirement ('name==1.2', 'name>=1.2', 'name @ https://…')",
          );
        }
        if (record) packages.push(record);
      }
      continue;
    }
    throw corruptInput(
      file,
      lineOf(item),
      'an entry of `dependencies:` is neither a match spec nor a `pip:` list',
      EXPECTED_ENTRY,
    );
  }
  return {
    kind: 'environment-yml',
    label: file,
    platform: null,
    packages: withoutDuplicates(packages),
  };
}

/** A package listed twice counts once (its last entry, as conda reads it). */
function withoutDuplicates(records: PackageRecord[]): PackageRecord[] {
  const byKey = new Map<string, PackageRecord>();
  for (const record of records) byKey.set(`${record.manager}:${record.name}`, record);
  return [...byKey.values()];
}
