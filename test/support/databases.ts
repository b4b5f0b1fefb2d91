/**
 * Fresh, isolated databases for tests, on every dialect.
 *
 * ```ts
 * testEachDialect('dedupes by key', async (t, { store, dialect }) => { … });
 * ```
 * registers one test per dialect: `dedupes by key [sqlite]` and `dedupes by key [postgres]`. Each gets
 * a migrated store of its own — SQLite: a file in a fresh temp directory; PostgreSQL: a fresh schema
 * (selected through `search_path` in the URL), dropped afterwards. Every store opened through the
 * context is closed after the test.
 *
 * PostgreSQL comes from `TEST_DATABASE_URL`. When unset, the PostgreSQL variant is skipped with a
 * visible reason — except under `CI=true`, where it fails: CI must not silently lose half the suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import {
  openStore,
  type Dialect,
  type Migration,
  type Store,
  type StoreConfig,
} from '../../src/platform/store/index.ts';

export const dialects: readonly Dialect[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  dialect: Dialect;
  /** Migrated with the platform migrations plus the ones given in options. */
  store: Store;
  /** Opens the same database again (a separate connection, as another process would); hand `config` to child processes. */
  config: StoreConfig;
  openStore: () => Promise<Store>;
}

export interface DialectTestOptions {
  migrations?: readonly Migration[];
  timeout?: number;
}

/** Registers `name [sqlite]` and `name [postgres]`, each with a fresh database. */
export function testEachDialect(
  name: string,
  fn: (t: TestContext, db: TestDatabase) => Promise<void>,
  options: DialectTestOptions = {},
): void {
  for (const dialect of dialects) {
    void test(
      `${name} [${dialect}]`,
      options.timeout === undefined ? {} : { timeout: options.timeout },
      async (t) => {
        const reason = unavailableReason(dialect);
        if (reason !== undefined) {
          t.skip(reason);
          return;
        }
        await withTestDatabase(dialect, (db) => fn(t, db), options.migrations);
      },
    );
  }
}

/** Why this dialect cannot run here, or undefined if it can. Throws under CI=true when PostgreSQL is missing. */
export function unavailableReason(dialect: Dialect): string | undefined {
  if (dialect === 'sqlite' || testDatabaseUrl() !== undefined) return undefined;
  if (process.env['CI'] === 'true')
    throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL suite is mandatory in CI');
  return 'TEST_DATABASE_URL not set';
}

export function testDatabaseUrl(): string | undefined {
  const url = process.env['TEST_DATABASE_URL'];
  return url === undefined || url === '' ? undefined : url;
}

/** Creates a fresh database of the dialect, runs fn, then closes every store and removes the database. */
export async function withTestDatabase<T>(
  dialect: Dialect,
  fn: (db: TestDatabase) => Promise<T>,
  migrations: readonly Migration[] = [],
): Promise<T> {
  const fresh = dialect === 'sqlite' ? freshSqlite() : await freshPostgresSchema();
  const opened: Store[] = [];
  const open = async (): Promise<Store> => {
    const s = await openStore(fresh.config);
    opened.push(s);
    return s;
  };
  try {
    const store = await open();
    await store.migrate(migrations);
    return await fn({ dialect, store, config: fresh.config, openStore: open });
  } finally {
    for (const s of opened) await s.close().catch(() => {});
    await fresh.remove();
  }
}

interface Fresh {
  config: StoreConfig;
  remove(): Promise<void>;
}

function freshSqlite(): Fresh {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-test-'));
  return {
    config: { sqlitePath: join(dir, 'patchbay.sqlite') },
    async remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshPostgresSchema(): Promise<Fresh> {
  const base = testDatabaseUrl();
  if (base === undefined) throw new Error('TEST_DATABASE_URL not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await withClient(base, (c) => c.query(`create schema ${schema}`));
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    config: { databaseUrl: url.toString(), sqlitePath: '' },
    async remove() {
      await withClient(base, (c) => c.query(`drop schema if exists ${schema} cascade`));
    },
  };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A feature table for store tests: `events (id text primary key, body text not null)`. */
export interface TestEvents {
  events: { id: string; body: string };
}

export const testEventsMigration: Migration = {
  name: '0100-test-events',
  async up(db) {
    await db.schema
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * Waits until at least `n` PostgreSQL sessions of this database wait on a lock while running a statement
 * that mentions `statementLike` (an ILIKE pattern). `client` may be inside the transaction that holds
 * the lock: the statistics snapshot is renewed on every poll.
 */
export async function waitForLockWaiters(
  client: pg.Client,
  n: number,
  statementLike: string,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: string }>(
      `select count(*)::text as n from pg_stat_activity
        where wait_event_type = 'Lock' and datname = current_database() and query ilike $1`,
      [statementLike],
    );
    if (Number(rows[0]?.n) >= n) return;
    if (Date.now() > end)
      throw new Error(`fewer than ${n} statements like ${statementLike} waited on a lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
