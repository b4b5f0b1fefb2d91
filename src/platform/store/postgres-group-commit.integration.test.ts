/**
 * PostgreSQL's group commit and prepared hot statements (postgres-group-commit.ts, postgres-pool.ts).
 * The contract both dialects share is tested in group-commit.integration.test.ts.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { sql, type Kysely } from 'kysely';
import {
  testEventsMigration,
  unavailableReason,
  withTestDatabase,
  type TestEvents,
} from '../../../test/support/databases.ts';
import { intakeMigrations } from '../../features/call-end-intake/intake.ts';
import { hotStatement } from './hot-statement.ts';
import { openStore, type Store, type StoreConfig } from './index.ts';

const insertMessageId = hotStatement(
  3,
  (db, [source, messageId, receivedAt]: readonly [string, string, number]) =>
    db.insertInto('webhook_message_ids').values({ source, message_id: messageId, received_at: receivedAt }),
);

/** Runs fn with a store opened on a fresh schema with these settings (closed afterwards). */
async function withPostgresStore(
  t: TestContext,
  settings: Partial<StoreConfig>,
  fn: (store: Store) => Promise<void>,
): Promise<void> {
  const reason = unavailableReason('postgres');
  if (reason !== undefined) {
    t.skip(reason);
    return;
  }
  await withTestDatabase(
    'postgres',
    async ({ config }) => {
      const store = await openStore({ ...config, ...settings });
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    },
    [testEventsMigration, ...intakeMigrations],
  );
}

const txid = async (db: Kysely<TestEvents>) =>
  (await sql<{ x: string }>`select txid_current()::text as x`.execute(db)).rows[0]?.x;

void test('PostgreSQL: a lone durable() that fails runs once, and its own error reaches the caller', async (t) => {
  await withPostgresStore(t, {}, async (store) => {
    let runs = 0;
    await assert.rejects(
      store.durable(async (trx) => {
        runs += 1;
        await (trx as unknown as Kysely<TestEvents>)
          .insertInto('events')
          .values({ id: 'lone', body: 'x' })
          .execute();
        throw new Error('refused by the feature');
      }),
      /refused by the feature/,
    );
    assert.equal(runs, 1);
    const rows = await (store.db as unknown as Kysely<TestEvents>).selectFrom('events').selectAll().execute();
    assert.deepEqual(rows, []);
  });
});

void test('PostgreSQL: group commits take half the pool — queries still get a connection, later calls wait and commit together', async (t) => {
  // A pool of two: one transaction of durable() calls at a time, one connection left for the rest.
  await withPostgresStore(t, { poolSize: 2 }, async (store) => {
    const db = store.db as unknown as Kysely<TestEvents>;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
    const first = store.durable(async (trx) => {
      const t = trx as unknown as Kysely<TestEvents>;
      await t.insertInto('events').values({ id: 'first', body: 'x' }).execute();
      inserted();
      await gate; // holds the transaction open, as a slow statement would
      return txid(t);
    });
    await firstInserted;

    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.db);
    assert.deepEqual(rows, [{ one: 1 }], 'a query runs on the other connection meanwhile');

    const started: string[] = [];
    const later = ['second', 'third'].map((id) =>
      store.durable(async (trx) => {
        started.push(id);
        const t = trx as unknown as Kysely<TestEvents>;
        await t.insertInto('events').values({ id, body: 'x' }).execute();
        return txid(t);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(started, [], 'the next batch waits for the one in flight');

    release();
    const [firstTx, secondTx, thirdTx] = await Promise.all([first, ...later]);
    assert.equal(secondTx, thirdTx, 'the calls that waited share one transaction');
    assert.notEqual(firstTx, secondTx);
    const ids = (await db.selectFrom('events').select('id').orderBy('id').execute()).map((r) => r.id);
    assert.deepEqual(ids, ['first', 'second', 'third']);
  });
});

/** Names of the prepared statements of the session that runs this (a pool of one: the only one). */
async function preparedNames(store: Store): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(store.db);
  return rows.map((r) => r.name);
}

void test('PostgreSQL: hot statements are prepared once per connection, unless DATABASE_PREPARED_STATEMENTS is off', async (t) => {
  await withPostgresStore(t, { poolSize: 1 }, async (store) => {
    for (const id of ['m-1', 'm-2', 'm-3']) await insertMessageId(store.db, ['test', id, 0]);
    const names = await preparedNames(store);
    assert.equal(names.filter((n) => n.startsWith('pb_')).length, 1, `prepared: ${names.join(', ')}`);
  });
  await withPostgresStore(t, { poolSize: 1, preparedStatements: false }, async (store) => {
    await insertMessageId(store.db, ['test', 'm-1', 0]);
    assert.deepEqual(await preparedNames(store), []);
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from webhook_message_ids`.execute(
      store.db,
    );
    assert.deepEqual(rows, [{ n: '1' }], 'the statement ran unprepared');
  });
});
