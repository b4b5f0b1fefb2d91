/** The Genesys connector against the Genesys Cloud emulator over real HTTP (official SDK). */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import platformClient from 'purecloud-platform-client-v2';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import { fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { testEachDialect } from '../../../test/support/databases.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { PermanentError, RetryableError } from '../../platform/jobs/index.ts';
import { createMetrics } from '../../platform/metrics/registry.ts';
import { openStore, type Store } from '../../platform/store/index.ts';
import type { VendorPermanentError, VendorRetryableError } from '../errors.ts';
import { createGenesysConnector, type GenesysConnector } from './client.ts';

const CLIENT_ID = 'pb-test-genesys-connector';
const SECRET = fixtureSecrets[1];
let gc: GenesysSandbox;
let store: Store;
let conn: GenesysConnector;
const log = testLogger('gc-connector');

before(async () => {
  gc = await startGenesysSandbox({ rateLimitPerMinute: 5000 });
  gc.addOAuthClient({ clientId: CLIENT_ID, clientSecret: SECRET });
  store = await openStore({
    databaseUrl: undefined,
    sqlitePath: join(mkdtempSync(join(tmpdir(), 'pb-gc-')), 'db.sqlite'),
  });
  await store.migrate([]);
  conn = createGenesysConnector({
    apiUrl: gc.url,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
    rateLimitPerMinute: 5000,
  });
});
after(async () => {
  await conn.close();
  await store.close();
  await gc.close();
});
beforeEach(async () => {
  await fetch(`${gc.url}/__sandbox/faults`, { method: 'DELETE' });
});

async function firstUserId(): Promise<string> {
  const users = await conn.call('getUsers', () => conn.api(platformClient.UsersApi).getUsers());
  const id = users.entities?.[0]?.id;
  assert.ok(id);
  return id;
}

void test('logs in, reads a user once (the second read is cached), re-logs in after token expiry', async () => {
  const id = await firstUserId();
  const before = gc.requests({ pathPrefix: `/api/v2/users/${id}` }).length;
  const a = await conn.getUser(id);
  const b = await conn.getUser(id);
  assert.equal(a.id, id);
  assert.deepEqual(b, a);
  assert.equal(
    gc.requests({ pathPrefix: `/api/v2/users/${id}` }).length - before,
    1,
    'one request for two reads',
  );

  const codes = await conn.call('getWrapupcodes', () =>
    conn.api(platformClient.RoutingApi).getRoutingWrapupcodes(),
  );
  const codeId = codes.entities?.[0]?.id;
  assert.ok(codeId);
  const seq = gc.requests().at(-1)?.seq ?? 0;
  assert.ok(gc.expireTokens(CLIENT_ID) >= 1);
  const code = await conn.getWrapupCode(codeId);
  assert.equal(code.id, codeId);
  assert.deepEqual(
    gc.requests({ sinceSeq: seq }).map((r) => `${r.status} ${r.method} ${r.path.split('?')[0]}`),
    [
      `401 GET /api/v2/routing/wrapupcodes/${codeId}`,
      '200 POST /oauth/token',
      `200 GET /api/v2/routing/wrapupcodes/${codeId}`,
    ],
  );
});

void test('a 429 storm becomes RetryableError with retryAfterMs from Retry-After', async () => {
  await fetch(`${gc.url}/__sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules: [{ pathPrefix: '/api/v2/', errorRate: 1, errorStatus: 429 }] }),
  });
  await assert.rejects(
    conn.getConversation('c0ffee00-0000-4000-8000-000000000001'),
    (e: VendorRetryableError) => {
      assert.ok(e instanceof RetryableError);
      assert.equal(e.status, 429);
      assert.equal(e.code, 'too.many.requests.retry.after');
      assert.equal(e.retryAfterMs, 5000);
      assert.ok(e.correlationId);
      return true;
    },
  );
});

void test('errors and bad input: 404 permanent, invalid IDs never become requests', async () => {
  await assert.rejects(conn.getUser('00000000-0000-4000-8000-00000000dead'), (e: VendorPermanentError) => {
    assert.ok(e instanceof PermanentError);
    assert.equal(e.status, 404);
    return true;
  });
  const seq = gc.requests().at(-1)?.seq ?? 0;
  for (const bad of [
    () => conn.getUser(''),
    () => conn.getUser('../../oauth/token'),
    () => conn.externalContacts.get(null as unknown as string),
    () => conn.externalContacts.patch('x', []),
    () => conn.subscribe('ch', ['']),
    () => conn.patchParticipantAttributes('c', 'p', { n: 1 as unknown as string }),
    () => conn.bulkPresence(['a/b']),
  ])
    await assert.rejects(
      bad(),
      (e: VendorPermanentError) => e instanceof PermanentError && e.code === 'INVALID_INPUT',
    );
  assert.equal(gc.requests({ sinceSeq: seq }).length, 0);
});

void test('external contacts: create, patch, bulk add with a per-record failure, lookup, remove', async () => {
  const created = await conn.externalContacts.create({
    firstName: 'Ada',
    lastName: 'Connector',
    workEmail: 'ada.connector@example.test',
    workPhone: { display: '+1 317 555 0100' },
  });
  assert.ok(created.id);
  const patched = await conn.externalContacts.patch(created.id, [
    { field: '$.title', value: 'Engineer', action: 'Update' },
  ] as never);
  assert.equal(patched.title, 'Engineer');
  const found = await conn.externalContacts.reverseLookup('ada.connector@example.test');
  assert.deepEqual(
    found.map((c) => c.id),
    [created.id],
  );

  const results = await conn.externalContacts.bulkAdd([
    { firstName: 'Bulk', lastName: 'One' },
    { firstName: 'Bulk', lastName: 'Two', workEmail: `${'x'.repeat(300)}@example.test` },
    { firstName: 'Bulk', lastName: 'Three' },
  ]);
  assert.deepEqual(
    results.map((r) => r.ok),
    [true, false, true],
  );
  const failed = results[1]!;
  assert.ok(!failed.ok);
  assert.ok(failed.error instanceof PermanentError);
  assert.equal(failed.error.status, 400);
  const removed = await conn.externalContacts.bulkRemove(results.filter((r) => r.ok).map((r) => r.id!));
  assert.ok(removed.every((r) => r.ok));
  await conn.externalContacts.remove(created.id);
  await assert.rejects(conn.externalContacts.get(created.id), PermanentError);
});

void test('notification channel created and subscribed; presence in bulk; GDPR request status', async () => {
  const id = await firstUserId();
  const channel = await conn.createNotificationChannel();
  assert.ok(channel.id && channel.connectUri?.startsWith('ws://'));
  const topics = await conn.subscribe(channel.id, [`v2.users.${id}.presence`]);
  assert.deepEqual(
    topics.map((t) => t.id),
    [`v2.users.${id}.presence`],
  );
  const presences = await conn.bulkPresence([id]);
  assert.equal(presences.length, 1);
  const req = await conn.gdprRequest({
    requestType: 'GDPR_EXPORT',
    subject: { emailAddresses: ['nobody@example.test'] },
  } as platformClient.Models.GDPRRequest);
  assert.ok(req.id);
  assert.equal((await conn.gdprStatus(req.id)).id, req.id);
});

testEachDialect(
  'the database token bucket keeps two connectors together under the limit',
  async (_t, db) => {
    const limit = 10; // per minute: burst 1, then one every ~6.7 s
    // PostgreSQL: a second store, as another replica would have. SQLite: one process holds one
    // store (two synchronous connections in one event loop would block each other's lock).
    const other = db.dialect === 'postgres' ? await db.openStore() : db.store;
    const make = (s: Store) =>
      createGenesysConnector({
        apiUrl: gc.url,
        clientId: CLIENT_ID,
        clientSecret: SECRET,
        store: s,
        log,
        rateLimitPerMinute: limit,
      });
    const a = make(db.store);
    const b = make(other);
    const seq = gc.requests().at(-1)?.seq ?? 0;
    const calls = [a, b].flatMap((c) =>
      Array.from({ length: 6 }, () =>
        c
          .call('getUsers', () => c.api(platformClient.UsersApi).getUsers())
          .then(
            () => ({ status: 'fulfilled' as const }),
            () => ({ status: 'rejected' as const }),
          ),
      ),
    );
    // Without the bucket all 12 calls (> limit) would reach the emulator at once.
    await new Promise((r) => setTimeout(r, 1500));
    await Promise.all([a.close(), b.close()]);
    const outcomes = await Promise.all(calls);
    const sent = gc.requests({ sinceSeq: seq }).filter((r) => r.path.startsWith('/api/v2/')).length;
    const done = outcomes.filter((o) => o.status === 'fulfilled').length;
    assert.ok(sent <= limit, `${sent} API requests within one minute, limit ${limit}`);
    assert.equal(sent, done);
    assert.ok(
      outcomes.some((o) => o.status === 'rejected'),
      'some calls were still waiting for tokens',
    );
    if (other !== db.store) await other.close();
  },
  { timeout: 20_000 },
);

testEachDialect(
  'priority calls spend the reserve that bulk calls leave, so they do not queue behind them',
  async (_t, db) => {
    const limit = 100; // per minute: capacity 10 (2 reserved), then 1.5 per second
    const other = db.dialect === 'postgres' ? await db.openStore() : db.store;
    const make = (s: Store) =>
      createGenesysConnector({
        apiUrl: gc.url,
        clientId: `${CLIENT_ID}-priority`,
        clientSecret: SECRET,
        store: s,
        log,
        rateLimitPerMinute: limit,
      });
    gc.addOAuthClient({ clientId: `${CLIENT_ID}-priority`, clientSecret: SECRET });
    const bulk = make(db.store);
    const feed = make(other);
    await bulk.login();
    await feed.login();
    let bulkDone = 0;
    const bulkCalls = Array.from({ length: 14 }, () =>
      bulk
        .call('getUsers', () => bulk.api(platformClient.UsersApi).getUsers())
        .then(
          () => void bulkDone++,
          () => undefined,
        ),
    );
    // The 6 unreserved tokens go to bulk calls; the other 8 wait for refills.
    while (bulkDone < 6) await new Promise((r) => setTimeout(r, 10));
    const users = await feed.priority.call('getUsers', () =>
      feed.priority.api(platformClient.UsersApi).getUsers(),
    );
    await feed.priority.bulkPresence([users.entities?.[0]?.id ?? 'x']);
    assert.ok(bulkDone < 14, `priority calls went first (${bulkDone} of 14 bulk calls done)`);
    await Promise.all([bulk.close(), feed.close()]);
    await Promise.all(bulkCalls);
    if (other !== db.store) await other.close();
  },
  { timeout: 20_000 },
);
