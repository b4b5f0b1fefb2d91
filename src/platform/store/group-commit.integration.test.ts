import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { testEachDialect, testEventsMigration, type TestEvents } from '../../../test/support/databases.ts';
import { createGroupCommit } from './group-commit.ts';
import { openStore } from './index.ts';
import { openSqliteConnection } from './sqlite-connection.ts';
import { sqliteHandles } from './sqlite-dialect.ts';

testEachDialect(
  'concurrent durable() calls: failures roll back alone, the others commit',
  async (_t, { store, dialect }) => {
    await store.migrate([testEventsMigration]);
    const db = store.db as unknown as Kysely<TestEvents>;
    // Which transaction each fn ran in: SQLite's txid is not exposed, so we compare the connection's
    // total_changes-independent marker: a temp value set by the first fn of a batch is visible to the rest.
    // Indexed by caller: a batch that had a failure runs again, and the last run is the one committed.
    const txMarkers: string[] = [];
    const calls = Array.from({ length: 20 }, (_, i) =>
      store.durable(async (trx) => {
        const t = trx as unknown as Kysely<TestEvents>;
        txMarkers[i] = await transactionMarker(t, dialect);
        await t
          .insertInto('events')
          .values({ id: `e${i}`, body: 'x' })
          .execute();
        if (i % 5 === 3) throw new Error(`fail ${i}`);
        return i;
      }),
    );
    const settled = await Promise.allSettled(calls);
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []));
    assert.deepEqual(failed, [3, 8, 13, 18]);
    for (const [i, s] of settled.entries()) if (s.status === 'fulfilled') assert.equal(s.value, i);
    const ids = (await db.selectFrom('events').select('id').execute()).map((r) => r.id).sort();
    assert.deepEqual(
      ids,
      Array.from({ length: 20 }, (_, i) => i)
        .filter((i) => i % 5 !== 3)
        .map((i) => `e${i}`)
        .sort(),
    );
    // Group commit: the 20 concurrent calls were issued in one turn, so they share a single transaction.
    assert.equal(new Set(txMarkers).size, 1);
  },
);

testEachDialect(
  'concurrent durable() calls that all succeed share one transaction and see each other',
  async (_t, { store, dialect }) => {
    await store.migrate([testEventsMigration]);
    const db = store.db as unknown as Kysely<TestEvents>;
    const markers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.durable(async (trx) => {
          const t = trx as unknown as Kysely<TestEvents>;
          const marker = await transactionMarker(t, dialect);
          await t
            .insertInto('events')
            .values({ id: `s${i}`, body: 'x' })
            .onConflict((oc) => oc.doNothing())
            .execute();
          // A duplicate of another call's row (same id, as a repeated delivery would be) is seen and skipped.
          await t
            .insertInto('events')
            .values({ id: 's0', body: 'dup' })
            .onConflict((oc) => oc.doNothing())
            .execute();
          return marker;
        }),
      ),
    );
    assert.equal(new Set(markers).size, 1);
    const rows = await db.selectFrom('events').select(['id', 'body']).orderBy('id').execute();
    assert.equal(rows.length, 12);
    assert.equal(rows.find((r) => r.id === 's0')?.body, 'x');
  },
);

testEachDialect(
  'durable() resolves only after commit: a second connection sees the row at once',
  async (_t, { store, openStore }) => {
    await store.migrate([testEventsMigration]);
    const other = (await openStore()).db as unknown as Kysely<TestEvents>;
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.durable(async (trx) => {
          await (trx as unknown as Kysely<TestEvents>)
            .insertInto('events')
            .values({ id: `d${i}`, body: 'y' })
            .execute();
          return `d${i}`;
        }),
      ),
    );
    for (const id of results)
      assert.ok(await other.selectFrom('events').select('id').where('id', '=', id).executeTakeFirst());
  },
);

test('SQLite: calls queued while the disk flushes an earlier commit join the open transaction, up to the batch limit', async () => {
  const connection = openSqliteConnection({ path: ':memory:', busyTimeoutMs: 1_000 });
  const { db, shared } = sqliteHandles(connection);
  // The disk's state is ours to set: busy (an earlier commit's flush still running) until we end it.
  let endFlush!: () => void;
  let disk: Promise<void> | undefined = new Promise<void>((resolve) => (endFlush = resolve));
  let commits = 0;
  const group = createGroupCommit(
    db,
    shared,
    {
      begin: () => connection.run('begin immediate', []),
      commitDeferred: () => ((commits += 1), connection.commitDeferred()),
      flushing: () => disk,
    },
    3,
  );
  try {
    await sql`create table events (id text primary key, body text not null)`.execute(db);
    const settledIds: string[] = [];
    const write = (id: string) =>
      group
        .run(async (trx) => {
          await (trx as unknown as Kysely<TestEvents>)
            .insertInto('events')
            .values({ id, body: 'x' })
            .execute();
          return commits; // the commits made before this call's transaction: the same within one
        })
        .then((marker) => (settledIds.push(id), marker));
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    const first = write('a');
    await turn();
    await turn();
    const second = write('b'); // a later turn, while the disk is still busy: joins a's transaction
    await turn();
    await turn();
    assert.deepEqual(settledIds, [], 'nothing is acknowledged before its commit');
    assert.equal(commits, 0, 'the transaction stays open while the disk is busy');
    const third = write('c'); // fills the batch (three): it commits at once, busy disk or not
    const fourth = write('d'); // so d waits for a transaction of its own
    await turn();
    await turn();
    assert.equal(commits, 1);
    assert.deepEqual(settledIds.sort(), ['a', 'b', 'c']);
    disk = undefined;
    endFlush();
    const markers = await Promise.all([first, second, third, fourth]);
    assert.equal(new Set(markers.slice(0, 3)).size, 1, 'a, b and c committed together');
    assert.notEqual(markers[3], markers[0], 'd had a transaction of its own');
    assert.equal(commits, 2);
    const ids = (await (db as unknown as Kysely<TestEvents>).selectFrom('events').select('id').execute()).map(
      (r) => r.id,
    );
    assert.deepEqual(ids.sort(), ['a', 'b', 'c', 'd']);
  } finally {
    disk = undefined;
    endFlush();
    await group.drain();
    connection.close();
  }
});

/** An identifier of the current transaction. */
async function transactionMarker(db: Kysely<TestEvents>, dialect: string): Promise<string> {
  if (dialect === 'postgres') {
    const r = await sql<{ x: string }>`select txid_current()::text as x`.execute(db);
    return r.rows[0]!.x;
  }
  // SQLite: each fn adds a row to a temp table and reads the first one. The rows of a transaction are
  // rolled back with it (or with a fn's savepoint), so fns of one committed transaction read one value,
  // whether they ran concurrently or one after another.
  await sql`create temp table if not exists tx_marker (v text)`.execute(db);
  await sql`insert into tx_marker (v) values (${Math.random().toString(36).slice(2)})`.execute(db);
  const r = await sql<{ v: string }>`select v from tx_marker order by rowid limit 1`.execute(db);
  return r.rows[0]!.v;
}

test('SQLite: when the write lock cannot be had, durable() fails, nothing it wrote lands, and the wait is counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-gc-lock-'));
  const path = join(dir, 'db.sqlite');
  const holder = await openStore({ sqlitePath: path });
  const blocked = await openStore({ sqlitePath: path, busyTimeoutMs: 50 });
  try {
    await holder.migrate([testEventsMigration]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    // Another process's transaction holds the write lock while the blocked store tries to write.
    const holding = holder.transaction(async (trx) => {
      await (trx as unknown as Kysely<TestEvents>)
        .insertInto('events')
        .values({ id: 'held', body: 'h' })
        .execute();
      locked();
      await held;
    });
    await lockTaken;
    const attempt = blocked.durable(async (trx) => {
      await (trx as unknown as Kysely<TestEvents>)
        .insertInto('events')
        .values({ id: 'lost', body: 'x' })
        .execute();
    });
    await assert.rejects(attempt);
    // The busy timeout (50 ms) was spent waiting for the lock: durableStats (and /metrics) show it.
    const waited = blocked.durableStats()?.lockWaitSeconds ?? 0;
    assert.ok(waited >= 0.045 && waited < 5, `waited ${waited} s for the write lock`);
    release();
    await holding;
    const ids = (
      await (blocked.db as unknown as Kysely<TestEvents>).selectFrom('events').select('id').execute()
    ).map((r) => r.id);
    assert.deepEqual(ids, ['held']);
  } finally {
    await blocked.close();
    await holder.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
