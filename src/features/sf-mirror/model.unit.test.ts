import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accountActionForChange,
  actionForChange,
  catchUpStart,
  compareWatermark,
  contactFields,
  defaultMirrorOptions,
  maxWatermark,
  parseSfDateTime,
  patchFromEvent,
  patchRow,
  relevantFields,
  rowFromRecord,
  type MirrorRow,
} from './model.ts';

const relevant = relevantFields(defaultMirrorOptions);

void test('a record becomes a row with one key per (number, field), whatever the stored format', () => {
  const row = rowFromRecord(
    {
      Id: '003A',
      FirstName: 'Ada',
      LastName: 'L',
      Account: { Name: 'Acme' },
      AccountId: '001A',
      Custom_Tier__c: 'Gold',
      SystemModstamp: '2026-01-02T03:04:05.000+0000',
      Phone: '(415) 555-0142',
      MobilePhone: '+1 415 555 0142',
      HomePhone: 'n/a',
      OtherPhone: null,
    },
    defaultMirrorOptions,
  );
  assert.equal(row?.accountName, 'Acme');
  assert.equal(row?.tier, 'Gold');
  assert.equal(row?.modstamp, Date.parse('2026-01-02T03:04:05.000Z'));
  assert.deepEqual(row?.phones, [
    { key: '+14155550142', field: 'Phone' },
    { key: '+14155550142', field: 'MobilePhone' },
  ]);
  assert.equal(
    rowFromRecord({ Id: '003B', IsDeleted: true, Phone: '+14155550142' }, defaultMirrorOptions)?.phones
      .length,
    0,
  );
  assert.equal(rowFromRecord({ Name: 'no id' }, defaultMirrorOptions), undefined);
  assert.ok(contactFields(defaultMirrorOptions).includes('Account.Name'));
  assert.ok(Number.isNaN(parseSfDateTime(undefined)));
});

void test('CDC: creates and relevant updates re-read, irrelevant updates are ignored, deletes tombstone, gaps re-read or resync', () => {
  const h = (changeType: string, extra: Record<string, unknown> = {}) => ({
    changeType,
    recordIds: ['003A'],
    ...extra,
  });
  assert.deepEqual(actionForChange(h('CREATE'), relevant), { kind: 'refetch', ids: ['003A'] });
  assert.deepEqual(actionForChange(h('UPDATE', { changedFields: ['Title'] }), relevant), { kind: 'ignore' });
  assert.deepEqual(
    actionForChange(h('UPDATE', { changedFields: ['MobilePhone'] }), relevant).kind,
    'refetch',
  );
  assert.deepEqual(
    actionForChange(h('UPDATE', { changedFields: ['Name.FirstName'] }), relevant).kind,
    'refetch',
  );
  assert.deepEqual(actionForChange(h('UPDATE', { nulledFields: ['Phone'] }), relevant).kind, 'refetch');
  assert.deepEqual(actionForChange(h('DELETE', { commitTimestamp: 5 }), relevant), {
    kind: 'delete',
    ids: ['003A'],
    at: 5,
  });
  assert.deepEqual(actionForChange(h('GAP_UPDATE'), relevant).kind, 'refetch');
  assert.deepEqual(actionForChange({ changeType: 'GAP_OVERFLOW', recordIds: [] }, relevant), {
    kind: 'resync',
  });
  assert.deepEqual(actionForChange(undefined, relevant), { kind: 'ignore' });
});

void test('watermark: ordered by modstamp then Id; catch-up starts overlap earlier, on a whole second', () => {
  assert.equal(compareWatermark({ ts: 1, id: 'b' }, { ts: 1, id: 'a' }), 1);
  assert.equal(compareWatermark({ ts: 1, id: 'z' }, { ts: 2, id: 'a' }), -1);
  assert.deepEqual(maxWatermark({ ts: 5, id: 'a' }, { ts: 5, id: 'b' }), { ts: 5, id: 'b' });
  assert.deepEqual(maxWatermark(undefined, { ts: 5, id: 'b' }), { ts: 5, id: 'b' });
  assert.equal(catchUpStart({ ts: 120_500, id: 'x' }, 60_000).getTime(), 60_000);
  assert.equal(catchUpStart(undefined, 60_000).getTime(), 0);
});

void test('CDC: an UPDATE that carries the new values patches the row; anything it does not carry is re-read', () => {
  const o = defaultMirrorOptions;
  const at = '2026-01-02T03:04:05.000Z';
  const upd = (changedFields: string[], nulledFields: string[] = []) => ({
    changeType: 'UPDATE',
    recordIds: ['003A'],
    changedFields: [...changedFields, 'LastModifiedDate'],
    nulledFields,
  });
  const row: MirrorRow = {
    id: '003A',
    firstName: 'Ada',
    lastName: 'L',
    email: 'a@example.com',
    accountId: '001A',
    accountName: 'Acme',
    accountModstamp: null,
    tier: 'Gold',
    modstamp: 1,
    deleted: false,
    phones: [
      { key: '+14155550142', field: 'Phone' },
      { key: '+14155550199', field: 'MobilePhone' },
    ],
  };
  // A new Phone in national format and a cleared MobilePhone.
  const p = patchFromEvent(
    upd(['Phone'], ['MobilePhone']),
    { Phone: '(415) 555-0100', LastModifiedDate: at },
    o,
  );
  assert.ok(p);
  assert.deepEqual(patchRow(row, p), {
    ...row,
    modstamp: Date.parse(at),
    phones: [{ key: '+14155550100', field: 'Phone' }],
  });
  // Names, flat (as REST shows them) or in the compound Name; e-mail; tier.
  const names = patchFromEvent(
    upd(['Name.FirstName', 'Email', 'Custom_Tier__c']),
    {
      Name: { FirstName: 'Grace' },
      Email: 'g@example.com',
      Custom_Tier__c: 'Platinum',
      LastModifiedDate: at,
    },
    o,
  );
  assert.deepEqual(names && patchRow(row, names), {
    ...row,
    firstName: 'Grace',
    email: 'g@example.com',
    tier: 'Platinum',
    modstamp: Date.parse(at),
  });
  // Irrelevant fields pass through without forcing a re-read.
  assert.ok(
    patchFromEvent(upd(['Title', 'Phone']), { Title: 'x', Phone: '+14155550100', LastModifiedDate: at }, o),
  );
  // Re-read: the value is missing, the account changed (its name is not in the event), no LastModifiedDate,
  // a bare Name, or not an UPDATE.
  assert.equal(patchFromEvent(upd(['Phone']), { LastModifiedDate: at }, o), undefined);
  assert.equal(patchFromEvent(upd(['AccountId']), { AccountId: '001B', LastModifiedDate: at }, o), undefined);
  assert.equal(patchFromEvent(upd(['Phone']), { Phone: '+14155550100' }, o), undefined);
  assert.equal(patchFromEvent(upd(['Name']), { Name: 'Grace L', LastModifiedDate: at }, o), undefined);
  assert.equal(
    patchFromEvent({ changeType: 'GAP_UPDATE', recordIds: ['003A'] }, { LastModifiedDate: at }, o),
    undefined,
  );
});

void test('Account CDC: a rename carries the new name; other changes are ignored; gaps re-read or resync', () => {
  const at = '2026-01-02T03:04:05.000Z';
  const h = (changeType: string, changedFields: string[] = [], recordIds = ['001A']) => ({
    changeType,
    recordIds,
    changedFields,
  });
  assert.deepEqual(
    accountActionForChange(h('UPDATE', ['Name', 'LastModifiedDate']), {
      Name: 'Acme 2',
      LastModifiedDate: at,
    }),
    {
      kind: 'rename',
      ids: ['001A'],
      name: 'Acme 2',
      at: Date.parse(at),
    },
  );
  assert.deepEqual(accountActionForChange(h('UPDATE', ['Name']), {}), { kind: 'reread', ids: ['001A'] });
  assert.deepEqual(accountActionForChange(h('UPDATE', ['Phone']), { Phone: '1' }), { kind: 'ignore' });
  assert.deepEqual(accountActionForChange(h('CREATE'), { Name: 'New' }), { kind: 'ignore' });
  assert.deepEqual(accountActionForChange(h('GAP_UPDATE'), {}), { kind: 'reread', ids: ['001A'] });
  assert.deepEqual(accountActionForChange(h('GAP_OVERFLOW', [], []), {}), { kind: 'resync' });
  assert.deepEqual(accountActionForChange(undefined, {}), { kind: 'ignore' });
});
