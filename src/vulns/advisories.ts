/**
 * What `envgen vulns` asks an advisory source and what it gets back: the seam between the OSV
 * data layer (online through OSV's API, offline from an OSV export) and the command that maps an
 * environment's packages to PyPI names and reports. Both sources answer the same questions with
 * the same findings; nothing above this seam knows which one ran.
 */

/** One package to check: a PyPI name (PEP 503 normalised) and a version as PEP 440 reads it. */
export interface AdvisoryQuery {
  name: string;
  version: string;
}

/** An OSV severity, reduced to the levels `--fail-on` names. */
export type AdvisorySeverity = 'low' | 'moderate' | 'high' | 'critical' | 'unknown';

/** One advisory that affects one queried package. */
export interface Advisory {
  /** The OSV id (`GHSA-53q9-r3pm-6pq6`, `PYSEC-2024-…`). */
  id: string;
  /** Other ids of the same advisory (CVE, GHSA, PYSEC). */
  aliases: string[];
  summary: string;
  severity: AdvisorySeverity;
  /** The versions that fix it, from the affected ranges' `fixed` events (lowest first). */
  fixed: string[];
  /** The advisory's page: the database's URL for it. */
  url: string;
}

/** The advisories for each query, in the queries' order. */
export interface AdvisoryAnswer {
  query: AdvisoryQuery;
  advisories: Advisory[];
  /**
   * Why this package was not checked (its version is not one PEP 440 accepts, so no range can
   * be compared with it): the command reports it as "not checked", never as clean.
   */
  notChecked?: string;
}

/** An advisory source: OSV's API, or an OSV export on disk. */
export interface AdvisorySource {
  /** Where the data came from, for the report: `https://api.osv.dev`, `PyPI-all.zip`. */
  label: string;
  lookup(queries: readonly AdvisoryQuery[]): Promise<AdvisoryAnswer[]>;
}
