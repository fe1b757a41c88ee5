/** One query's answer from the records that name its package: what both sources return. */
import type { AdvisoryAnswer, AdvisoryQuery } from '../advisories.js';
import { type Pep440Version, parsePep440 } from './pep440.js';
import { affects, type OsvRecord, toAdvisory } from './record.js';

/** The query's version as PEP 440 reads it, or why it cannot be checked. */
export function queryVersion(
  query: AdvisoryQuery,
): { version: Pep440Version } | { notChecked: string } {
  const version = parsePep440(query.version);
  return version
    ? { version }
    : { notChecked: `${JSON.stringify(query.version)} is not a version PEP 440 accepts` };
}

/**
 * The advisories among `records` that affect the query (every one, when `matched` says the
 * source already matched them, as OSV's API does), by id.
 */
export function answerFrom(
  query: AdvisoryQuery,
  records: readonly OsvRecord[],
  matched = false,
): AdvisoryAnswer {
  const read = queryVersion(query);
  if ('notChecked' in read) return { query, advisories: [], notChecked: read.notChecked };
  const { version } = read;
  const seen = new Set<string>();
  const advisories = records
    // A withdrawn advisory is no finding, whoever matched it.
    .filter((record) => record.withdrawn === undefined)
    .filter((record) => matched || affects(record, query.name, version))
    .filter((record) => !seen.has(record.id) && seen.add(record.id))
    .map((record) => toAdvisory(record, query.name))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { query, advisories };
}
