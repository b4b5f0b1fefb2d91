import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fixturePeople } from '../../test/fixtures/pii.ts';
import { startBackofficeSandbox, type BackofficeSandbox, type Customer } from './index.ts';

const [marguerite, tobias, aiyana] = fixturePeople;
const customers: Customer[] = [marguerite, tobias, aiyana].map((p) => ({
  id: randomUUID(),
  firstName: p.firstName,
  lastName: p.lastName,
  email: p.email,
  phone: p.phone,
}));
const [mCustomer, tCustomer] = customers as [Customer, Customer, Customer];

let bo: BackofficeSandbox;
before(async () => {
  bo = await startBackofficeSandbox({ customers });
});
after(async () => {
  await bo.close();
});
beforeEach(async () => {
  await fetch(`${bo.url}/__sandbox/reset`, { method: 'POST' });
});

const record = (over: Record<string, unknown> = {}) => ({
  direction: 'INBOUND',
  communicatedAt: '2026-03-02T10:15:00.000Z',
  source: 'Call center',
  channel: 'VOICE',
  domain: 'OTHER',
  customerId: mCustomer.id,
  customerHandle: marguerite.phone,
  interactionId: randomUUID(),
  bankUserId: null,
  bankUserName: 'Agent Smith',
  purpose: 'Card blocked',
  title: 'Call center communication',
  body: '',
  ...over,
});

const call = async <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
) => {
  const res = await fetch(`${bo.url}${path}`, {
    method,
    ...(body !== undefined
      ? {
          headers: { 'content-type': contentType },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }
      : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as T) : undefined,
  };
};

void test('POST /communicationRecords stores the record and lists it by interactionId and customerId', async () => {
  const r = record();
  const created = await call('POST', '/communicationRecords', r);
  assert.equal(created.status, 201);
  assert.equal(created.body!.interactionId, r.interactionId);
  assert.equal(typeof created.body!.id, 'string');
  const byInteraction = await call<unknown[]>(
    'GET',
    `/communicationRecords?interactionId=${r.interactionId}`,
  );
  assert.equal(byInteraction.body!.length, 1);
  const byCustomer = await call<unknown[]>('GET', `/communicationRecords?customerId=${mCustomer.id}`);
  assert.equal(byCustomer.body!.length, 1);
  assert.equal(bo.records().length, 1);
});

void test('an invalid record gets 400 in the Spring shape naming the field', async () => {
  const res = await call('POST', '/communicationRecords', record({ channel: 'FAX' }));
  assert.equal(res.status, 400);
  assert.equal(res.body!.field, 'channel');
  assert.equal(res.body!.error, 'Bad Request');
  assert.equal(res.body!.path, '/communicationRecords');
  assert.match(String(res.body!.message), /channel/);
});

void test('bad input on every route answers the error shape, never a crash', async () => {
  const cases: [string, string, unknown, number][] = [
    ['POST', '/communicationRecords', '{not json', 400],
    ['POST', '/communicationRecords', [], 400],
    ['POST', '/communicationRecords', 'plain text', 400],
    ['GET', '/communicationRecords?customerId=nope', undefined, 400],
    ['GET', '/communicationRecords?interactionId=a&interactionId=b', undefined, 400],
    ['GET', '/communicationRecords/unknown', undefined, 404],
    ['DELETE', '/communicationRecords', undefined, 400],
    ['GET', '/customers?phone=4155550142', undefined, 400],
    ['GET', '/customers?email=nobody', undefined, 400],
    ['GET', '/customers/not-a-uuid', undefined, 400],
    ['GET', `/customers/${randomUUID()}`, undefined, 404],
    ['POST', '/customers', { firstName: 'X' }, 400],
    ['DELETE', '/customers/not-a-uuid', undefined, 400],
    ['DELETE', `/customers/${randomUUID()}`, undefined, 404],
    ['PATCH', '/communicationRecords', {}, 404],
  ];
  for (const [method, path, body, status] of cases) {
    const res = await call(method, path, body);
    assert.equal(res.status, status, `${method} ${path}`);
    assert.equal(res.body!.status, status, `${method} ${path} body`);
    assert.equal(typeof res.body!.message, 'string');
  }
  assert.equal((await call('GET', '/customers')).status, 200, 'still serving');
});

void test('a repeated interactionId + customerId is refused with 409 by default', async () => {
  const r = record();
  assert.equal((await call('POST', '/communicationRecords', r)).status, 201);
  const again = await call('POST', '/communicationRecords', r);
  assert.equal(again.status, 409);
  assert.equal(again.body!.status, 409);
  assert.equal((await call('POST', '/communicationRecords', { ...r, customerId: null })).status, 201);
});

void test('the accept policy stores duplicates', async () => {
  const lax = await startBackofficeSandbox({ duplicatePolicy: 'accept' });
  try {
    const r = record();
    const res1 = await fetch(`${lax.url}/communicationRecords`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(r),
    });
    const res2 = await fetch(`${lax.url}/communicationRecords`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(r),
    });
    assert.deepEqual([res1.status, res2.status], [201, 201]);
    assert.equal(lax.records().length, 2);
  } finally {
    await lax.close();
  }
});

void test('customers are found by exact E.164 phone or case-insensitive e-mail', async () => {
  const byPhone = await call<{ id: string }[]>('GET', `/customers?phone=${encodeURIComponent(tobias.phone)}`);
  assert.deepEqual(
    byPhone.body!.map((c) => c.id),
    [tCustomer.id],
  );
  const byEmail = await call<{ id: string }[]>(
    'GET',
    `/customers?email=${encodeURIComponent(marguerite.email.toUpperCase())}`,
  );
  assert.deepEqual(
    byEmail.body!.map((c) => c.id),
    [mCustomer.id],
  );
  const none = await call('GET', `/customers?phone=${encodeURIComponent('+15550000000')}`);
  assert.deepEqual(none.body, []);
});

void test('DELETE /customers/{id} erases the customer and their records; other customers keep theirs', async () => {
  await call('POST', '/communicationRecords', record());
  await call(
    'POST',
    '/communicationRecords',
    record({ customerId: null, customerHandle: marguerite.email, channel: 'EMAIL' }),
  );
  await call(
    'POST',
    '/communicationRecords',
    record({ customerId: tCustomer.id, customerHandle: tobias.phone }),
  );
  const del = await call('DELETE', `/customers/${mCustomer.id}`);
  assert.equal(del.status, 200);
  assert.deepEqual(del.body, { deletedCustomer: mCustomer.id, deletedRecords: 2 });
  assert.equal((await call('GET', `/customers/${mCustomer.id}`)).status, 404);
  assert.deepEqual(
    bo.records().map((r) => r.customerId),
    [tCustomer.id],
  );
  assert.equal(
    (await call('DELETE', `/customers/${mCustomer.id}`)).status,
    404,
    'a second erasure finds nothing',
  );
});

void test('DELETE /communicationRecords?customerHandle= erases records under that handle', async () => {
  await call('POST', '/communicationRecords', record({ customerId: null, customerHandle: aiyana.phone }));
  await call('POST', '/communicationRecords', record());
  const del = await call(
    'DELETE',
    `/communicationRecords?customerHandle=${encodeURIComponent(aiyana.phone)}`,
  );
  assert.deepEqual(del.body, { deletedRecords: 1 });
  assert.equal(bo.records().length, 1);
});

void test('an injected fault answers in the back office error shape and is logged', async () => {
  const put = await call('PUT', '/__sandbox/faults', {
    rules: [{ pathPrefix: '/communicationRecords', errorRate: 1, errorStatus: 503 }],
  });
  assert.equal(put.status, 200);
  const res = await call('POST', '/communicationRecords', record());
  assert.equal(res.status, 503);
  assert.equal(res.body!.error, 'Service Unavailable');
  assert.equal(bo.records().length, 0);
  const log = await call<{ requests: { status: number }[] }>(
    'GET',
    '/__sandbox/requests?pathPrefix=/communicationRecords',
  );
  assert.equal(log.body!.requests.at(-1)!.status, 503);
});
