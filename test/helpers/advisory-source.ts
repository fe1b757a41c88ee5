/**
 * An in-memory advisory source for the tests of `envgen vulns`: the advisories of
 * fixtures/vulns/advisories.json, each with the PyPI package and the range it affects, compared
 * number by number (the fixtures' versions are plain releases). It stands in for the OSV
 * sources (src/vulns/osv/), which have their own tests.
 */
import { readFileSync } from 'node:fs';
import { compareDotted } from '../../src/versions/dotted.js';
import type {
  Advisory,
  AdvisoryAnswer,
  AdvisoryQuery,
  AdvisorySource,
} from '../../src/vulns/advisories.js';

interface FixtureEntry {
  package: string;
  introduced: string;
  fixed?: string;
  lastAffected?: string;
  advisory: Advisory;
}

export function fixtureAdvisories(): FixtureEntry[] {
  const text = readFileSync(
    new URL('../../fixtures/vulns/advisories.json', import.meta.url),
    'utf8',
  );
  return (JSON.parse(text) as { advisories: FixtureEntry[] }).advisories;
}

export interface RecordingSource extends AdvisorySource {
  /** Every lookup's queries, in order. */
  asked: AdvisoryQuery[][];
}

export function memorySource(label = 'memory', entries = fixtureAdvisories()): RecordingSource {
  const asked: AdvisoryQuery[][] = [];
  const affects = (entry: FixtureEntry, version: string): boolean =>
    compareDotted(version, entry.introduced) >= 0 &&
    (entry.fixed === undefined || compareDotted(version, entry.fixed) < 0) &&
    (entry.lastAffected === undefined || compareDotted(version, entry.lastAffected) <= 0);
  return {
    label,
    asked,
    async lookup(queries) {
      asked.push([...queries]);
      return queries.map(
        (query): AdvisoryAnswer => ({
          query,
          advisories: entries
            .filter((e) => e.package === query.name && affects(e, query.version))
            .map((e) => e.advisory),
        }),
      );
    },
  };
}
