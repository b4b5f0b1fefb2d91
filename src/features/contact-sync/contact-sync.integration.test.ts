/**
 * Contact sync on the Salesforce and Genesys emulators through a real hub's connectors: initial
 * load, idempotent second run, edits in bulk batches, agent edit back to Salesforce without echo,
 * simultaneous edits per strategy with the audit, deletion, 429 storm + 503 window, and a run
 * killed mid-way (journaled creates) finished without duplicates.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { soql } from '../../connectors/salesforce/soql.ts';
import { fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { defaultSyncOptions } from './engine.ts';
import { defaultMapping } from './mapping.ts';
import type { Strategy } from './merge.ts';
import { createContactSync } from './service.ts';

const N = 600; // 30 accounts × 20 contacts; the 10,000 run is in bench/contact-sync.ts
let sf: SalesforceSandbox;
let gc: GenesysSandbox;
let t: TestHub;

before(async () => {
  sf = await startSalesforceSandbox({
    seed: { accounts: 30, contactsPerAccount: 20 },
    clients: [{ clientId: 'pb-cs-sf', clientSecret: fixtureSecrets[2] }],
  });
  gc = await startGenesysSandbox({ faultRetryAfterSeconds: 1 });
  gc.seed({ externalContacts: 0 });
  gc.setRateLimit(3000);
  gc.addOAuthClient({ clientId: 'pb-cs-gc', clientSecret: fixtureSecrets[2] });
  t = await startTestHub({
    workers: false,
    env: {
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: 'pb-cs-sf',
      SALESFORCE_CLIENT_SECRET: fixtureSecrets[2],
      SALESFORCE_API_VERSION: '65.0',
      GENESYS_API_URL: gc.url,
      GENESYS_CLIENT_ID: 'pb-cs-gc',
      GENESYS_CLIENT_SECRET: fixtureSecrets[2],
      GENESYS_RATE_LIMIT_PER_MINUTE: '3000',
    },
  });
});

after(async () => {
  await t.stop();
  await Promise.all([sf.close(), gc.close()]);
});

function sync(strategy: Strategy = 'field-priority') {
  return createContactSync({
    store: t.hub.store,
    log: t.hub.log,
    clock: { now: () => Date.now() },
    salesforce: t.hub.connectors.salesforce,
    genesys: t.hub.connectors.genesys,
    options: { ...defaultSyncOptions, mapping: defaultMapping, strategy, overlapMs: 2_000 },
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 1_500))),
  });
}

const writes = (since: number) =>
  gc
    .requests({ sinceSeq: since })
    .filter((r) => r.method !== 'GET' && r.path.startsWith('/api/v2/externalcontacts'));
const lastSeq = () => gc.requests().at(-1)?.seq ?? 0;
const sfIds = async () =>
  (await t.hub.connectors.salesforce!.query<{ Id: string }>(soql`SELECT Id FROM Contact`)).records
    .map((r) => r.Id)
    .sort();

function genesysBySf(): Map<string, Array<Record<string, unknown>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  for (const c of gc.contacts.search('')) {
    for (const x of (c.externalIds as Array<{ value: string }> | undefined) ?? []) {
      const list = out.get(x.value) ?? [];
      list.push(c);
      out.set(x.value, list);
    }
  }
  return out;
}

void test('initial sync links every contact once; a second run sends no write', async () => {
  const s = sync();
  const first = await s.run({ mode: 'incremental' });
  // The seed holds a few contacts sharing an e-mail: parked as ambiguous, never created twice.
  const issues = await t.hub.store.db.selectFrom('contact_sync_issues').select(['sf_id', 'kind']).execute();
  const parked = new Set(issues.filter((i) => i.kind === 'ambiguous').map((i) => i.sf_id));
  assert.equal(first.parked, parked.size);
  assert.equal(first.created + first.parked, N);
  const by = genesysBySf();
  assert.equal(by.size, N - parked.size);
  assert.ok([...by.values()].every((l) => l.length === 1));
  assert.deepEqual(
    [...by.keys()].sort(),
    (await sfIds()).filter((id) => !parked.has(id)),
  );
  const adds = gc.requests().filter((r) => r.path.endsWith('/bulk/contacts/add'));
  assert.equal(adds.length, Math.ceil(N / 100));
  const seq = lastSeq();
  const second = await s.run({ mode: 'incremental' });
  assert.equal(second.created + second.updated, 0);
  assert.equal(writes(seq).length, 0);
  const full = await s.run({ mode: 'full' });
  assert.equal(full.created + full.updated + full.deleted, 0);
});

void test('edits: only the edited contacts are sent, in bulk batches', async () => {
  const linked = new Set(genesysBySf().keys());
  const ids = (await sfIds()).filter((id) => linked.has(id)).slice(0, 150);
  await t.hub.connectors.salesforce!.collections.update(
    'Contact',
    ids.map((Id, i) => ({ Id, Title: `Edited ${i}` })),
  );
  const seq = lastSeq();
  const r = await sync().run({ mode: 'incremental' });
  assert.equal(r.updated, 150);
  const w = writes(seq);
  assert.deepEqual(
    w.map((x) => x.path.replace(/.*externalcontacts/, '')),
    ['/bulk/contacts/update', '/bulk/contacts/update'],
  );
  const by = genesysBySf();
  assert.equal(by.get(ids[0]!)?.[0]?.title, 'Edited 0');
});

void test('an agent edit in Genesys reaches Salesforce and does not come back', async () => {
  const s = sync();
  await s.run({ mode: 'incremental', direction: 'both' }); // establishes the Genesys watermark
  const id = [...genesysBySf().keys()].sort()[200]!;
  const g = genesysBySf().get(id)![0]!;
  await t.hub.connectors.genesys!.externalContacts.patch(String(g.id), [
    { field: '$.title', value: 'Agent title', action: 'Update' },
  ] as never);
  const r = await s.run({ mode: 'incremental', direction: 'both' });
  assert.equal(r.updatedInSalesforce, 1);
  const rec = await t.hub.connectors.salesforce!.retrieve<{ Title: string }>('Contact', id, ['Title']);
  assert.equal(rec.Title, 'Agent title');
  const seq = lastSeq();
  const again = await s.run({ mode: 'incremental', direction: 'both' });
  assert.equal(again.updated + again.updatedInSalesforce + again.conflicts, 0);
  assert.equal(writes(seq).length, 0);
});

void test('simultaneous edits of one field resolve per strategy and are audited; manual parks and resolves', async () => {
  const ids = [...genesysBySf().keys()].sort();
  const cases: Array<[Strategy, string, string]> = [
    ['field-priority', ids[300]!, 'firstName'],
    ['manual', ids[301]!, 'title'],
  ];
  for (const [strategy, id, field] of cases) {
    const s = sync(strategy);
    await s.run({ mode: 'incremental', direction: 'both' });
    const g = genesysBySf().get(id)![0]!;
    const sfField = field === 'firstName' ? 'FirstName' : 'Title';
    await t.hub.connectors.genesys!.externalContacts.patch(String(g.id), [
      { field: `$.${field}`, value: 'FromGenesys', action: 'Update' },
    ] as never);
    await t.hub.connectors.salesforce!.update('Contact', id, { [sfField]: 'FromSalesforce' });
    const r = await s.run({ mode: 'incremental', direction: 'both' });
    assert.equal(r.conflicts, 1, strategy);
    const audit = (await s.listConflicts()).filter((c) => c.sfId === id);
    assert.equal(audit.length, 1);
    assert.deepEqual([audit[0]!.salesforce, audit[0]!.genesys], ['FromSalesforce', 'FromGenesys']);
    if (strategy === 'field-priority') {
      // FirstName: Salesforce is master (the seed's table).
      assert.equal(audit[0]!.winner, 'salesforce');
      assert.equal(genesysBySf().get(id)![0]!.firstName, 'FromSalesforce');
    } else {
      assert.equal(audit[0]!.status, 'open');
      assert.equal(genesysBySf().get(id)![0]!.title, 'FromGenesys'); // nothing overwritten
      await s.resolveConflict(audit[0]!.id, { side: 'genesys' }, 'test');
      const rec = await t.hub.connectors.salesforce!.retrieve<{ Title: string }>('Contact', id, ['Title']);
      assert.equal(rec.Title, 'FromGenesys');
      const after = await s.run({ mode: 'incremental', direction: 'both' });
      assert.equal(after.conflicts, 0);
    }
  }
});

void test('a contact deleted in Salesforce disappears in Genesys', async () => {
  const id = [...genesysBySf().keys()].sort()[400]!;
  await t.hub.connectors.salesforce!.remove('Contact', id);
  const r = await sync().run({ mode: 'incremental' });
  assert.equal(r.deleted, 1);
  assert.equal(genesysBySf().has(id), false);
});

void test('429 storm and 503 window: no lost or duplicated contact, the limit never exceeded; a killed run is finished without duplicates', async () => {
  // New contacts to create under faults.
  const accountId = (
    await t.hub.connectors.salesforce!.query<{ Id: string }>(soql`SELECT Id FROM Account LIMIT 1`)
  ).records[0]!.Id;
  await t.hub.connectors.salesforce!.collections.create(
    'Contact',
    Array.from({ length: 250 }, (_, i) => ({
      LastName: `Storm${i}`,
      AccountId: accountId,
      Email: `storm${i}@example.test`,
    })),
  );
  const put = (rules: unknown[]) =>
    fetch(`${gc.url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules }),
    });
  await put([
    { pathPrefix: '/api/v2/externalcontacts/bulk', errorRate: 0.5, errorStatus: 429 },
    { pathPrefix: '/api/v2/externalcontacts/bulk', outage: { from: Date.now(), to: Date.now() + 2_000 } },
  ]);
  // A run that exhausts its attempts under the random 429s fails as its job would; like the
  // job's retry, the next run resumes. What counts is the end state, checked below and here.
  let runs = 0;
  for (;;) {
    runs++;
    try {
      await sync().run({ mode: 'incremental' });
      break;
    } catch (err) {
      if (runs >= 3) throw err;
    }
  }
  await put([]);
  const storm = new Set(
    (
      await t.hub.connectors.salesforce!.query<{ Id: string }>(
        soql`SELECT Id FROM Contact WHERE LastName LIKE 'Storm%'`,
      )
    ).records.map((c) => c.Id),
  );
  assert.equal(storm.size, 250);
  const linked = genesysBySf();
  assert.ok(
    [...storm].every((id) => linked.get(id)?.length === 1),
    'every storm contact is in Genesys exactly once',
  );
  // A killed run: journal rows left in `creating` whose bulk add did reach Genesys.
  const extra = await t.hub.connectors.salesforce!.collections.create('Contact', [
    { LastName: 'Killed', AccountId: accountId, Email: 'killed@example.test' },
  ]);
  const killedId = extra[0]!.id!;
  const source = (
    await t.hub.store.db
      .selectFrom('contact_sync_state')
      .select('value')
      .where('name', '=', 'gc.externalSourceId')
      .executeTakeFirstOrThrow()
  ).value;
  await t.hub.connectors.genesys!.externalContacts.create({
    lastName: 'Killed',
    workEmail: 'killed@example.test',
    externalIds: [{ externalSource: { id: source }, value: killedId }],
  } as never);
  await t.hub.store.db
    .insertInto('contact_sync_links')
    .values({
      sf_id: killedId,
      gc_id: null,
      state: 'creating',
      base: null,
      base_hash: null,
      sf_hash: null,
      sf_modstamp: 0,
      gc_modify: null,
      gc_entity: null,
      updated_at: Date.now(),
    })
    .execute();
  const next = await sync().run({ mode: 'incremental' });
  assert.equal(next.created, 0);
  const by = genesysBySf();
  const parked = new Set(
    (
      await t.hub.store.db
        .selectFrom('contact_sync_issues')
        .select('sf_id')
        .where('kind', '=', 'ambiguous')
        .execute()
    ).map((i) => i.sf_id),
  );
  const live = (await sfIds()).filter((id) => !parked.has(id));
  assert.ok(
    [...by.values()].every((l) => l.length === 1),
    'no duplicates',
  );
  assert.deepEqual([...by.keys()].sort(), live);
  for (const u of gc.usageByClient().filter((x) => x.clientId === 'pb-cs-gc'))
    assert.ok(u.maxPerMinute <= 3000);
});
