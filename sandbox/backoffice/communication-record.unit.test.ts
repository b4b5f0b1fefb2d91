import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMUNICATION_CHANNELS, validateCommunicationRecord } from './communication-record.ts';
import { validateCustomer } from './customer.ts';
import { BackofficeStore } from './store.ts';
import { fixturePeople } from '../../test/fixtures/pii.ts';

const [marguerite, , aiyana] = fixturePeople;

const valid = {
  direction: 'INBOUND',
  communicatedAt: '2026-03-02T10:15:00.000Z',
  source: 'Call center',
  channel: 'VOICE',
  domain: 'OTHER',
  customerId: '6f1c1a52-6c39-4d3e-9a43-2b6f3f6f0a11',
  customerHandle: marguerite.phone,
  interactionId: '0b7f6b9e-6a57-4d39-8c0e-5f1f0b9e3c21',
  bankUserId: null,
  bankUserName: 'Agent Smith',
  purpose: 'Card blocked',
  title: 'Call center communication',
  body: '',
};

void test('a record built as seed 002 describes is accepted', () => {
  const r = validateCommunicationRecord(valid);
  assert.equal(r.ok, true);
});

void test('every channel of the enum is accepted, including OTHER and VIDEO', () => {
  assert.ok(COMMUNICATION_CHANNELS.includes('OTHER') && COMMUNICATION_CHANNELS.includes('VIDEO'));
  for (const channel of COMMUNICATION_CHANNELS)
    assert.equal(validateCommunicationRecord({ ...valid, channel }).ok, true);
});

void test('nullable fields may be omitted and are stored as null', () => {
  const { customerId: _c, bankUserId: _b, purpose: _p, ...rest } = valid;
  const r = validateCommunicationRecord(rest);
  assert.ok(r.ok);
  assert.equal(r.value.customerId, null);
  assert.equal(r.value.purpose, null);
});

const bad: [string, Record<string, unknown>][] = [
  ['direction', { direction: 'inbound' }],
  ['direction', { direction: undefined }],
  ['communicatedAt', { communicatedAt: '02/03/2026' }],
  ['communicatedAt', { communicatedAt: '2026-03-02T10:15:00' }],
  ['communicatedAt', { communicatedAt: '2026-13-45T10:15:00Z' }],
  ['source', { source: '' }],
  ['channel', { channel: 'SCREENSHARE' }],
  ['channel', { channel: 'voice' }],
  ['domain', { domain: 42 }],
  ['customerId', { customerId: 'not-a-uuid' }],
  ['customerHandle', { customerHandle: null }],
  ['interactionId', { interactionId: '' }],
  ['bankUserName', { bankUserName: 7 }],
  ['title', { title: '   ' }],
  ['body', { body: null }],
  ['nickname', { nickname: 'x' }],
];
for (const [field, patch] of bad) {
  void test(`an invalid ${field} (${JSON.stringify(patch)}) is refused naming the field`, () => {
    const r = validateCommunicationRecord({ ...valid, ...patch });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.field, field);
  });
}

void test('a non-object body is refused', () => {
  for (const body of [null, [], 'x', 3]) assert.equal(validateCommunicationRecord(body).ok, false);
});

void test('customer validation requires E.164 phones', () => {
  const r = validateCustomer({ firstName: 'A', lastName: 'B', phone: marguerite.phoneNational }, () => 'id');
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.field, 'phone');
});

void test('duplicate policy: reject refuses the same interactionId + customerId, accept stores both', () => {
  const v = validateCommunicationRecord(valid);
  assert.ok(v.ok);
  let n = 0;
  const mk = (duplicatePolicy: 'reject' | 'accept') =>
    new BackofficeStore({ duplicatePolicy, newId: () => `id-${++n}`, now: () => 0 });
  const strict = mk('reject');
  assert.equal(strict.addRecord(v.value).ok, true);
  assert.equal(strict.addRecord(v.value).ok, false);
  assert.equal(
    strict.addRecord({ ...v.value, customerId: null }).ok,
    true,
    'a different customerId is not a duplicate',
  );
  const lax = mk('accept');
  lax.addRecord(v.value);
  lax.addRecord(v.value);
  assert.equal(lax.records.length, 2);
});

void test('erasing a customer removes paired records and unpaired records under their handles only', () => {
  const store = new BackofficeStore({
    duplicatePolicy: 'accept',
    newId: () => crypto.randomUUID(),
    now: () => 0,
  });
  const id = '6f1c1a52-6c39-4d3e-9a43-2b6f3f6f0a11';
  store.upsertCustomer({
    id,
    firstName: marguerite.firstName,
    lastName: marguerite.lastName,
    email: marguerite.email.toUpperCase(),
    phone: marguerite.phone,
  });
  const v = validateCommunicationRecord(valid);
  assert.ok(v.ok);
  store.addRecord(v.value); // paired
  store.addRecord({ ...v.value, customerId: null, customerHandle: marguerite.email }); // unpaired, theirs
  store.addRecord({ ...v.value, customerId: null, customerHandle: aiyana.phone }); // someone else
  const r = store.eraseCustomer(id);
  assert.deepEqual(r, { found: true, deletedRecords: 2 });
  assert.equal(store.records.length, 1);
  assert.equal(store.records[0]!.customerHandle, aiyana.phone);
  assert.deepEqual(store.eraseCustomer(id), { found: false });
});
