import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * A pool whose BIGINT (int8) columns come back as numbers, and whose hot statements are prepared once
 * per connection.
 *
 * BIGINT: we store times as epoch milliseconds in BIGINT columns (see
 * docs/decisions/0002-durable-jobs.md); pg's default would return them as strings. The parser is set on
 * this pool only, not globally, so other pg users in the process are unaffected.
 *
 * Prepared: the statements of the acknowledgement path (`hotStatement`, hot-statement.ts) are sent as
 * named statements, so that PostgreSQL parses and plans each once per connection instead of on every
 * call. Measured with pgbench on our inbox and job inserts: 408 → 254 µs of server CPU per
 * acknowledgement. Named statements live on a server session: a pooler in transaction mode must
 * support them (PgBouncer ≥ 1.21 with `max_prepared_statements`), or set DATABASE_PREPARED=false.
 */
const INT8_OID = 20;

/** SQL texts to prepare, and each one's statement name. */
const prepared = new Map<string, string>();

/** Marks a statement's text (with `$1…` placeholders) to be prepared on every connection that runs it. */
export function prepareOnUse(text: string): void {
  if (!prepared.has(text))
    prepared.set(text, `pb_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`);
}

type QueryArgs = Parameters<pg.Client['query']>;

class PreparingClient extends pg.Client {
  // @ts-expect-error -- one override for pg's many overloads; the arguments pass through unchanged
  override query(...args: QueryArgs) {
    const [text, values, callback] = args as unknown[];
    const name = typeof text === 'string' && Array.isArray(values) ? prepared.get(text) : undefined;
    if (name === undefined) return (super.query as (...a: unknown[]) => unknown)(...args);
    return (super.query as (...a: unknown[]) => unknown)({ name, text, values }, callback);
  }
}

export function createPostgresPool(
  connectionString: string,
  max = 10,
  options: { prepare?: boolean } = {},
): pg.Pool {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v);
      return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
    },
  };
  return new pg.Pool({
    connectionString,
    max,
    types,
    // pg's typings declare the pool's Client without the config argument it is constructed with.
    ...(options.prepare === false ? {} : { Client: PreparingClient as unknown as new () => pg.ClientBase }),
  });
}
