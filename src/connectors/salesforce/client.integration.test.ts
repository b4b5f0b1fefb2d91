/** The Salesforce connector against the Salesforce emulator over real HTTP. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { PermanentError, RetryableError } from '../../platform/jobs/index.ts';
import { createMetrics } from '../../platform/metrics/registry.ts';
import { VendorPermanentError, VendorRetryableError } from '../errors.ts';
import { createSalesforceConnector, type SalesforceConnector } from './client.ts';
import { soql, sosl } from './soql.ts';
import type { StreamingEvent } from './streaming.ts';

const CLIENT_ID = 'pb-test-salesforce-connector';
const SECRET = fixtureSecrets[0];
let sb: SalesforceSandbox;
let sf: SalesforceConnector;
const metrics = createMetrics({ defaultMetrics: false });

before(async () => {
  sb = await startSalesforceSandbox({
    seed: { accounts: 60, contactsPerAccount: 8 },
    clients: [{ clientId: CLIENT_ID, clientSecret: SECRET }],
    // A non-unique external ID, so that an upsert can match several records (300).
    schema: [
      {
        name: 'Contact',
        keyPrefix: '003',
        label: 'Contact',
        labelPlural: 'Contacts',
        fields: [{ name: 'Legacy_Id__c', type: 'string', length: 80, label: 'Legacy', externalId: true }],
      },
    ],
  });
  sf = createSalesforceConnector({
    loginUrl: sb.url,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    apiVersion: '65.0',
    log: testLogger('sf-connector'),
    metrics,
  });
});
after(async () => {
  await sf.close();
  await sb.close();
});
beforeEach(async () => {
  await control('DELETE', '/__sandbox/faults');
});

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.json();
}

async function requestLog(): Promise<{ method: string; path: string; query: string; status: number }[]> {
  return ((await control('GET', '/__sandbox/requests')) as { requests: [] }).requests;
}

void test('logs in with client credentials and pages a query across ≥3 pages without truncation', async () => {
  const { records, totalSize } = await sf.query<{ Id: string; LastName: string }>(
    soql`SELECT Id, LastName FROM Contact`,
    { pageSize: 200 },
  );
  assert.equal(totalSize, 480);
  assert.equal(records.length, 480);
  assert.equal(new Set(records.map((r) => r.Id)).size, 480);
  const pages: number[] = [];
  const r = await sf.queryPages(soql`SELECT Id FROM Contact`, (p) => void pages.push(p.records.length), {
    pageSize: 200,
  });
  assert.deepEqual(pages, [200, 200, 80]);
  assert.equal(r.pages, 3);
  assert.ok((sf.limitInfo().apiUsage?.used ?? 0) > 0, 'Sforce-Limit-Info read');
  await assert.rejects(
    sf.query(soql`SELECT Id FROM Contact`, { maxRecords: 100 }),
    (e: VendorPermanentError) => {
      assert.equal(e.code, 'TOO_MANY_RECORDS');
      return true;
    },
  );
});

void test('an injection attempt through query reaches the emulator as one intact literal', async () => {
  await control('DELETE', '/__sandbox/requests');
  const evil = "x' OR LastName != 'y";
  const { records } = await sf.query(soql`SELECT Id FROM Contact WHERE LastName = ${evil}`);
  assert.equal(records.length, 0, 'the OR never became SOQL');
  const q = (await requestLog()).find((r) => r.path.endsWith('/query'));
  assert.ok(q);
  const sent = new URLSearchParams(q.query).get('q');
  assert.equal(sent, "SELECT Id FROM Contact WHERE LastName = 'x\\' OR LastName != \\'y'");
  const found = await sf.search(sosl`FIND {${'} RETURNING User(Id'}} IN ALL FIELDS RETURNING Contact(Id)`);
  assert.deepEqual(found, []);
});

void test('CRUD, upsert created then updated, duplicates → MULTIPLE_CHOICES', async () => {
  const { id } = await sf.create('Contact', { LastName: 'Connector', Email: 'conn@example.test' });
  await sf.update('Contact', id, { Title: 'Tester' });
  const got = await sf.retrieve<{ Title: string }>('Contact', id, ['Title']);
  assert.equal(got.Title, 'Tester');

  const first = await sf.upsert('Contact', 'External_Genesys_ID__c', 'gc-1', { LastName: 'Up' });
  assert.equal(first.created, true);
  const second = await sf.upsert('Contact', 'External_Genesys_ID__c', 'gc-1', { LastName: 'Up2' });
  assert.deepEqual(second, { id: first.id, created: false });

  const a = await sf.create('Contact', { LastName: 'DupA', Legacy_Id__c: 'L-1' });
  const b = await sf.create('Contact', { LastName: 'DupB', Legacy_Id__c: 'L-1' });
  await assert.rejects(
    sf.upsert('Contact', 'Legacy_Id__c', 'L-1', { Title: 'c' }),
    (e: VendorPermanentError) => {
      assert.ok(e instanceof PermanentError);
      assert.equal(e.code, 'MULTIPLE_CHOICES');
      assert.equal(e.status, 300);
      assert.ok(e.message.includes(a.id) && e.message.includes(b.id), e.message);
      return true;
    },
  );
  await sf.remove('Contact', id);
  await assert.rejects(sf.retrieve('Contact', id), PermanentError);
});

void test('composite with references; collections chunk 450 records into 3 calls', async () => {
  const res = await sf.composite<{ id?: string; LastName?: string }>(
    [
      { method: 'POST', url: 'sobjects/Contact', referenceId: 'c', body: { LastName: 'Composite' } },
      { method: 'GET', url: 'sobjects/Contact/@{c.id}?fields=LastName', referenceId: 'g' },
    ],
    { allOrNone: true },
  );
  assert.deepEqual(
    res.map((r) => r.httpStatusCode),
    [201, 200],
  );
  assert.equal(res[1]?.body.LastName, 'Composite');

  await control('DELETE', '/__sandbox/requests');
  const records = Array.from({ length: 450 }, (_, i) => ({ LastName: `Bulk${i}` }));
  const created = await sf.collections.create('Contact', records);
  assert.equal(created.length, 450);
  assert.ok(created.every((r) => r.success && r.id));
  const calls = (await requestLog()).filter((r) => r.path.endsWith('/composite/sobjects'));
  assert.equal(calls.length, 3);

  const updated = await sf.collections.update(
    'Contact',
    created.map((r, i) => ({ Id: r.id!, Title: i === 0 ? 'x'.repeat(200) : 'ok' })),
  );
  assert.equal(updated.length, 450);
  const upserted = await sf.collections.upsert('Contact', 'External_Genesys_ID__c', [
    { External_Genesys_ID__c: 'gc-1', LastName: 'Again' },
    { External_Genesys_ID__c: 'gc-new', LastName: 'New' },
  ]);
  assert.deepEqual(
    upserted.map((r) => r.created),
    [false, true],
  );
});

void test('emptyRecycleBin: deleted records go for good in chunks of 200; a live one is a per-ID error; faults keep their code', async () => {
  const created = await sf.collections.create(
    'Contact',
    Array.from({ length: 201 }, (_, i) => ({ LastName: `Binned${i}` })),
  );
  const ids = created.map((r) => r.id!);
  await sf.collections.remove(ids);
  const live = await sf.create('Contact', { LastName: 'Not-Deleted' });
  await control('DELETE', '/__sandbox/requests');
  const res = await sf.emptyRecycleBin([...ids, live.id]);
  assert.equal(res.length, 202);
  assert.ok(res.slice(0, 201).every((r, i) => r.success && r.id === ids[i]));
  assert.equal(res[201]?.success, false);
  assert.equal(res[201]?.errors[0]?.statusCode, 'INVALID_ID_FIELD');
  assert.equal((await requestLog()).filter((r) => r.path.startsWith('/services/Soap/u/')).length, 2);
  // Deleting again: the records are gone for good.
  const again = await sf.collections.remove([ids[0]!]);
  assert.equal(again[0]?.errors[0]?.statusCode, 'ENTITY_IS_DELETED');
  // A SOAP fault (HTTP 500) is mapped by its fault code: the allocation spent → retryable, with a long delay.
  await control('PUT', '/__sandbox/limits', { used: 100_000 });
  try {
    const err = await sf.emptyRecycleBin([live.id]).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorRetryableError);
    assert.equal(err.code, 'REQUEST_LIMIT_EXCEEDED');
  } finally {
    await control('PUT', '/__sandbox/limits', { used: 0 });
  }
});

void test('an expired session is refreshed transparently', async () => {
  await sf.query(soql`SELECT Id FROM Account LIMIT 1`);
  await control('POST', '/__sandbox/auth/expire', { clientId: CLIENT_ID });
  await control('DELETE', '/__sandbox/requests');
  const { records } = await sf.query(soql`SELECT Id FROM Account LIMIT 1`);
  assert.equal(records.length, 1);
  const log = await requestLog();
  assert.deepEqual(
    log.map((r) => `${r.status} ${r.path.replace(/\/services\/data\/v[\d.]+/, '')}`),
    ['401 /query', '200 /services/oauth2/token', '200 /query'],
  );
});

void test('errors: MALFORMED_QUERY permanent, 503 retryable, REQUEST_LIMIT_EXCEEDED retryable with a long delay', async () => {
  await assert.rejects(
    sf.query(soql`SELECT Id FROM Contact WHERE LAST_N_MINUTES:30`),
    (e: VendorPermanentError) => {
      assert.ok(e instanceof PermanentError);
      assert.equal(e.code, 'MALFORMED_QUERY');
      assert.equal(e.status, 400);
      return true;
    },
  );
  await control('PUT', '/__sandbox/faults', {
    rules: [{ pathPrefix: '/services/data', errorRate: 1, errorStatus: 503 }],
  });
  await assert.rejects(sf.create('Contact', { LastName: 'x' }), (e: VendorRetryableError) => {
    assert.ok(e instanceof RetryableError);
    assert.equal(e.status, 503);
    return true;
  });
  await assert.rejects(sf.query(soql`SELECT Id FROM Account`), RetryableError);
  await control('DELETE', '/__sandbox/faults');

  await control('PUT', '/__sandbox/limits', { used: 100_000, dailyApiRequests: 100_000 });
  await assert.rejects(sf.query(soql`SELECT Id FROM Account`), (e: VendorRetryableError) => {
    assert.ok(e instanceof RetryableError);
    assert.equal(e.code, 'REQUEST_LIMIT_EXCEEDED');
    assert.equal(e.status, 403);
    assert.ok((e.retryAfterMs ?? 0) >= 60_000);
    return true;
  });
  await control('PUT', '/__sandbox/limits', { used: 0 });

  for (const bad of [
    () => sf.retrieve('Contact; DROP', '003000000000001'),
    () => sf.retrieve('Contact', '../../limits'),
    () => sf.update('Contact', '003000000000001AAA', null as unknown as Record<string, unknown>),
    () => sf.upsert('Contact', 'External_Genesys_ID__c', '', {}),
    () => sf.composite([]),
    () => sf.query("SELECT Id FROM Contact WHERE Name = 'x'" as never),
  ])
    await assert.rejects(bad(), (e: VendorPermanentError) => e.code === 'INVALID_INPUT');
  const text = await metrics.registry.metrics();
  assert.match(text, /patchbay_outbound_requests_total\{connector="salesforce",outcome="5xx"\}/);
});

void test('CDC: receives a Contact change with a replay ID and resumes from a stored one', async () => {
  const { id } = await sf.create('Contact', { LastName: 'Streamer' });
  type Cdc = { ChangeEventHeader: { changeType: string; recordIds: string[] }; Title?: string };
  const got: StreamingEvent<Cdc>[] = [];
  let wake: () => void = () => undefined;
  const until = async (n: number) => {
    while (got.length < n) await new Promise<void>((r) => (wake = r));
  };
  const onEvent = (e: StreamingEvent<Cdc>) => {
    got.push(e);
    wake();
  };
  const first = await sf.subscribe('/data/ContactChangeEvent', {}, onEvent);
  await sf.update('Contact', id, { Title: 'One' });
  await until(1);
  assert.equal(got[0]?.payload.ChangeEventHeader.changeType, 'UPDATE');
  assert.deepEqual(got[0]?.payload.ChangeEventHeader.recordIds, [id]);
  const stored = got[0].replayId;
  assert.equal(typeof stored, 'number');
  first.unsubscribe();

  await sf.update('Contact', id, { Title: 'Two' });
  await sf.update('Contact', id, { Title: 'Three' });
  const second = await sf.subscribe('/data/ContactChangeEvent', { replayId: stored }, onEvent);
  await until(3);
  assert.deepEqual(
    got.map((e) => e.payload.Title),
    ['One', 'Two', 'Three'],
  );

  // Session expiry: the next handshake fails, the connector re-authorizes and resumes.
  await control('POST', '/__sandbox/auth/expire', { clientId: CLIENT_ID });
  await sf.update('Contact', id, { Title: 'Four' });
  await until(4);
  assert.equal(got[3]?.payload.Title, 'Four');
  assert.equal(second.lastReplayId(), got[3]?.replayId);
  second.unsubscribe();
});
