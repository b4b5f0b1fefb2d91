/**
 * The store: one Kysely instance over SQLite (`node:sqlite`, embedded default) or PostgreSQL (scale-out).
 * See docs/decisions/0002-durable-jobs.md for time representation and group commit.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { createGroupCommit } from './group-commit.ts';
import { listPendingMigrations, runMigrations, type Dialect, type Migration } from './migrate.ts';
import { createPostgresPool } from './postgres-pool.ts';
import type { Database } from './schema.ts';
import { ImmediateSqliteDialect } from './sqlite-dialect.ts';
import { openSqlite } from './sqlite-adapter.ts';

export type { Database } from './schema.ts';
export type { Dialect, Migration } from './migrate.ts';

export interface StoreConfig {
  /** `postgres://…` selects PostgreSQL; unset selects SQLite at `sqlitePath`. */
  databaseUrl?: string | undefined;
  /** SQLite file, e.g. `./.data/patchbay.sqlite`; its directory is created if missing. */
  sqlitePath: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number | undefined;
  /** SQLite busy timeout in ms (default 10 000): how long to wait for another process's write lock. */
  busyTimeoutMs?: number | undefined;
}

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Platform migrations plus the given (features'), in name order. */
  migrate(migrations?: readonly Migration[]): Promise<{ applied: string[] }>;
  pendingMigrations(migrations?: readonly Migration[]): Promise<string[]>;
  ping(): Promise<void>;
  /**
   * Runs fn in a transaction and resolves after the commit is durable. On SQLite, concurrent calls
   * share one commit (group commit; one failure doesn't abort the others, and fn may then run a
   * second time). Inside fn use only `trx`, never `store.db`, a nested `durable()` or other I/O.
   */
  durable<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** A plain transaction (on SQLite: BEGIN IMMEDIATE, no batching). */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** How often the SQLite WAL is checkpointed into the database file (auto-checkpoints are off). */
const SQLITE_CHECKPOINT_INTERVAL_MS = 1_000;

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

export async function openStore(config: StoreConfig): Promise<Store> {
  const url = config.databaseUrl;
  if (url !== undefined && url !== '' && !isPostgresUrl(url)) {
    throw new Error('databaseUrl must start with postgres:// or postgresql:// (leave it unset for SQLite)');
  }
  if (isPostgresUrl(url)) {
    const pool = createPostgresPool(url, config.poolSize ?? 10);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return makeStore(
      db,
      'postgres',
      (fn) => db.transaction().execute(fn),
      async () => {},
    );
  }
  if (config.sqlitePath !== ':memory:') mkdirSync(dirname(config.sqlitePath), { recursive: true });
  const { adapter } = openSqlite({ path: config.sqlitePath, busyTimeoutMs: config.busyTimeoutMs ?? 10_000 });
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: adapter }) });
  const group = createGroupCommit(db);
  const checkpoints = setInterval(() => {
    // A checkpoint that cannot run now (a reader holds old pages) simply runs at the next tick.
    sql`PRAGMA wal_checkpoint(PASSIVE)`.execute(db).catch(() => undefined);
  }, SQLITE_CHECKPOINT_INTERVAL_MS);
  checkpoints.unref();
  return makeStore(
    db,
    'sqlite',
    (fn) => group.run(fn),
    async () => {
      clearInterval(checkpoints);
      await group.drain();
    },
  );
}

function makeStore(
  db: Kysely<Database>,
  dialect: Dialect,
  durable: <T>(fn: (trx: Transaction<Database>) => Promise<T>) => Promise<T>,
  drain: () => Promise<void>,
): Store {
  let closed = false;
  return {
    db,
    dialect,
    migrate: (migrations = []) => runMigrations(db, dialect, migrations),
    pendingMigrations: (migrations = []) => listPendingMigrations(db, dialect, migrations),
    async ping() {
      await sql`select 1`.execute(db);
    },
    durable,
    transaction: (fn) => db.transaction().execute(fn),
    async close() {
      if (closed) return;
      closed = true;
      await drain();
      await db.destroy();
    },
  };
}
