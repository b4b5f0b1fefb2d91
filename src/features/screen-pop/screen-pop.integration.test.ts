/**
 * Screen pop end to end against both sandboxes: a hub mirrors the Salesforce emulator, the Genesys
 * emulator's inbound flow calls the hub's data action, and the conversation carries the attributes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import jsforce from 'jsforce';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import {
  startSalesforceSandbox,
  type SalesforceSandbox,
  type SeedSummary,
} from '../../../sandbox/salesforce/index.ts';
import { fixturePeople, fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { startTestHub, type TestHub, sandboxEnv } from '../../../test/support/hub.ts';
import type { LookupOutput } from './contract.ts';
import { jsforceClient } from '../../../test/support/jsforce.ts';

const TOKEN = fixtureSecrets[0];
let sf: SalesforceSandbox;
let gc: GenesysSandbox;
let hub: TestHub;
let seed: SeedSummary;
let conn: jsforce.Connection;

async function until<T>(what: string, deadlineMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function lookup(phoneNumber: unknown, headers: Record<string, string> = { 'x-patchbay-token': TOKEN }) {
  const res = await fetch(`${hub.url}/v1/data-actions/contact-lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ phoneNumber }),
  });
  return { status: res.status, body: (await res.json()) as LookupOutput & { error?: { code: string } } };
}

async function sfControl(path: string, method: string, body?: unknown) {
  const res = await fetch(`${sf.url}/__sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.json() as Promise<Record<string, unknown>>;
}

before(async () => {
  sf = await startSalesforceSandbox();
  seed = sf.seed({ accounts: 50, contactsPerAccount: 4 });
  gc = await startGenesysSandbox();
  hub = await startTestHub({
    env: {
      ...sandboxEnv(sf, gc),
      SCREEN_POP_TOKEN: TOKEN,
      SCREEN_POP_BASIC_USER: 'genesys',
      SCREEN_POP_BASIC_PASSWORD: fixtureSecrets[1],
      SCREEN_POP_FALLBACK: 'miss',
      PATCHBAY_LEADER_TTL_SECONDS: '2',
    },
  });
  conn = await jsforceClient(sf.url, sf);
  await until('the mirror to be warm', 20_000, async () => {
    const res = await fetch(`${hub.url}/v1/admin/screen-pop/status`, {
      headers: { authorization: `Bearer ${hub.apiKey}` },
    });
    const s = (await res.json()) as { mirror: { warm: boolean; contacts: number } };
    return s.mirror.warm ? s : undefined;
  });
});

after(async () => {
  await hub?.stop();
  await Promise.allSettled([sf?.close(), gc?.close()]);
});

async function contactIdsWithPhone(e164: string): Promise<string[]> {
  const literal = e164.replace(/[^+0-9 ()-]/g, '');
  const r = await conn.query<{ Id: string }>(
    `SELECT Id FROM Contact WHERE Phone = '${literal}' OR MobilePhone = '${literal}'`,
  );
  return r.records.map((x) => x.Id).sort();
}

void test('credentials: none or wrong → 401; header token or Basic → 200; a body that breaks the contract → 400', async () => {
  assert.equal((await lookup('+14155550000', {})).status, 401);
  assert.equal((await lookup('+14155550000', { 'x-patchbay-token': 'wrong' })).status, 401);
  const basic = `Basic ${Buffer.from(`genesys:${fixtureSecrets[1]}`).toString('base64')}`;
  assert.equal((await lookup('+14155550000', { authorization: basic })).status, 200);
  const wrongBasic = `Basic ${Buffer.from('genesys:nope').toString('base64')}`;
  assert.equal((await lookup('+14155550000', { authorization: wrongBasic })).status, 401);
  const bad = await lookup({ number: '+14155550000' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error?.code, 'validation_failed');
  const missing = await fetch(`${hub.url}/v1/data-actions/contact-lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-patchbay-token': TOKEN },
    body: '{}',
  });
  assert.equal(missing.status, 400);
});

void test('a simulated call runs the flow data action against Patchbay; the conversation carries the attributes', async () => {
  const e164 = seed.samplePhones[0] ?? '';
  const [expectedId] = await contactIdsWithPhone(e164);
  assert.ok(expectedId);
  const expected = (await conn.sobject('Contact').retrieve(expectedId)) as unknown as Record<string, unknown>;
  const flow = await fetch(`${gc.url}/__sandbox/conversations/config/flow`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      enabled: true,
      url: `${hub.url}/v1/data-actions/contact-lookup`,
      auth: { type: 'header', name: 'X-Patchbay-Token', value: TOKEN },
      timeoutSeconds: 3,
    }),
  });
  assert.equal(flow.status, 200);
  const dir = (await (await fetch(`${gc.url}/__sandbox/conversations/directory`)).json()) as {
    queues: Array<{ id: string }>;
  };
  // The caller ID arrives in national format with punctuation, the CRM holds E.164.
  const national = `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
  const res = await fetch(`${gc.url}/__sandbox/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ani: `tel:${national}`, queueId: dir.queues[0]?.id }),
  });
  assert.equal(res.status, 201);
  const conv = (await res.json()) as {
    flow?: { path: string };
    participants: Array<{ purpose: string; attributes: Record<string, string> }>;
  };
  assert.equal(conv.flow?.path, 'success');
  const customer = conv.participants.find((p) => p.purpose === 'customer');
  assert.equal(customer?.attributes.contact_id, expectedId);
  const name = [expected.FirstName, expected.LastName]
    .filter((x) => typeof x === 'string' && x !== '')
    .join(' ');
  assert.equal(customer?.attributes.contact_name, name);
  if (typeof expected.AccountId === 'string')
    assert.equal(customer?.attributes.account_id, expected.AccountId);
  if (typeof expected.Custom_Tier__c === 'string')
    assert.equal(customer?.attributes.customer_tier, expected.Custom_Tier__c);
  assert.equal(customer?.attributes.screenpop_path, 'success');
});

void test('shared number → matchCount ≥ 2 with both contacts listed', async () => {
  assert.ok(seed.sharedPhone);
  const ids = await contactIdsWithPhone(seed.sharedPhone);
  assert.ok(ids.length >= 2);
  const { status, body } = await lookup(seed.sharedPhone);
  assert.equal(status, 200);
  assert.equal(body.success, true);
  assert.ok(body.matchCount >= 2);
  assert.deepEqual(body.matches.map((m) => m.id).sort(), ids);
  assert.ok(ids.includes(body.contactId));
});

void test('unknown → not_found; junk → invalid_number; both 200', async () => {
  const unknown = await lookup('+1 (415) 555-9876');
  assert.equal(unknown.status, 200);
  assert.equal(unknown.body.success, false);
  assert.equal(unknown.body.reason, 'not_found');
  assert.equal(unknown.body.matchCount, 0);
  for (const junk of ['', 'anonymous', '12', 'x'.repeat(200)]) {
    const r = await lookup(junk);
    assert.equal(r.status, 200, junk);
    assert.equal(r.body.reason, 'invalid_number', junk);
  }
});

void test('SOQL/SOSL injection through phoneNumber does not alter the query (emulator request log)', async () => {
  await sfControl('requests', 'DELETE');
  const attempts = [
    "+14155550000' OR Name LIKE '%",
    '+14155550001} RETURNING User(Id, Username',
    "+1 415 555 0002\\' OR Id != NULL",
    "tel:+14155550003;ext=1' OR '1'='1",
    '00 1 415 555 0004 */ FIND {*}',
  ];
  for (const a of attempts) {
    const r = await lookup(a);
    assert.equal(r.status, 200);
    assert.ok(r.body.success === false || r.body.matchCount >= 1);
  }
  const log = (await sfControl('requests', 'GET')) as { requests: Array<{ path: string; query: string }> };
  const searches = log.requests.filter((r) => r.path.includes('/search') || r.path.includes('/query'));
  assert.ok(searches.length > 0, 'the unknown numbers went to Salesforce live');
  for (const r of searches) {
    const q = new URLSearchParams(r.query).get('q') ?? '';
    // Only the escaped E.164 number varies; the structure is the template's.
    assert.match(q, /^FIND \{\\\+\d{8,15}\} IN PHONE FIELDS RETURNING Contact\([A-Za-z_.,\s]+\)$/, q);
  }
});

void test('a contact changed in Salesforce is found under its new number within 5 s (CDC)', async () => {
  const person = fixturePeople[0];
  const { records } = await conn.query<{ Id: string }>('SELECT Id FROM Contact WHERE Phone != NULL LIMIT 1');
  const id = records[0]?.Id ?? '';
  const before = await lookup(person.phoneNational);
  assert.equal(before.body.success, false);
  const changedAt = Date.now();
  await conn.sobject('Contact').update({ Id: id, MobilePhone: person.phoneNational });
  // Poll the hub's own index (not the data action, whose live fallback would find it anyway).
  const mirror = hub.hub.store.db;
  await until('the new number in the index', 5_000, async () => {
    const row = await mirror
      .selectFrom('sf_mirror_phones')
      .select('contact_id')
      .where('phone_key', '=', person.phone)
      .executeTakeFirst();
    return row?.contact_id === id ? row : undefined;
  });
  assert.ok(Date.now() - changedAt <= 5_000);
  const found = await lookup(person.phone);
  assert.equal(found.body.contactId, id);
  // And a new contact appears too.
  const created = await conn
    .sobject('Contact')
    .create({ LastName: fixturePeople[2].lastName, Phone: fixturePeople[2].phone });
  const createdId = (created as { id: string }).id;
  await until('the new contact in the index', 5_000, async () => {
    const row = await mirror
      .selectFrom('sf_mirror_phones')
      .select('contact_id')
      .where('phone_key', '=', fixturePeople[2].phone)
      .executeTakeFirst();
    return row?.contact_id === createdId ? row : undefined;
  });
  assert.equal((await lookup(fixturePeople[2].phoneNational)).body.contactId, createdId);
  // Deleted → gone from the index (the live fallback finds nothing either).
  await conn.sobject('Contact').destroy(createdId);
  await until('the deleted contact gone', 5_000, async () => {
    const r = await lookup(fixturePeople[2].phone);
    return r.body.success ? undefined : r;
  });
});

void test('a CDC phone change is applied from the event: no query back to Salesforce for it (emulator request log)', async () => {
  const person = { phone: '+12125550175', phoneNational: '(212) 555-0175' };
  const { records } = await conn.query<{ Id: string }>(
    'SELECT Id FROM Contact WHERE Phone != NULL LIMIT 1 OFFSET 5',
  );
  const id = records[0]?.Id ?? '';
  await sfControl('requests', 'DELETE');
  await conn.sobject('Contact').update({ Id: id, Phone: person.phoneNational });
  // Poll the hub's own index: the data action would ask Salesforce live about a number it does not know yet.
  await until('the new number in the index', 5_000, async () => {
    const row = await hub.hub.store.db
      .selectFrom('sf_mirror_phones')
      .select('contact_id')
      .where('phone_key', '=', person.phone)
      .executeTakeFirst();
    return row?.contact_id === id ? row : undefined;
  });
  assert.equal((await lookup(person.phone)).body.contactId, id);
  const log = (await sfControl('requests?method=GET', 'GET')) as {
    requests: Array<{ path: string; query: string }>;
  };
  const reads = log.requests.filter(
    (r) => r.path.includes('/query') || r.path.includes('/sobjects/Contact/'),
  );
  assert.deepEqual(
    reads.map((r) => `${r.path}?${r.query}`),
    [],
    'the change came from the event alone',
  );
});

void test('an Account renamed in Salesforce renames it on all its contacts in the index within 5 s (CDC)', async () => {
  const { records } = await conn.query<{ Id: string; Phone: string; AccountId: string }>(
    'SELECT Id, Phone, AccountId FROM Contact WHERE Phone != NULL AND AccountId != NULL LIMIT 1 OFFSET 9',
  );
  const contact = records[0];
  assert.ok(contact);
  const siblings = await conn.query<{ Phone: string }>(
    `SELECT Phone FROM Contact WHERE AccountId = '${contact.AccountId}' AND Phone != NULL`,
  );
  assert.ok(siblings.records.length >= 2, 'the account has several contacts');
  await conn.sobject('Account').update({ Id: contact.AccountId, Name: 'Renamed Holdings Ltd' });
  await until('the new account name on the caller', 5_000, async () => {
    const r = await lookup(contact.Phone);
    return r.body.accountName === 'Renamed Holdings Ltd' ? r : undefined;
  });
  for (const s of siblings.records) {
    const r = await lookup(s.Phone);
    const names = [r.body.accountName, ...r.body.matches.map((m) => m.accountName)];
    assert.ok(names.includes('Renamed Holdings Ltd'), `${s.Phone}: ${names.join(', ')}`);
  }
});

void test('account lookup by account number (the not-found fallback path)', async () => {
  const { records } = await conn.query<{ Id: string; Name: string }>('SELECT Id, Name FROM Account LIMIT 1');
  const acc = records[0];
  assert.ok(acc);
  await conn.sobject('Account').update({ Id: acc.Id, AccountNumber: 'ACC-1001' });
  const res = await fetch(`${hub.url}/v1/data-actions/account-lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-patchbay-token': TOKEN },
    body: JSON.stringify({ accountNumber: 'ACC-1001' }),
  });
  const body = (await res.json()) as LookupOutput;
  assert.equal(res.status, 200);
  assert.equal(body.success, true);
  assert.equal(body.accountId, acc.Id);
  assert.equal(body.accountName, acc.Name);
  const none = await fetch(`${hub.url}/v1/data-actions/account-lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-patchbay-token': TOKEN },
    body: JSON.stringify({ accountNumber: "NOPE' OR Name != '" }),
  });
  assert.equal(((await none.json()) as LookupOutput).reason, 'not_found');
});

void test('Salesforce outage → unavailable within the budget; index hits keep working', async () => {
  const now = Date.now();
  await sfControl('faults', 'PUT', {
    rules: [{ pathPrefix: '/services', outage: { from: now - 1000, to: now + 120_000 } }],
  });
  try {
    const started = Date.now();
    const r = await lookup('+1 212 555 7788');
    const took = Date.now() - started;
    assert.equal(r.status, 200);
    assert.equal(r.body.success, false);
    assert.equal(r.body.reason, 'unavailable');
    assert.ok(took <= 2_500, `answered in ${took} ms`);
    // Known numbers come from the index and never touch Salesforce.
    const known = await lookup(seed.samplePhones[1]);
    assert.equal(known.body.success, true);
    // After repeated failures the breaker opens: later answers are immediate.
    for (let i = 0; i < 6; i++) await lookup(`+1 212 555 77${String(i).padStart(2, '0')}`);
    const t0 = Date.now();
    const fast = await lookup('+1 212 555 7799');
    assert.equal(fast.body.reason, 'unavailable');
    assert.ok(Date.now() - t0 < 2_500);
  } finally {
    await sfControl('faults', 'DELETE');
  }
});
