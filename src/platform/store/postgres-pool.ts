import pg from 'pg';

/**
 * A pool whose BIGINT (int8) columns come back as numbers. We store times as epoch milliseconds in
 * BIGINT columns (see docs/decisions/0002-durable-jobs.md); pg's default would return them as strings.
 * The parser is set on this pool only, not globally, so other pg users in the process are unaffected.
 */
const INT8_OID = 20;

export function createPostgresPool(connectionString: string, max = 10): pg.Pool {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v);
      return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
    },
  };
  return new pg.Pool({ connectionString, max, types });
}
