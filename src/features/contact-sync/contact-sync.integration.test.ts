/**
 * Contact sync on the Salesforce and Genesys emulators through a real hub's connectors: initial
 * load, idempotent second run, edits in bulk batches, agent edit back to Salesforce without echo,
 * simultaneous edits per strategy with the audit, deletion, 429 storm + 503 window, a run
 * killed mid-way (journaled creates) finished without duplicates, and contacts sharing an e-mail
 * parked as ambiguous.
 *
 * Size: 600 contacts / 150 edits in `npm test`; the issue's 10,000 / 1,000 with
 * `npm run test:contact-sync-full` (CONTACT_SYNC_FULL=1). The seed's duplicate e-mails are made
 * unique first, so every contact must end up linked (the last test parks a shared e-mail on purpose).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { soql } from '../../connectors/salesforce/soql.ts';
import { fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { defaultSyncOptions } from './engine.ts';
import { genesysBySf as bySf, makeEmailsUnique, salesforceContacts } from './testing/world.ts';
import { defaultMapping } from './mapping.ts';
import type { Strategy } from './merge.ts';
import { createContactSync } from './service.ts';

const FULL = process.env.CONTACT_SYNC_FULL === '1';
const ACCOUNTS = FULL ? 500 : 30;
const N = ACCOUNTS * 20;
const EDITS = FULL ? 1000 : 150;
let sf: SalesforceSandbox;
let gc: GenesysSandbox;
let t: TestHub;

before(async () => {
  sf = await startSalesforceSandbox({
    seed: { accounts: ACCOUNTS, contactsPerAccount: 20 },
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
  await makeEmailsUnique(t.hub.connectors);
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
const sfIds = async () => (await salesforceContacts(t.hub.connectors)).map((r) => r.Id).sort();
const genesysBySf = () => bySf(gc);

const externalSourceId = async () =>
  (
    await t.hub.store.db
      .selectFrom('contact_sync_state')
      .select('value')
      .where('name', '=', 'gc.externalSourceId')
      .executeTakeFirstOrThrow()
  ).value;

/** What a run killed during its bulk add leaves: the record's journal row, still `creating`. */
async function journalCreate(sfId: string): Promise<void> {
  await t.hub.store.db
    .insertInto('contact_sync_links')
    .values({
      sf_id: sfId,
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
}

void test('initial sync: Genesys holds every contact once, linked; a second run sends no write', async () => {
  const s = sync();
  const first = await s.run({ mode: 'incremental' });
  assert.equal(first.created, N);
  assert.equal(first.parked + first.skipped + first.failed, 0);
  const by = genesysBySf();
  assert.equal(gc.contacts.search('').length, N);
  assert.ok([...by.values()].every((l) => l.length === 1));
  assert.deepEqual([...by.keys()].sort(), await sfIds());
  const linked = await t.hub.store.db
    .selectFrom('contact_sync_links')
    .select(['sf_id', 'gc_id'])
    .where('state', '=', 'linked')
    .execute();
  assert.equal(linked.length, N);
  assert.ok(linked.every((l) => String(by.get(l.sf_id)?.[0]?.id) === l.gc_id));
  const adds = gc.requests().filter((r) => r.path.endsWith('/bulk/contacts/add'));
  assert.equal(adds.length, Math.ceil(N / 100));
  const seq = lastSeq();
  const second = await s.run({ mode: 'incremental' });
  assert.equal(second.created + second.updated, 0);
  assert.equal(writes(seq).length, 0);
  const full = await s.run({ mode: 'full' });
  assert.equal(full.created + full.updated + full.deleted, 0);
  assert.equal(writes(seq).length, 0);
});

void test(`edits: only the ${EDITS} edited contacts are sent, in bulk batches`, async () => {
  const all = await sfIds();
  const ids = all.filter((_, i) => i % Math.floor(N / EDITS) === 0).slice(0, EDITS);
  assert.equal(ids.length, EDITS);
  await t.hub.connectors.salesforce!.collections.update(
    'Contact',
    ids.map((Id) => ({ Id, Title: `Edited ${Id}` })),
  );
  const modified = () => new Map([...genesysBySf()].map(([id, l]) => [id, String(l[0]?.modifyDate)]));
  const before = modified();
  const seq = lastSeq();
  const r = await sync().run({ mode: 'incremental' });
  assert.equal(r.updated, EDITS);
  assert.equal(r.created, 0); // (records re-read in the overlap window count as unchanged)
  const w = writes(seq);
  assert.deepEqual(
    w.map((x) => x.path.replace(/.*externalcontacts/, '')),
    Array.from({ length: Math.ceil(EDITS / 100) }, () => '/bulk/contacts/update'),
  );
  // Exactly the edited contacts changed in Genesys, each to its new title.
  const after = modified();
  assert.deepEqual(
    all.filter((id) => before.get(id) !== after.get(id)),
    ids,
  );
  const by = genesysBySf();
  assert.ok(ids.every((id) => by.get(id)?.[0]?.title === `Edited ${id}`));
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

void test('two conflicts of one contact resolved at once: each choice lands in both systems and the base', async () => {
  const id = [...genesysBySf().keys()].sort()[302]!;
  const s = sync('manual');
  await s.run({ mode: 'incremental', direction: 'both' });
  const g = genesysBySf().get(id)![0]!;
  await t.hub.connectors.genesys!.externalContacts.patch(String(g.id), [
    { field: '$.title', value: 'TitleFromGenesys', action: 'Update' },
    { field: '$.firstName', value: 'FirstFromGenesys', action: 'Update' },
  ] as never);
  await t.hub.connectors.salesforce!.update('Contact', id, {
    Title: 'TitleFromSalesforce',
    FirstName: 'FirstFromSalesforce',
  });
  assert.equal((await s.run({ mode: 'incremental', direction: 'both' })).conflicts, 2);
  const open = (await s.listConflicts({ status: 'open' })).filter((c) => c.sfId === id);
  const idOf = (field: string) => open.find((c) => c.field === field)!.id;
  // As an admin page resolving both rows would: at the same moment.
  await Promise.all([
    s.resolveConflict(idOf('title'), { side: 'genesys' }, 'test'),
    s.resolveConflict(idOf('firstName'), { side: 'salesforce' }, 'test'),
  ]);
  const rec = await t.hub.connectors.salesforce!.retrieve<{ Title: string; FirstName: string }>(
    'Contact',
    id,
    ['Title', 'FirstName'],
  );
  assert.deepEqual([rec.Title, rec.FirstName], ['TitleFromGenesys', 'FirstFromSalesforce']);
  const now = genesysBySf().get(id)![0]!;
  assert.deepEqual([now.title, now.firstName], ['TitleFromGenesys', 'FirstFromSalesforce']);
  assert.deepEqual(
    (await s.listConflicts()).filter((c) => c.sfId === id && c.status === 'open'),
    [],
  );
  // Both resolutions are in the base: the next run finds nothing to reconcile.
  const after = await s.run({ mode: 'incremental', direction: 'both' });
  assert.equal(after.conflicts + after.updated + after.updatedInSalesforce, 0);
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
  const source = await externalSourceId();
  await t.hub.connectors.genesys!.externalContacts.create({
    lastName: 'Killed',
    workEmail: 'killed@example.test',
    externalIds: [{ externalSource: { id: source }, value: killedId }],
  } as never);
  await journalCreate(killedId);
  const next = await sync().run({ mode: 'incremental' });
  assert.equal(next.created, 0);
  const by = genesysBySf();
  assert.ok(
    [...by.values()].every((l) => l.length === 1),
    'no duplicates',
  );
  assert.deepEqual([...by.keys()].sort(), await sfIds());
  for (const u of gc.usageByClient().filter((x) => x.clientId === 'pb-cs-gc'))
    assert.ok(u.maxPerMinute <= 3000);
});

void test('a killed run’s creates are found behind a shared number and a common name, not made twice', async () => {
  const sfc = t.hub.connectors.salesforce!;
  const gcc = t.hub.connectors.genesys!;
  const accountId = (await sfc.query<{ Id: string }>(soql`SELECT Id FROM Account LIMIT 1`)).records[0]!.Id;
  const shared = '+12025550147';
  // Genesys-only contacts: 30 on the same number (a lookup returns 25) and 130 namesakes (a search
  // page holds at most 100; the old check read one page of 25).
  const others = [
    ...Array.from({ length: 30 }, (_, i) => ({
      lastName: `Switchboard${i}`,
      workPhone: { display: shared },
    })),
    ...Array.from({ length: 130 }, () => ({ firstName: 'Namesake', lastName: 'Common' })),
  ];
  for (let i = 0; i < others.length; i += 100) await gcc.externalContacts.bulkAdd(others.slice(i, i + 100));
  const made = await sfc.collections.create('Contact', [
    { LastName: 'Frontdesk', AccountId: accountId, Phone: shared },
    { FirstName: 'Namesake', LastName: 'Common', AccountId: accountId },
    { FirstName: 'Namesake', LastName: 'Common', AccountId: accountId, Title: 'never sent' },
  ]);
  const [byPhone, byName, neverSent] = made.map((m) => m.id!) as [string, string, string];
  const source = await externalSourceId();
  // The first two creates reached Genesys before the kill; the third was journaled, never sent.
  await gcc.externalContacts.bulkAdd([
    {
      lastName: 'Frontdesk',
      workPhone: { display: shared },
      externalIds: [{ externalSource: { id: source }, value: byPhone }],
    },
    {
      firstName: 'Namesake',
      lastName: 'Common',
      externalIds: [{ externalSource: { id: source }, value: byName }],
    },
  ] as never);
  for (const id of made.map((m) => m.id!)) await journalCreate(id);

  const r = await sync().run({ mode: 'incremental' });
  assert.equal(r.parked + r.failed + r.skipped, 0);
  assert.equal(r.created, 1, 'only the create that never reached Genesys is made');
  const by = genesysBySf();
  for (const id of [byPhone, byName, neverSent]) assert.equal(by.get(id)?.length, 1, `${id} in Genesys once`);
  const links = await t.hub.store.db
    .selectFrom('contact_sync_links')
    .select(['sf_id', 'gc_id', 'state'])
    .where('sf_id', 'in', [byPhone, byName, neverSent])
    .execute();
  assert.equal(links.length, 3);
  assert.ok(links.every((l) => l.state === 'linked' && String(by.get(l.sf_id)?.[0]?.id) === l.gc_id));
});

void test('two Salesforce contacts sharing an e-mail are parked as ambiguous, never created', async () => {
  const accountId = (
    await t.hub.connectors.salesforce!.query<{ Id: string }>(soql`SELECT Id FROM Account LIMIT 1`)
  ).records[0]!.Id;
  const made = await t.hub.connectors.salesforce!.collections.create('Contact', [
    { LastName: 'Twin A', AccountId: accountId, Email: 'twin@example.test' },
    { LastName: 'Twin B', AccountId: accountId, Email: 'Twin@Example.test' },
  ]);
  const twins = made.map((m) => m.id!);
  const r = await sync().run({ mode: 'incremental' });
  assert.equal(r.parked, 2);
  assert.equal(r.created, 0);
  const issues = await t.hub.store.db
    .selectFrom('contact_sync_issues')
    .select(['sf_id', 'kind'])
    .where('sf_id', 'in', twins)
    .execute();
  assert.deepEqual(issues.map((i) => i.kind).sort(), ['ambiguous', 'ambiguous']);
  const by = genesysBySf();
  assert.ok(twins.every((id) => !by.has(id)));
});
