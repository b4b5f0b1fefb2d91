/**
 * A read-only SQLite connection for short indexed reads on a request's hot path (the screen pop's
 * caller lookup). The writer's connection is one user at a time (a transaction or a group commit batch
 * holds it); in WAL mode this one never waits for it, and each statement reads the last committed
 * state. It runs synchronously, so keep its queries to index lookups — a scan would stall every request.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from './schema.ts';
import { toSqlite } from './sqlite-dialect.ts';

const STATEMENT_CACHE_SIZE = 64;

export function openSqliteReader(path: string): { db: Kysely<Database>; close: () => void } {
  const raw = new DatabaseSync(path, { readOnly: true });
  // A reader waits only while the WAL is being reset or recovered: briefly, but it blocks the loop.
  raw.exec('PRAGMA busy_timeout = 200');
  const cache = new Map<string, StatementSync>();
  const database: SqliteDatabase = {
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt === undefined) {
        stmt = raw.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
        cache.set(sql, stmt);
      }
      const s = stmt;
      return {
        reader: true,
        // node:sqlite rows have a null prototype; plain objects behave like the writer's rows.
        all: (parameters) => s.all(...toSqlite(parameters)).map((row) => ({ ...row })),
        run: () => {
          throw new Error('the read-only connection does not write');
        },
        iterate: () => {
          throw new Error('the read-only connection does not stream: it serves short lookups');
        },
      };
    },
    close: () => {
      cache.clear();
      if (raw.isOpen) raw.close();
    },
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, close: () => database.close() };
}
