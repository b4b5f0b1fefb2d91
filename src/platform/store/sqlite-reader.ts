/**
 * A read-only SQLite connection for short indexed reads on a request's hot path (the screen pop's
 * caller lookup). The writer's connection is one user at a time (a transaction or a group commit batch
 * holds it); in WAL mode this one never waits for it, and each statement reads the last committed
 * state. It runs synchronously, so keep its queries to index lookups — a scan would stall every request.
 *
 * Queries run straight on a cached prepared statement, not through Kysely's executor: at 1,000 lookups
 * a second its connection mutex, plugins and result copies cost as much as SQLite's indexed read.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { CompiledQuery } from 'kysely';
import type { HotReader } from './index.ts';
import { toSqlite } from './sqlite-dialect.ts';

const STATEMENT_CACHE_SIZE = 64;
/** The reader's page cache, in KiB: allocated as pages are read, up to this. */
const READER_CACHE_KIB = 64 * 1024;

export function openSqliteReader(path: string): HotReader & { close: () => void } {
  const raw = new DatabaseSync(path, { readOnly: true });
  // A reader waits only while the WAL is being reset or recovered: briefly, but it blocks the loop.
  raw.exec('PRAGMA busy_timeout = 200');
  // Room for the lookup indexes' working set (SQLite's default is 2 MiB: ~500 pages, a few percent of a
  // 100k-contact mirror), so a lookup reads its pages from memory rather than from the file. SQLite
  // empties the cache when another connection commits; until then it serves every lookup.
  raw.exec(`PRAGMA cache_size = -${READER_CACHE_KIB}`);
  const cache = new Map<string, StatementSync>();
  function prepare(sql: string): StatementSync {
    let stmt = cache.get(sql);
    if (stmt === undefined) {
      stmt = raw.prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
      cache.set(sql, stmt);
    }
    return stmt;
  }
  return {
    async all<R>(query: CompiledQuery<R>): Promise<R[]> {
      return prepare(query.sql).all(...toSqlite(query.parameters)) as R[];
    },
    close() {
      cache.clear();
      if (raw.isOpen) raw.close();
    },
  };
}
