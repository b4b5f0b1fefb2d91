import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  actionForChange,
  catchUpStart,
  compareWatermark,
  contactFields,
  defaultMirrorOptions,
  maxWatermark,
  parseSfDateTime,
  relevantFields,
  rowFromRecord,
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
