/**
 * Fits `node:sqlite`'s `DatabaseSync` to the better-sqlite3 shape Kysely's `SqliteDialect` expects
 * (`prepare(sql)` → `{ reader, all, run, iterate }`, `close()`), so we need no native addon.
 */
import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Prepared statements are cached: preparing dominates the cost of the small queries a durable ack makes. */
const STATEMENT_CACHE_SIZE = 256;

export interface SqliteOpenOptions {
  path: string;
  busyTimeoutMs?: number;
}

export function openSqlite(options: SqliteOpenOptions): { raw: DatabaseSync; adapter: SqliteDatabase } {
  const raw = new DatabaseSync(options.path, { enableForeignKeyConstraints: true });
  // WAL lets readers run beside the single writer; synchronous=FULL fsyncs the WAL on every commit, so an
  // acknowledged write survives power loss. busy_timeout makes a second process wait for the write lock
  // instead of failing at once.
  raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('PRAGMA synchronous = FULL');
  raw.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 10_000)}`);
  raw.exec('PRAGMA foreign_keys = ON');
  // Checkpoints run on a timer (see index.ts), not inside whichever commit crosses 1,000 WAL pages:
  // one short pause a second instead of a stall in the middle of a burst of acknowledgements.
  raw.exec('PRAGMA wal_autocheckpoint = 0');
  return { raw, adapter: new NodeSqliteAdapter(raw) };
}

class NodeSqliteAdapter implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  prepare(sql: string): SqliteStatement {
    let stmt = this.#cache.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql);
      if (this.#cache.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#cache.keys().next();
        if (oldest.done !== true) this.#cache.delete(oldest.value);
      }
      this.#cache.set(sql, stmt);
    }
    return new Statement(stmt, () => this.#db.prepare(sql));
  }

  close(): void {
    this.#cache.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}

class Statement implements SqliteStatement {
  readonly #stmt: StatementSync;
  readonly #fresh: () => StatementSync;

  constructor(stmt: StatementSync, fresh: () => StatementSync) {
    this.#stmt = stmt;
    this.#fresh = fresh;
  }

  /** A statement that yields columns (SELECT, or anything with RETURNING) is read with `all()`. */
  get reader(): boolean {
    return this.#stmt.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    // node:sqlite rows have a null prototype; plain objects behave like pg's rows everywhere (assert, spread).
    return this.#stmt.all(...toSqlite(parameters)).map((row) => ({ ...row }));
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#stmt.run(...toSqlite(parameters));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    // A cached statement has one cursor; a stream must not share it with other queries of the same SQL.
    return plainRows(this.#fresh().iterate(...toSqlite(parameters)));
  }
}

function* plainRows(rows: Iterable<unknown>): IterableIterator<unknown> {
  for (const row of rows) yield { ...(row as object) };
}

function toSqlite(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((p): SQLInputValue => {
    if (p === undefined || p === null) return null;
    if (typeof p === 'boolean') return p ? 1 : 0;
    if (typeof p === 'number' || typeof p === 'bigint' || typeof p === 'string') return p;
    if (p instanceof Uint8Array) return p;
    if (p instanceof Date)
      throw new TypeError(
        'store times as epoch milliseconds (number), not Date: see docs/decisions/0002-durable-jobs.md',
      );
    throw new TypeError(`unsupported SQLite parameter type: ${typeof p}`);
  });
}
