/**
 * A conda environment file (`environment.yml`): its `dependencies` (conda match specs, and a
 * `pip:` list of requirements) as records. Versions are those the specs pin, else null; the
 * channel is the one a `channel::name` entry names. Each entry that is neither is corrupt, at
 * its line.
 */
import { isMapping, parseYamlSource } from '../spec/yaml-source.js';
import { corruptInput } from './input-problem.js';
import { matchSpecRecord } from './match-spec-record.js';
import type { PackageRecord, PackageSet } from './package-set.js';
import { pipRecord } from './pip-requirements.js';

const EXPECTED_FILE = 'a conda environment file: a YAML map with a `dependencies:` list';
const EXPECTED_ENTRY =
  "a conda match spec ('numpy', 'numpy=1.26.4', 'conda-forge::numpy>=1.24') or a `pip:` list";

export function parseEnvironmentYml(text: string, file: string): PackageSet {
  // The YAML read as every YAML file is (one document, bounded aliases and depth); numbers as
  // numbers, so `- 3.9` is no match spec.
  const source = parseYamlSource(text, file, 'environment-yml', { numbersAsText: false });
  const lineOf = (path: (string | number)[]): number | undefined => source.locate(path)?.line;
  const root = source.value;
  const dependencies = isMapping(root) ? root.dependencies : undefined;
  if (!Array.isArray(dependencies)) {
    throw corruptInput(
      file,
      isMapping(root) ? lineOf([]) : undefined,
      'has no `dependencies:` list',
      EXPECTED_FILE,
    );
  }
  const packages: PackageRecord[] = [];
  dependencies.forEach((item: unknown, index) => {
    const at = ['dependencies', index];
    if (typeof item === 'string') {
      const parsed = matchSpecRecord(item);
      if (!parsed.ok) throw corruptInput(file, lineOf(at), parsed.error, EXPECTED_ENTRY);
      packages.push(parsed.record);
      return;
    }
    const pip = isMapping(item) ? item.pip : undefined;
    if (isMapping(item) && Array.isArray(pip) && Object.keys(item).length === 1) {
      pip.forEach((entry: unknown, pipIndex) => {
        const record = typeof entry === 'string' ? pipRecord(entry) : undefined;
        if (record === undefined) {
          throw corruptInput(
            file,
            lineOf([...at, 'pip', pipIndex]),
            `'${typeof entry === 'string' ? entry : JSON.stringify(entry)}' is not a pip requirement`,
            "a pip requirement ('name==1.2', 'name>=1.2', 'name @ https://…')",
          );
        }
        if (record) packages.push(record);
      });
      return;
    }
    throw corruptInput(
      file,
      lineOf(at),
      'an entry of `dependencies:` is neither a match spec nor a `pip:` list',
      EXPECTED_ENTRY,
    );
  });
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
