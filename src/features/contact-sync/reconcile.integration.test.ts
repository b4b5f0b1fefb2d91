/**
 * Reconciliation on the emulators (`patchbay sync reconcile`): after a full sync both sides agree; drift
 * made behind Patchbay's back — an agent edit, a Genesys contact deleted, a duplicate and an orphan
 * carrying Salesforce IDs, a new Salesforce contact not synced yet — is listed by kind with the
 * record, the fields and both hashes, and nothing is written to either system. The next sync repairs
 * what it can see; the reconciliation then still lists what only a whole read finds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { testLogger } from '../../../test/support/logger.ts';
import { leaderMigrations } from '../../platform/leader/index.ts';
import { openStore, type Store } from '../../platform/store/index.ts';
import type { DriftRecord } from './reconcile.ts';
import { contactSyncMigrations } from './store.ts';
import {
  genesysBySf,
  makeEmailsUnique,
  openContactSync,
  startSandboxes,
  type Sandboxes,
} from './testing/world.ts';

const log = testLogger('contact-sync-reconcile');
let sb: Sandboxes;
let store: Store;
let cs: ReturnType<typeof openContactSync>;

before(async () => {
  sb = await startSandboxes({ accounts: 10, perAccount: 20, rateLimitPerMinute: 6000 });
  store = await openStore({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'pb-reconcile-')), 'db.sqlite') });
  await store.migrate([...leaderMigrations, ...contactSyncMigrations]);
  cs = openContactSync(store, sb.env, { log, options: { overlapMs: 1000 } });
  await makeEmailsUnique(cs.connectors);
});
after(async () => {
  await cs.close();
  await store.close();
  await sb.close();
});

const writesSince = (seq: number) =>
  sb.gc.requests({ sinceSeq: seq }).filter((r) => r.method !== 'GET' && !r.path.startsWith('/oauth'));
const lastSeq = () => sb.gc.requests().at(-1)?.seq ?? 0;
const kinds = (records: DriftRecord[]) =>
  records.map((r) => `${r.kind}:${r.sfId}`).sort((a, b) => a.localeCompare(b));

void test('after a full sync: every contact in sync, no drift, nothing written', async () => {
  const first = await cs.sync.run({ mode: 'full' });
  assert.equal(first.created, 200);
  const seq = lastSeq();
  const report = await cs.sync.reconcile();
  assert.equal(report.salesforce, 200);
  assert.deepEqual(report.genesys, { contacts: 200, fromSalesforce: 200 });
  assert.deepEqual(report.links, { linked: 200, creating: 0, deleted: 0 });
  assert.equal(report.inSync, 200);
  assert.equal(report.drift.total, 0);
  assert.deepEqual(report.drift.records, []);
  // One source lookup and one scan page of 200 (plus the empty page that ends the scan, if any).
  assert.ok(report.apiCalls.genesys >= 2 && report.apiCalls.genesys <= 3, JSON.stringify(report.apiCalls));
  assert.equal(report.apiCalls.salesforce, 1);
  assert.deepEqual(writesSince(seq), [], 'reconciliation writes nothing');
});

void test('drift made behind Patchbay’s back is listed by kind, record, fields and hashes; nothing is written', async () => {
  const bySf = genesysBySf(sb.gc);
  const [edited, deleted, duplicated] = [...bySf.keys()].sort();
  assert.ok(edited && deleted && duplicated);
  const gcOf = (sfId: string) => bySf.get(sfId)![0]!;
  const sourceId = (gcOf(edited).externalIds as Array<{ externalSource: { id: string } }>)[0]!.externalSource
    .id;

  // An agent's edit in Genesys (one-way sync will overwrite it), straight in the emulator.
  const agentEdited = gcOf(edited);
  sb.gc.contacts.replace(String(agentEdited.id), { ...agentEdited, title: 'Edited by an agent' }, Date.now());
  // The linked Genesys contact of another one deleted in Genesys.
  sb.gc.contacts.delete(String(gcOf(deleted).id));
  // A second Genesys contact carrying a Salesforce ID, and one carrying an ID Salesforce does not have.
  const ext = (value: string) => ({ externalIds: [{ externalSource: { id: sourceId }, value }] });
  const dup = sb.gc.contacts.create({ lastName: 'Twin', ...ext(duplicated) }, Date.now());
  const orphanSfId = '003000000000404AAA';
  const orphan = sb.gc.contacts.create({ lastName: 'Ghost', ...ext(orphanSfId) }, Date.now());
  // A Salesforce contact created after the sync.
  const created = await cs.connectors.salesforce!.create('Contact', {
    LastName: 'Newcomer',
    Email: 'newcomer@example.test',
  });

  const seq = lastSeq();
  const report = await cs.sync.reconcile();
  assert.deepEqual(writesSince(seq), [], 'reconciliation writes nothing');
  assert.equal(report.salesforce, 201);
  assert.equal(report.genesys.contacts, 201);
  assert.deepEqual(report.drift.byKind, {
    missing_in_genesys: 1,
    link_broken: 1,
    values_differ: 1,
    duplicate_in_genesys: 1,
    unlinked_in_genesys: 0,
    orphan_in_genesys: 1,
  });
  assert.equal(report.drift.total, 5);
  assert.equal(report.inSync, 200 - 3);
  assert.deepEqual(
    kinds(report.drift.records),
    kinds([
      { kind: 'missing_in_genesys', sfId: created.id, gcIds: [] },
      { kind: 'link_broken', sfId: deleted, gcIds: [] },
      { kind: 'values_differ', sfId: edited, gcIds: [] },
      { kind: 'duplicate_in_genesys', sfId: duplicated, gcIds: [] },
      { kind: 'orphan_in_genesys', sfId: orphanSfId, gcIds: [] },
    ]),
  );
  const differ = report.drift.records.find((r) => r.kind === 'values_differ')!;
  assert.deepEqual(differ.fields, ['title']);
  assert.notEqual(differ.hashes?.salesforce, differ.hashes?.genesys);
  assert.deepEqual(differ.gcIds, [String(agentEdited.id)]);
  const twin = report.drift.records.find((r) => r.kind === 'duplicate_in_genesys')!;
  assert.deepEqual([...twin.gcIds].sort(), [String(gcOf(duplicated).id), dup.id].sort());
  assert.deepEqual(report.drift.records.find((r) => r.kind === 'orphan_in_genesys')!.gcIds, [orphan.id]);

  // The list is capped; the counts are not.
  const capped = await cs.sync.reconcile({ limit: 2 });
  assert.equal(capped.drift.records.length, 2);
  assert.equal(capped.drift.total, 5);
  assert.equal(capped.drift.truncated, true);

  // An incremental run creates the newcomer; what it cannot see (a deleted linked contact, a
  // duplicate, an orphan, an edit it was not told of) is still listed.
  await cs.sync.run({ mode: 'incremental' });
  const after = await cs.sync.reconcile();
  assert.equal(after.drift.byKind.missing_in_genesys, 0);
  assert.equal(after.drift.byKind.link_broken, 1);
  assert.equal(after.drift.byKind.duplicate_in_genesys, 1);
  assert.equal(after.drift.byKind.orphan_in_genesys, 1);
});
