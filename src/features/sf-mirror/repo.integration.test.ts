import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import {
  testEachDialect,
  unavailableReason,
  waitForLockWaiters,
  withTestDatabase,
} from '../../../test/support/databases.ts';
import { sfMirrorMigrations } from './migrations.ts';
import type { MirrorRow } from './model.ts';
import { createMirrorRepo } from './repo.ts';

const row = (id: string, modstamp: number, phones: string[], extra: Partial<MirrorRow> = {}): MirrorRow => ({
  id,
  firstName: 'F',
  lastName: id,
  email: null,
  accountId: '001A',
  accountName: 'Acme',
  accountModstamp: null,
  tier: null,
  modstamp,
  deleted: false,
  phones: phones.map((key) => ({ key, field: 'Phone' })),
  ...extra,
});

testEachDialect(
  'mirror writes never go backwards; shared numbers list every contact; deletions leave tombstones',
  async (_t, { store }) => {
    const repo = createMirrorRepo(store);
    assert.equal(
      await repo.apply([row('003A', 10, ['+14155550100']), row('003B', 10, ['+14155550100'])], 1),
      2,
    );
    const shared = await repo.findByPhone('+14155550100', 5);
    assert.equal(shared.total, 2);
    // One contact holding the number in two fields is one match.
    const both = row('003C', 10, [], {
      phones: [
        { key: '+14155550133', field: 'Phone' },
        { key: '+14155550133', field: 'MobilePhone' },
      ],
    });
    assert.equal(await repo.apply([both], 1), 1);
    const twice = await repo.findByPhone('+14155550133', 5);
    assert.deepEqual([twice.total, twice.contacts.map((c) => c.id)], [1, ['003C']]);
    // A stale version (older SystemModstamp) is ignored; a newer one moves the number.
    assert.equal(await repo.apply([row('003A', 5, ['+14155550199'])], 2), 0);
    assert.equal(await repo.apply([row('003A', 20, ['+14155550111'])], 3), 1);
    assert.deepEqual(
      (await repo.findByPhone('+14155550100', 5)).contacts.map((c) => c.id),
      ['003B'],
    );
    assert.equal((await repo.findByPhone('+14155550111', 5)).contacts[0]?.lastName, '003A');
    await repo.markDeleted(['003B', '003Z'], 30, 4);
    assert.equal((await repo.findByPhone('+14155550100', 5)).total, 0);
    assert.deepEqual((await repo.deletedAmong(['003A', '003B', '003Z'])).sort(), ['003B', '003Z']);
    // A page read before the deletion cannot bring the contact back.
    assert.equal(await repo.apply([row('003Z', 25, ['+14155550122'])], 5), 0);
    assert.equal((await repo.findByPhone('+14155550122', 5)).total, 0);
    await repo.setState('contact.watermark', JSON.stringify({ ts: 20, id: '003A' }), 6);
    assert.deepEqual(await repo.watermark(), { ts: 20, id: '003A' });
    assert.deepEqual(await repo.counts(), { contacts: 2, phones: 3 });
  },
  { migrations: sfMirrorMigrations },
);

testEachDialect(
  'an account rename reaches its contacts and never goes backwards, whatever order the reads arrive in',
  async (_t, { store }) => {
    const repo = createMirrorRepo(store);
    const phone = '+14155550177';
    const nameOf = async () => (await repo.findByPhone(phone, 1)).contacts[0]?.accountName;
    await repo.apply([row('003R', 10, [phone], { accountModstamp: 100 })], 1);
    assert.equal(await repo.renameAccount('001A', 'Acme Renamed', 200), 1);
    assert.equal(await nameOf(), 'Acme Renamed');
    // An older rename, or a newer contact version whose query read the account before the rename.
    assert.equal(await repo.renameAccount('001A', 'Acme Older', 150), 0);
    assert.equal(await repo.apply([row('003R', 20, [phone], { accountModstamp: 120 })], 2), 1);
    assert.equal(await nameOf(), 'Acme Renamed');
    // Moved to another account: that account's name, whatever its modstamp.
    await repo.apply(
      [row('003R', 30, [phone], { accountId: '001B', accountName: 'Beta', accountModstamp: 50 })],
      3,
    );
    assert.equal(await nameOf(), 'Beta');
    assert.equal(await repo.renameAccount('001A', 'Acme Later', 300), 0);
    // A patch keeps the stored account (getRow carries it).
    assert.equal((await repo.getRow('003R'))?.accountModstamp, 50);
  },
  { migrations: sfMirrorMigrations },
);

testEachDialect(
  'a number shared by several contacts lists the most recently changed first, ties by ID, up to the limit',
  async (_t, { store }) => {
    const repo = createMirrorRepo(store);
    const shared = '+14155550144';
    await repo.apply([row('003F', 40, [shared]), row('003D', 40, [shared]), row('003E', 50, [shared])], 1);
    const all = await repo.findByPhone(shared, 5);
    assert.deepEqual([all.total, all.contacts.map((c) => c.id)], [3, ['003E', '003D', '003F']]);
    const two = await repo.findByPhone(shared, 2);
    assert.deepEqual([two.total, two.contacts.map((c) => c.id)], [3, ['003E', '003D']]);
  },
  { migrations: sfMirrorMigrations },
);

// PostgreSQL: the catch-up and the change-event stream write in transactions of their own. One that
// read the stored version before another stored a newer one must not put the older one back.
void test('PostgreSQL: two writes of one contact at once keep the newer version and its phones', async (t) => {
  const reason = unavailableReason('postgres');
  if (reason !== undefined) return t.skip(reason);
  await withTestDatabase(
    'postgres',
    async ({ store, config }) => {
      const repo = createMirrorRepo(store);
      await repo.apply([row('003X', 5, ['+14155550105'])], 1);
      const locker = new pg.Client({ connectionString: config.databaseUrl });
      await locker.connect();
      try {
        // Both writes read version 5, then wait on the row: the newer is first in line.
        await locker.query('begin');
        await locker.query(`select id from sf_mirror_contacts where id = '003X' for update`);
        const newer = repo.apply([row('003X', 10, ['+14155550110'])], 2);
        await waitForLockWaiters(locker, 1, '%sf_mirror_contacts%');
        const older = repo.apply([row('003X', 8, ['+14155550108'])], 3);
        await waitForLockWaiters(locker, 2, '%sf_mirror_contacts%');
        await locker.query('commit');
        assert.deepEqual(await Promise.all([newer, older]), [1, 0]);
      } finally {
        await locker.end();
      }
      const found = await repo.findByPhone('+14155550110', 5);
      assert.deepEqual(
        found.contacts.map((c) => c.id),
        ['003X'],
      );
      assert.equal((await repo.findByPhone('+14155550108', 5)).total, 0);
      // A deletion older than the stored version does not mark it deleted.
      await repo.markDeleted(['003X', '003X'], 9, 4);
      assert.deepEqual(await repo.deletedAmong(['003X']), []);
    },
    sfMirrorMigrations,
  );
});
