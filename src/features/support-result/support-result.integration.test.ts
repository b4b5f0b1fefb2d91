/**
 * Seed 002 end to end: pairing, supportResult, enrichment through the Genesys emulator, records
 * in the back-office emulator — one per paired customer, matched by ANI when unpaired, null and
 * listed for review otherwise — idempotent, and delivered once after the back office recovers
 * from 503s.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { fixturePeople } from '../../../test/fixtures/pii.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import {
  postSigned,
  startEmulators,
  supportResultBody,
  waitFor,
  type Emulators,
} from '../call-end-intake/test-support.ts';

let e: Emulators;
let t: TestHub;
before(async () => {
  e = await startEmulators();
  t = await startTestHub({ env: { ...e.env, PATCHBAY_JOBS_POLL_MS: '20' } });
});
after(async () => {
  await t.stop();
  await e.close();
});

const post = (path: string, body: unknown) => postSigned(`${t.url}${path}`, body, { scheme: 'token' });
const done = (conversationId: string) =>
  waitFor(
    async () => {
      const j = (await t.hub.queue.list({ kind: 'support-result' })).find(
        (x) => x.key === `support-result:${conversationId}`,
      );
      return j?.state === 'completed' || j?.state === 'parked' ? j : undefined;
    },
    20_000,
    'support-result job',
  );

void test('every paired customer gets a record with the seed mapping; a repeat delivery adds nothing', async () => {
  const conv = randomUUID();
  const [c1, c2] = [randomUUID(), randomUUID()];
  for (const customerId of [c1, c2]) {
    const r = await post('/customers/supportInteraction', { customerId, interactionId: conv });
    assert.equal(r.status, 201);
  }
  const body = supportResultBody(e, conv, { subject: '', mediaType: 'message' });
  assert.equal((await post('/customers/supportResult', body)).status, 202);
  const again = await post('/customers/supportResult', body);
  assert.equal(again.status, 202);
  assert.equal(again.json.duplicate, true);
  const j = await done(conv);
  assert.equal(j.state, 'completed', j.lastError ?? '');
  const recs = e.bo.records().filter((r) => r.interactionId === conv);
  assert.deepEqual(recs.map((r) => r.customerId).sort(), [c1, c2].sort());
  const user = e.gc.ctx.directory.user(e.userId)!;
  const code = e.gc.ctx.directory.wrapupCode(e.wrapupCodeId)!;
  for (const r of recs) {
    assert.equal(r.direction, 'INBOUND');
    assert.equal(r.communicatedAt, body.eventTime);
    assert.equal(r.source, 'Call center');
    assert.equal(r.channel, 'SMS');
    assert.equal(r.domain, 'OTHER');
    assert.equal(r.customerHandle, body.ani);
    assert.equal(r.bankUserId, null);
    assert.equal(r.bankUserName, user.name);
    assert.equal(r.purpose, code.name);
    assert.equal(r.title, 'Call center communication');
    assert.equal(r.body, '');
  }
});

void test('BACKOFFICE_CUSTOMERS=last keeps the seed behaviour (only the last paired customer)', async () => {
  const hub = await startTestHub({
    env: { ...e.env, PATCHBAY_JOBS_POLL_MS: '20', BACKOFFICE_CUSTOMERS: 'last' },
  });
  try {
    const conv = randomUUID();
    const [c1, c2] = [randomUUID(), randomUUID()];
    for (const customerId of [c1, c2])
      await postSigned(
        `${hub.url}/customers/supportInteraction`,
        { customerId, interactionId: conv },
        { scheme: 'token' },
      );
    await postSigned(`${hub.url}/customers/supportResult`, supportResultBody(e, conv), { scheme: 'token' });
    await waitFor(
      () => (e.bo.records().some((r) => r.interactionId === conv) ? true : undefined),
      20_000,
      'record',
    );
    assert.deepEqual(
      e.bo
        .records()
        .filter((r) => r.interactionId === conv)
        .map((r) => r.customerId),
      [c2],
    );
  } finally {
    await hub.stop();
  }
});

void test('unpaired: matched by ANI against the back office customers, else customerId null and listed for review', async () => {
  const person = fixturePeople[2];
  const customerId = randomUUID();
  e.bo.addCustomer({
    id: customerId,
    firstName: person.firstName,
    lastName: person.lastName,
    email: null,
    phone: person.phone,
  });
  const matched = randomUUID();
  await post('/customers/supportResult', supportResultBody(e, matched, { ani: `tel:${person.phone}` }));
  const unmatched = randomUUID();
  await post('/customers/supportResult', supportResultBody(e, unmatched, { ani: '+14155559870' }));
  assert.deepEqual((await done(matched)).result, {
    records: 1,
    alreadyLogged: 0,
    customers: [customerId],
    matchedBy: 'ani',
    review: false,
  });
  assert.deepEqual((await done(unmatched)).result, {
    records: 1,
    alreadyLogged: 0,
    customers: [null],
    matchedBy: 'none',
    review: true,
  });
  assert.equal(e.bo.records().find((r) => r.interactionId === unmatched)?.customerId, null);
  const review = await fetch(`${t.url}/v1/support-results/review`, {
    headers: { authorization: `Bearer ${t.apiKey}` },
  });
  const items = ((await review.json()) as { items: Array<{ interactionId: string }> }).items;
  assert.ok(items.some((i) => i.interactionId === unmatched));
  assert.equal((await fetch(`${t.url}/v1/support-results/review`)).status, 401);
});

void test('validation at receipt: 400 naming the field; unknown direction → 400; nothing stored', async () => {
  const before = (await t.hub.queue.list({ kind: 'support-result' })).length;
  const bad = await post(
    '/customers/supportResult',
    supportResultBody(e, randomUUID(), { direction: 'sideways' }),
  );
  assert.equal(bad.status, 400);
  assert.deepEqual((bad.json.error as { details: unknown }).details, { field: 'direction' });
  const noUuid = await post('/customers/supportInteraction', {
    customerId: 'x',
    interactionId: randomUUID(),
  });
  assert.equal(noUuid.status, 400);
  assert.deepEqual((noUuid.json.error as { details: unknown }).details, { field: 'customerId' });
  assert.equal((await t.hub.queue.list({ kind: 'support-result' })).length, before);
  const unsigned = await fetch(`${t.url}/customers/supportResult`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(supportResultBody(e, randomUUID())),
  });
  assert.equal(unsigned.status, 401);
});

void test('back office answering 503, then recovering → every record delivered exactly once', async () => {
  const faults = (rules: unknown[]) =>
    fetch(`${e.bo.url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules }),
    });
  await faults([{ pathPrefix: '/communicationRecords', method: 'POST', errorRate: 1, errorStatus: 503 }]);
  const convs: string[] = Array.from({ length: 20 }, () => randomUUID());
  for (const c of convs)
    assert.equal((await post('/customers/supportResult', supportResultBody(e, c))).status, 202);
  // Every job fails at least once against the outage.
  await waitFor(
    async () => {
      const jobs = (await t.hub.queue.list({ kind: 'support-result' })).filter((j) =>
        convs.includes(j.key?.slice('support-result:'.length) ?? ''),
      );
      return jobs.length === convs.length && jobs.every((j) => j.attempts >= 1 && j.lastError !== null)
        ? true
        : undefined;
    },
    20_000,
    'first failures',
  );
  await faults([]);
  // Retries are due after 3 s (the first backoff step).
  for (const c of convs) await done(c);
  for (const c of convs) assert.equal(e.bo.records().filter((r) => r.interactionId === c).length, 1, c);
});
