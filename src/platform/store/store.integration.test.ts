import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { testEachDialect } from '../../../test/support/databases.ts';
import type { Migration } from './index.ts';

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
