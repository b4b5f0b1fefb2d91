import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDialect } from '../../../test/support/databases.ts';
import type { Migration } from './index.ts';
import { claimRow, type RowClaimOptions } from './row-claim.ts';

const records: Migration = {
  name: '0100-test-claimed-records',
  async up(db) {
    await db.schema
      .createTable('records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('busy_until', 'bigint')
      .execute();
    await sql`insert into records (id) values ('r1')`.execute(db);
  },
};

testEachDialect(
  'a row claim is held by one caller at a time, released by its owner, and expires if never released',
  async (_t, { store, openStore }) => {
    let now = 1_900_000_000_000;
    const options = (key: string): RowClaimOptions => ({
      table: 'records',
      keyColumn: 'id',
      key,
      claimColumn: 'busy_until',
      clock: { now: () => now },
      ttlMs: 60_000,
      waitMs: 100,
      pollMs: 20,
    });
    // Another process: a second store on the same database.
    const other = await openStore();

    const first = await claimRow(store.db, options('r1'));
    assert.equal(first.claimed, true);
    assert.deepEqual(await claimRow(other.db, options('r1')), { claimed: false, reason: 'busy' });
    assert.deepEqual(await claimRow(store.db, options('missing')), { claimed: false, reason: 'missing' });

    if (first.claimed) await first.release();
    const second = await claimRow(other.db, options('r1'));
    assert.equal(second.claimed, true, 'claimable once released');

    // Never released (its process died): claimable after the TTL, and the late release of the old
    // owner does not free the new owner's claim.
    now += 60_001;
    const third = await claimRow(store.db, options('r1'));
    assert.equal(third.claimed, true, 'claimable once expired');
    if (second.claimed) await second.release();
    assert.deepEqual(await claimRow(other.db, options('r1')), { claimed: false, reason: 'busy' });
  },
  { migrations: [records] },
);
