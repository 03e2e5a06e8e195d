/**
 * Another registration of the type landed between this one's read of the latest version and its
 * write (`registerNew`'s view was stale): it was checked against the wrong version, so nothing was
 * stored. `latest` is the version it must now be checked against; retrying (with a version above
 * `latest`) can succeed.
 * @example
 * catch (err) { if (err instanceof SchemaVersionStaleError) return retryCheckedAgainst(err.latest); throw err; }
 */
export class SchemaVersionStaleError extends Error {
  readonly retryable = true;
  constructor(
    readonly type: string,
    readonly version: number,
    readonly latest: number,
  ) {
    super(
      latest >= version
        ? `version ${version} of ${type}: version ${latest} was registered meanwhile and versions only go up; check against version ${latest} and send version ${latest + 1}`
        : `version ${version} of ${type} was checked against an older version, but version ${latest} was registered meanwhile; check it against version ${latest} and send it again`,
    );
    this.name = 'SchemaVersionStaleError';
  }
}
