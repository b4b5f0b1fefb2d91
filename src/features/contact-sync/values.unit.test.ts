import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { defaultMapping, MappingError, parseMapping } from './mapping.ts';
import { duplicateEmails, matchContact, type Candidate, type MatchSubject } from './match.ts';
import { afterWatermark, bulkErrorAction, chunk, querySince } from './plan.ts';
import {
  applyToGenesys,
  contentHash,
  fromGenesys,
  fromSalesforce,
  patchChanges,
  toSalesforce,
} from './values.ts';

const sfRecord = {
  Id: '003000000000001AAA',
  FirstName: ' Ann ',
  LastName: 'Lee',
  Email: 'Ann.Lee@Example.com',
  Phone: '(415) 555-0142',
  MobilePhone: '12',
  Title: null,
  AccountId: '001000000000001AAA',
};

void test('Salesforce → values: E.164, trimmed, invalid numbers recorded not sent', () => {
  const { values, invalid } = fromSalesforce(sfRecord, defaultMapping, 'US');
  assert.deepEqual(values, {
    firstName: 'Ann',
    lastName: 'Lee',
    email: 'Ann.Lee@Example.com',
    phone: '+14155550142',
    title: null,
    accountId: '001000000000001AAA',
  });
  assert.deepEqual(invalid, [{ key: 'mobile', reason: 'invalid_phone' }]);
  const bad = fromSalesforce({ ...sfRecord, Email: 'not an email' }, defaultMapping, 'US');
  assert.deepEqual(bad.invalid[0], { key: 'email', reason: 'invalid_email' });
});

void test('values → Genesys entity → values round-trips; unmanaged fields are kept', () => {
  const { values } = fromSalesforce(sfRecord, defaultMapping, 'US');
  const entity = applyToGenesys({ id: 'g1', address: { city: 'Paris' } }, values, defaultMapping);
  assert.deepEqual(entity.address, { city: 'Paris' });
  assert.deepEqual(entity.workPhone, { display: '+14155550142' });
  assert.deepEqual(entity.customFields, { sfAccountId: '001000000000001AAA' });
  const back = fromGenesys(
    { ...entity, workPhone: { display: '+1 415-555-0142', e164: '+14155550142' } },
    defaultMapping,
    'US',
  );
  assert.equal(contentHash(back.values, defaultMapping), contentHash(values, defaultMapping));
});

void test('PATCH changes[] carry only the fields that changed; removals use Remove', () => {
  const from = { firstName: 'Ann', lastName: 'Lee', email: 'a@x.io', phone: '+14155550142' };
  const to = { firstName: 'Anna', lastName: 'Lee', email: 'A@X.IO', phone: null };
  assert.deepEqual(patchChanges(from, to, defaultMapping), [
    { field: '$.firstName', value: 'Anna', action: 'Update' },
    { field: '$.workPhone', action: 'Remove' },
  ]);
  assert.deepEqual(patchChanges(from, from, defaultMapping), []);
  assert.deepEqual(toSalesforce({ phone: '+14155550142', email: null }, ['phone', 'email'], defaultMapping), {
    Phone: '+14155550142',
    Email: null,
  });
});

void test('property: the content hash is a function of values compared by value', () => {
  fc.assert(
    fc.property(fc.string(), fc.emailAddress(), fc.boolean(), (name, email, upper) => {
      const a = { firstName: name.trim() || null, email };
      const b = { firstName: name.trim() || null, email: upper ? email.toUpperCase() : email };
      assert.equal(contentHash(a, defaultMapping), contentHash(b, defaultMapping));
      assert.notEqual(
        contentHash(a, defaultMapping),
        contentHash({ ...a, lastName: `${name}x` }, defaultMapping),
      );
    }),
  );
});

void test('property: any valid mapping JSON parses to itself; a bad one lists every problem', () => {
  assert.deepEqual(parseMapping(JSON.parse(JSON.stringify(defaultMapping))), defaultMapping);
  assert.throws(
    () => parseMapping([{ key: 'x', sf: "Email'--", gc: { kind: 'field', name: 'nope' }, direction: 'up' }]),
    (e: unknown) => e instanceof MappingError && e.issues.length === 3,
  );
  assert.throws(
    () => parseMapping([{ key: 'x', sf: 'Id', gc: { kind: 'field', name: 'firstName' } }]),
    MappingError,
  );
});

const subject: MatchSubject = {
  sfId: '003A',
  email: 'Ann@x.io',
  phones: ['+14155550142'],
  firstName: 'Ann',
  lastName: 'Lee',
  accountId: '001A',
};
const cand = (id: string, o: Partial<Candidate> = {}): Candidate => ({
  id,
  externalIds: [],
  emails: [],
  phones: [],
  firstName: null,
  lastName: null,
  accountId: null,
  ...o,
});

void test('matching order: external ID, e-mail (any case), E.164, name+account only when configured; ambiguity parks', () => {
  const byExt = cand('g1', { externalIds: ['003A'] });
  const byMail = cand('g2', { emails: ['ann@X.io'] });
  const byPhone = cand('g3', { phones: ['+14155550142'] });
  const byName = cand('g4', { firstName: 'ann', lastName: 'LEE', accountId: '001A' });
  assert.deepEqual(matchContact(subject, [byName, byPhone, byMail, byExt], { byNameAndAccount: true }), {
    kind: 'match',
    id: 'g1',
    by: 'external_id',
  });
  assert.deepEqual(matchContact(subject, [byName, byPhone, byMail], { byNameAndAccount: true }), {
    kind: 'match',
    id: 'g2',
    by: 'email',
  });
  assert.deepEqual(matchContact(subject, [byName, byPhone], { byNameAndAccount: true }), {
    kind: 'match',
    id: 'g3',
    by: 'phone',
  });
  assert.deepEqual(matchContact(subject, [byName], { byNameAndAccount: true }), {
    kind: 'match',
    id: 'g4',
    by: 'name_account',
  });
  assert.deepEqual(matchContact(subject, [byName], { byNameAndAccount: false }), { kind: 'none' });
  const two = matchContact(subject, [byMail, cand('g5', { emails: ['ANN@x.io'] })], {
    byNameAndAccount: false,
  });
  assert.equal(two.kind, 'ambiguous');
  const taken = matchContact(subject, [cand('g6', { emails: ['ann@x.io'], linkedSfId: '003B' })], {
    byNameAndAccount: false,
  });
  assert.deepEqual(taken, { kind: 'ambiguous', by: 'email', ids: ['g6'], reason: 'linked_to_other_record' });
  assert.deepEqual(
    [
      ...duplicateEmails([
        subject,
        { ...subject, sfId: '003B', email: 'ANN@X.IO' },
        { ...subject, sfId: '003C', email: null },
      ]),
    ].sort(),
    ['003A', '003B'],
  );
});

void test('watermark: Id breaks ties in the same instant; the query bound overlaps and is floored to the second', () => {
  const w = { ts: 10_500, id: '003B' };
  assert.equal(afterWatermark(w, 10_500, '003A'), false);
  assert.equal(afterWatermark(w, 10_500, '003B'), false);
  assert.equal(afterWatermark(w, 10_500, '003C'), true);
  assert.equal(afterWatermark(w, 10_501, '003A'), true);
  assert.equal(querySince(w, 5_000).getTime(), 5_000);
  assert.equal(querySince(undefined, 5_000).getTime(), 0);
});

void test('bulk error actions follow the seed: 409 update, 400 skip, 429/503 retry, others fail', () => {
  assert.equal(bulkErrorAction(409, 'add'), 'update_instead');
  assert.equal(bulkErrorAction(400, 'add'), 'skip');
  assert.equal(bulkErrorAction(429, 'update'), 'retry');
  assert.equal(bulkErrorAction(503, 'add'), 'retry');
  assert.equal(bulkErrorAction(404, 'update'), 'recreate');
  assert.equal(bulkErrorAction(500, 'add'), 'fail');
  assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
});
