import assert from 'node:assert/strict';
import { testEachDialect } from '../../../test/support/databases.ts';
import { intakeMigrations } from '../../features/call-end-intake/intake.ts';
import { hotRead, hotStatement } from './hot-statement.ts';

const insertMessageId = hotStatement(
  3,
  (db, [source, messageId, receivedAt]: readonly [string, string, number]) =>
    db
      .insertInto('webhook_message_ids')
      .values({ source, message_id: messageId, received_at: receivedAt })
      .onConflict((oc) => oc.columns(['source', 'message_id']).doNothing()),
);

testEachDialect(
  'a hot statement runs with each call’s own parameters, as its builder would',
  async (_t, { store }) => {
    const first = await insertMessageId(store.db, ['bench', 'm-1', 1_900_000_000_001]);
    const again = await insertMessageId(store.db, ['bench', 'm-1', 1_900_000_000_002]);
    await store.durable((trx) => insertMessageId(trx, ['other', 'm-2', 1_900_000_000_003]));
    assert.equal(Number(first.numAffectedRows), 1);
    assert.equal(Number(again.numAffectedRows), 0, 'the conflict clause is kept');
    const rows = await store.db
      .selectFrom('webhook_message_ids')
      .select(['source', 'message_id', 'received_at'])
      .orderBy('message_id')
      .execute();
    assert.deepEqual(
      rows.map((r) => ({ ...r, received_at: Number(r.received_at) })),
      [
        { source: 'bench', message_id: 'm-1', received_at: 1_900_000_000_001 },
        { source: 'other', message_id: 'm-2', received_at: 1_900_000_000_003 },
      ],
    );
  },
  { migrations: intakeMigrations },
);

testEachDialect(
  'a builder that reorders or drops a parameter is refused at first use',
  async (_t, { store }) => {
    const swapped = hotStatement(2, (db, [source, messageId]: readonly [string, string]) =>
      db.insertInto('webhook_message_ids').values({ message_id: messageId, source, received_at: 0 }),
    );
    await assert.rejects(swapped(store.db, ['a', 'b']), /each of its 2 parameters once, in order/);
    const dropped = hotStatement(2, (db, [source]: readonly [string, string]) =>
      db.insertInto('webhook_message_ids').values({ source, message_id: 'x', received_at: 0 }),
    );
    await assert.rejects(dropped(store.db, ['a', 'b']), /each of its 2 parameters once, in order/);
    const { n } = await store.db
      .selectFrom('webhook_message_ids')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(n), 0, 'nothing was written');
  },
  { migrations: intakeMigrations },
);

testEachDialect(
  'a hot read returns the committed rows its parameters select, and refuses a builder that drops one',
  async (_t, { store }) => {
    const bySource = hotRead(1, (db, [source]: readonly [string]) =>
      db.selectFrom('webhook_message_ids').select('message_id').where('source', '=', source),
    );
    await store.durable(async (trx) => {
      await insertMessageId(trx, ['bench', 'm-1', 1]);
      await insertMessageId(trx, ['other', 'm-2', 2]);
    });
    assert.deepEqual(
      (await bySource(store, ['bench'])).map((r) => r.message_id),
      ['m-1'],
    );
    assert.deepEqual(
      (await bySource(store, ['other'])).map((r) => r.message_id),
      ['m-2'],
    );
    assert.deepEqual(await bySource(store, ['none']), []);
    const dropped = hotRead(1, (db, [_source]: readonly [string]) =>
      db.selectFrom('webhook_message_ids').select('message_id').where('source', '=', 'fixed'),
    );
    await assert.rejects(dropped(store, ['bench']), /each of its 1 parameters once, in order/);
  },
  { migrations: intakeMigrations },
);
