/**
 * A statement of the acknowledgement path, built and compiled by Kysely once per dialect, then run
 * with fresh parameters.
 *
 * Why: building and compiling a query with Kysely costs more than SQLite running it. The durable
 * accept runs a few inserts thousands of times a second; profiled at the ingest floor, the query
 * builder took ~15 % of the event loop.
 *
 * How it stays correct: `build` is first called with distinct sentinel values and must use each of
 * them, in order, as the statement's parameters. The compiled parameters are checked against the
 * sentinels, so a builder that drops, repeats or reorders a value fails at its first use instead of
 * binding a value to the wrong column. Values must therefore never be `undefined` (Kysely leaves
 * such a column out): pass `null`.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Store } from './index.ts';
import { prepareOnUse } from './postgres-pool.ts';
import type { Database } from './schema.ts';

export type HotStatement<P extends readonly unknown[], R> = (
  db: Kysely<Database>,
  params: P,
) => Promise<QueryResult<R>>;

export function hotStatement<P extends readonly unknown[], R>(
  arity: P['length'],
  build: (db: Kysely<Database>, params: P) => Compilable<R>,
): HotStatement<P, R> {
  const text = compiledOnce(arity, build);
  return async (db, params) => db.executeQuery<R>(CompiledQuery.raw(text(db, params), [...params]));
}

/**
 * A read of a request's hot path, compiled like a hot statement and run on the store's reader
 * (`store.reader.all`), past Kysely's executor. Rows may have a null prototype.
 */
export function hotRead<P extends readonly unknown[], R>(
  arity: P['length'],
  build: (db: Kysely<Database>, params: P) => Compilable<R>,
): (store: Pick<Store, 'db' | 'reader'>, params: P) => Promise<R[]> {
  const text = compiledOnce(arity, build);
  return async (store, params) => store.reader.all<R>(CompiledQuery.raw(text(store.db, params), [...params]));
}

/** The statement's SQL text for `db`'s dialect, compiled at its first use there and checked. */
function compiledOnce<P extends readonly unknown[], R>(
  arity: number,
  build: (db: Kysely<Database>, params: P) => Compilable<R>,
): (db: Kysely<Database>, params: P) => string {
  // Per adapter class: the SQL text depends only on the dialect's query compiler.
  const compiled = new WeakMap<object, string>();
  return (db, params) => {
    if (params.length !== arity)
      throw new Error(`hot statement: ${arity} parameters expected, ${params.length} given`);
    const dialect = db.getExecutor().adapter.constructor;
    let text = compiled.get(dialect);
    if (text === undefined) {
      const sentinels = Array.from({ length: arity }, (_, i) => `\u0000hot-statement-parameter-${i}`);
      const query = build(db, sentinels as unknown as P).compile();
      const same = query.parameters.length === arity && query.parameters.every((p, i) => p === sentinels[i]);
      if (!same)
        throw new Error(
          `hot statement: the builder must use each of its ${arity} parameters once, in order (compiled: ${query.sql})`,
        );
      text = query.sql;
      compiled.set(dialect, text);
      prepareOnUse(text);
    }
    return text;
  };
}
