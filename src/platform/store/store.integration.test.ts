import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import {
  testDatabaseUrl,
  testEachDialect,
  unavailableReason,
  withTestDatabase,
} from '../../../test/support/databases.ts';
import { loadConfig } from '../config/load.ts';
import { openStore, storeConfigOf, type Migration } from './index.ts';

const featureMigration: Migration = {
  name: '0100-test-widgets',
  async up(db) {
    await db.schema
      .createTable('widgets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
  },
};

testEachDialect(
  'migrations apply once, platform first, then features in name order',
  async (_t, { store }) => {
    assert.deepEqual(await store.pendingMigrations([featureMigration]), ['0100-test-widgets']);
    const first = await store.migrate([featureMigration]);
    assert.deepEqual(first.applied, ['0100-test-widgets']);
    assert.deepEqual(await store.pendingMigrations([featureMigration]), []);
    assert.deepEqual((await store.migrate([featureMigration])).applied, []);
    await store.ping();
  },
);

testEachDialect('epoch-ms BIGINT values round-trip as numbers', async (_t, { store }) => {
  await store.migrate([featureMigration]);
  const at = 1_900_000_000_123;
  const db = store.db as unknown as Kysely<{ widgets: { id: string; at: number } }>;
  await db.insertInto('widgets').values({ id: 'w1', at }).execute();
  const row = await db.selectFrom('widgets').selectAll().executeTakeFirstOrThrow();
  assert.equal(row.at, at);
  const count = await sql<{ n: number }>`select count(*) as n from widgets`.execute(db);
  assert.equal(count.rows[0]?.n, 1);
});

testEachDialect('a second connection sees committed writes (durable)', async (_t, { store, openStore }) => {
  await store.migrate([featureMigration]);
  type Db = Kysely<{ widgets: { id: string; at: number } }>;
  await store.durable((trx) =>
    (trx as unknown as Db).insertInto('widgets').values({ id: 'w2', at: 1 }).execute(),
  );
  const other = (await openStore()).db as unknown as Db;
  const rows = await other.selectFrom('widgets').select('id').execute();
  assert.deepEqual(rows, [{ id: 'w2' }]);
});

testEachDialect('durable rolls back a failing fn', async (_t, { store }) => {
  await store.migrate([featureMigration]);
  const db = store.db as unknown as Kysely<{ widgets: { id: string; at: number } }>;
  await assert.rejects(
    store.durable(async (trx) => {
      await (trx as unknown as typeof db).insertInto('widgets').values({ id: 'gone', at: 1 }).execute();
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.deepEqual(await db.selectFrom('widgets').select('id').execute(), []);
});

testEachDialect('the reader sees what durable() committed, and never writes', async (_t, { store }) => {
  await store.migrate([featureMigration]);
  type W = Kysely<{ widgets: { id: string; at: number } }>;
  await store.durable((trx) =>
    (trx as unknown as W).insertInto('widgets').values({ id: 'r1', at: 1 }).execute(),
  );
  const db = store.db as unknown as W;
  const rows = await store.reader.all(db.selectFrom('widgets').select('id').compile());
  assert.deepEqual(
    rows.map((r) => ({ ...r })),
    [{ id: 'r1' }],
  );
  if (store.dialect === 'sqlite')
    await assert.rejects(
      store.reader.all(db.insertInto('widgets').values({ id: 'r2', at: 2 }).compile()),
      /readonly/,
    );
});

void test('the store looks at its own schema only: other schemas coming and going do not disturb its migrations [postgres]', async (t) => {
  const reason = unavailableReason('postgres');
  if (reason !== undefined) return t.skip(reason);
  const url = testDatabaseUrl() ?? '';
  await withTestDatabase('postgres', async ({ store }) => {
    const churners = await Promise.all(
      [1, 2].map(async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        return c;
      }),
    );
    const [neighbour] = churners;
    const neighbourSchema = `n_${randomBytes(4).toString('hex')}`;
    await neighbour?.query(`create schema ${neighbourSchema}; create table ${neighbourSchema}.jobs (id int)`);
    let stop = false;
    let churned = 0;
    // Another tenant (or test process) creating and dropping schemas. Kysely's stock introspector
    // scans every schema and failed now and then with "schema … does not exist" when one vanished
    // mid-query, which failed the migrator's start.
    const churning = churners.map(async (c) => {
      while (!stop) {
        const name = `churn_${randomBytes(4).toString('hex')}`;
        await c.query(`create schema ${name}; create table ${name}.x (id int); drop schema ${name} cascade`);
        churned++;
      }
    });
    try {
      const own = (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]?.s;
      const tables = await store.db.introspection.getTables();
      assert.ok(tables.some((table) => table.name === 'jobs'));
      assert.deepEqual(new Set(tables.map((table) => table.schema)), new Set([own]));
      for (let i = 0; i < 100; i++) {
        assert.deepEqual(await store.pendingMigrations([featureMigration]), ['0100-test-widgets']);
      }
      assert.deepEqual((await store.migrate([featureMigration])).applied, ['0100-test-widgets']);
    } finally {
      stop = true;
      await Promise.all(churning);
      await neighbour?.query(`drop schema ${neighbourSchema} cascade`);
      await Promise.all(churners.map((c) => c.end()));
    }
    assert.ok(churned > 0, 'schemas were created and dropped meanwhile');
  });
});

void test('DATABASE_POOL_SIZE caps the connections a store opens to PostgreSQL [postgres]', async (t) => {
  const reason = unavailableReason('postgres');
  if (reason !== undefined) return t.skip(reason);
  await withTestDatabase('postgres', async ({ config }) => {
    const hubConfig = loadConfig({
      env: { DATABASE_URL: config.databaseUrl ?? '', DATABASE_POOL_SIZE: '3' },
    });
    const store = await openStore(storeConfigOf(hubConfig));
    try {
      // Eight concurrent queries that each hold a connection for a while: with three connections, three
      // run at a time, on three distinct server processes.
      const pids = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const r = await sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`.execute(
            store.db,
          );
          return r.rows[0]?.pid;
        }),
      );
      assert.equal(new Set(pids).size, 3);
    } finally {
      await store.close();
    }
  });
});
