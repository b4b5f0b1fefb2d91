/**
 * The store: one Kysely instance over SQLite (`node:sqlite`, embedded default) or PostgreSQL (scale-out).
 * See docs/decisions/0002-durable-jobs.md for time representation and group commit.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kysely, sql, type CompiledQuery, type Transaction } from 'kysely';
import { createGroupCommit } from './group-commit.ts';
import { listPendingMigrations, runMigrations, type Dialect, type Migration } from './migrate.ts';
import { CurrentSchemaPostgresDialect } from './postgres-dialect.ts';
import { createPostgresGroupCommit } from './postgres-group-commit.ts';
import { createPostgresPool } from './postgres-pool.ts';
import type { Database } from './schema.ts';
import { openSqliteConnection } from './sqlite-connection.ts';
import { sqliteHandles } from './sqlite-dialect.ts';
import { openSqliteReader } from './sqlite-reader.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';
import { createPauseCell } from './writer-pause.ts';

export type { Database } from './schema.ts';
export type { Dialect, Migration } from './migrate.ts';

export interface StoreConfig {
  /** `postgres://…` selects PostgreSQL; unset selects SQLite at `sqlitePath`. */
  databaseUrl?: string | undefined;
  /** SQLite file, e.g. `./.data/patchbay.sqlite`; its directory is created if missing. */
  sqlitePath: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number | undefined;
  /** PostgreSQL: prepare hot statements once per connection (default true; see postgres-pool.ts). */
  preparedStatements?: boolean | undefined;
  /** SQLite busy timeout in ms (default 10 000): how long to wait for another process's write lock. */
  busyTimeoutMs?: number | undefined;
}

/** Runs a compiled read (see `hotRead` in hot-statement.ts); rows may have a null prototype. */
export interface HotReader {
  all<R>(query: CompiledQuery<R>): Promise<R[]>;
}

/** Cumulative counts: calls ÷ commits is the average batch, flushSeconds ÷ flushes the average flush. */
export interface DurableStats {
  commits: number;
  calls: number;
  flushes: number;
  flushSeconds: number;
  /**
   * Time group commits waited for SQLite's write lock (BEGIN IMMEDIATE), which blocks the event loop:
   * a checkpoint restarting the WAL, or another process writing.
   */
  lockWaitSeconds: number;
}

export interface Store {
  db: Kysely<Database>;
  /**
   * For short indexed reads on a request's hot path, of committed data only: on SQLite a read-only
   * connection that never waits for the writer's (held by a transaction or a group commit batch); on
   * PostgreSQL the same pool as `db`. Never write through it, never scan with it.
   */
  reader: HotReader;
  dialect: Dialect;
  /** Platform migrations plus the given (features'), in name order. */
  migrate(migrations?: readonly Migration[]): Promise<{ applied: string[] }>;
  pendingMigrations(migrations?: readonly Migration[]): Promise<string[]>;
  ping(): Promise<void>;
  /**
   * Runs fn in a transaction and resolves after the commit is durable. Concurrent calls share one
   * commit (group commit, group-commit.ts and postgres-group-commit.ts; one failure doesn't abort the
   * others, and fn may then run a second time). Inside fn use only `trx`, never `store.db`, a nested
   * `durable()` or other I/O.
   */
  durable<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** SQLite's group commits and WAL flushes since the store opened; undefined on PostgreSQL. */
  durableStats(): DurableStats | undefined;
  /** A plain transaction (on SQLite: BEGIN IMMEDIATE, no batching). */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** How often the SQLite WAL is checkpointed into the database file (auto-checkpoints are off; see sqlite-checkpointer.ts). */
const SQLITE_CHECKPOINT_INTERVAL_MS = 1_000;
/** WAL content from which the checkpointer also makes the WAL start over (sqlite-checkpointer.ts). */
const SQLITE_WAL_RESTART_BYTES = 64 * 1024 * 1024;

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

/** The store settings of the hub's configuration (platform/config). */
export function storeConfigOf(config: {
  databaseUrl: string | undefined;
  sqlitePath: string;
  databasePoolSize: number;
  databasePreparedStatements: boolean;
}): StoreConfig {
  return {
    databaseUrl: config.databaseUrl,
    sqlitePath: config.sqlitePath,
    poolSize: config.databasePoolSize,
    preparedStatements: config.databasePreparedStatements,
  };
}

export async function openStore(config: StoreConfig): Promise<Store> {
  const url = config.databaseUrl;
  if (url !== undefined && url !== '' && !isPostgresUrl(url)) {
    throw new Error('databaseUrl must start with postgres:// or postgresql:// (leave it unset for SQLite)');
  }
  if (isPostgresUrl(url)) {
    const poolSize = config.poolSize ?? 10;
    const pool = createPostgresPool(url, poolSize, { prepare: config.preparedStatements ?? true });
    const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
    // Half the pool for group commits, the rest for workers' and readers' queries meanwhile.
    const group = createPostgresGroupCommit(db, { concurrency: Math.max(1, Math.floor(poolSize / 2)) });
    return makeStore({
      db,
      reader: readerOf(db),
      dialect: 'postgres',
      durable: (fn) => group.run(fn),
      durableStats: () => undefined,
      async close() {
        await group.drain();
        await db.destroy();
      },
    });
  }
  if (config.sqlitePath !== ':memory:') mkdirSync(dirname(config.sqlitePath), { recursive: true });
  const connection = openSqliteConnection({
    path: config.sqlitePath,
    busyTimeoutMs: config.busyTimeoutMs ?? 10_000,
  });
  const inMemory = config.sqlitePath === ':memory:';
  const pause = inMemory ? undefined : createPauseCell();
  const { db, shared } = sqliteHandles(connection, pause);
  let lockWaitSeconds = 0;
  const group = createGroupCommit(db, shared, {
    begin() {
      // The statement runs (and waits for the lock) before `run` returns its promise.
      const started = performance.now();
      const begun = connection.run('begin immediate', []);
      lockWaitSeconds += (performance.now() - started) / 1000;
      return begun;
    },
    commitDeferred: () => connection.commitDeferred(),
    flushing: () => connection.flushing(),
  });
  // An in-memory database is private to its connection: there, reads go to the writer too.
  const reader = config.sqlitePath === ':memory:' ? undefined : openSqliteReader(config.sqlitePath);
  const checkpointer =
    pause === undefined
      ? undefined
      : await startCheckpointer({
          path: config.sqlitePath,
          intervalMs: SQLITE_CHECKPOINT_INTERVAL_MS,
          restartAtBytes: SQLITE_WAL_RESTART_BYTES,
          pause,
        });
  return makeStore({
    db,
    reader: reader ?? readerOf(db),
    dialect: 'sqlite',
    durable: (fn) => group.run(fn),
    durableStats() {
      const { flushes, seconds } = connection.flushStats();
      return { ...group.stats(), flushes, flushSeconds: seconds, lockWaitSeconds };
    },
    async close() {
      await group.drain();
      await checkpointer?.stop();
      reader?.close();
      await db.destroy();
      connection.close();
    },
  });
}

/** Reads through Kysely's executor: PostgreSQL's pool, or SQLite's only connection when in memory. */
function readerOf(db: Kysely<Database>): HotReader {
  return { all: async <R>(query: CompiledQuery<R>) => (await db.executeQuery(query)).rows };
}

function makeStore(parts: {
  db: Kysely<Database>;
  reader: HotReader;
  dialect: Dialect;
  durable: <T>(fn: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;
  durableStats: () => DurableStats | undefined;
  /** Finishes pending work, then closes every connection. */
  close: () => Promise<void>;
}): Store {
  const { db, dialect } = parts;
  let closed = false;
  return {
    db,
    reader: parts.reader,
    dialect,
    migrate: (migrations = []) => runMigrations(db, dialect, migrations),
    pendingMigrations: (migrations = []) => listPendingMigrations(db, dialect, migrations),
    async ping() {
      await sql`select 1`.execute(db);
    },
    durable: parts.durable,
    durableStats: parts.durableStats,
    transaction: (fn) => db.transaction().execute(fn),
    async close() {
      if (closed) return;
      closed = true;
      await parts.close();
    },
  };
}
