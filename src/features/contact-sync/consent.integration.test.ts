/**
 * Issue 10, "withdrawn consent stops the sync of that contact": a hub wired as in production
 * (`src/app.ts` passes privacy's `hasConsent(subject, 'sync')` into the contact sync), the Salesforce
 * and Genesys emulators, runs started through `POST /v1/sync/runs` on the job workers. Consent is
 * withdrawn through the privacy API; that contact's next change is not written to Genesys, the
 * others are.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { soql } from '../../connectors/salesforce/soql.ts';
import { fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import type { RunSummary } from './engine.ts';

let sf: SalesforceSandbox;
let gc: GenesysSandbox;
let t: TestHub;

before(async () => {
  sf = await startSalesforceSandbox({
    seed: { accounts: 2, contactsPerAccount: 5 },
    clients: [{ clientId: 'pb-cs-consent-sf', clientSecret: fixtureSecrets[2] }],
  });
  gc = await startGenesysSandbox({ faultRetryAfterSeconds: 1 });
  gc.seed({ externalContacts: 0 });
  gc.setRateLimit(3000);
  gc.addOAuthClient({ clientId: 'pb-cs-consent-gc', clientSecret: fixtureSecrets[2] });
  t = await startTestHub({
    env: {
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: 'pb-cs-consent-sf',
      SALESFORCE_CLIENT_SECRET: fixtureSecrets[2],
      SALESFORCE_API_VERSION: '65.0',
      GENESYS_API_URL: gc.url,
      GENESYS_CLIENT_ID: 'pb-cs-consent-gc',
      GENESYS_CLIENT_SECRET: fixtureSecrets[2],
      GENESYS_RATE_LIMIT_PER_MINUTE: '3000',
      // Runs only when the test asks for one.
      CONTACT_SYNC_ENABLED: 'false',
    },
  });
});

after(async () => {
  await t.stop();
  await Promise.all([sf.close(), gc.close()]);
});

async function api<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${t.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

type RunView = { id: string; status: string; summary: RunSummary | null; error: string | null };

/** Starts a run as a job (the hub's wiring, consent check included) and waits for it to finish. */
async function runSync(): Promise<RunSummary> {
  const before = (await api<{ runs: RunView[] }>('/v1/sync/runs')).runs.length;
  await api('/v1/sync/runs', 'POST', {});
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { runs } = await api<{ runs: RunView[] }>('/v1/sync/runs');
    const run = runs[0];
    if (runs.length > before && run && run.status !== 'running') {
      assert.equal(run.status, 'completed', `run failed: ${run.error}`);
      return run.summary as RunSummary;
    }
    assert.ok(Date.now() < deadline, 'the sync run did not finish within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Genesys external contacts by the Salesforce ID in their `externalIds`. */
function genesysBySf(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const c of gc.contacts.search(''))
    for (const x of (c.externalIds as Array<{ value: string }> | undefined) ?? []) out.set(x.value, c);
  return out;
}

const issuesOf = (kind: string) =>
  t.hub.store.db
    .selectFrom('contact_sync_issues')
    .select(['sf_id', 'run_id'])
    .where('kind', '=', kind)
    .execute();

void test('withdrawn consent: the contact is no longer created or updated in Genesys; the others still sync', async () => {
  const sfApi = t.hub.connectors.salesforce!;
  const first = await runSync();
  assert.ok(first.created > 0, 'the initial run creates the seeded contacts');
  const linked = genesysBySf();
  const ids = (await sfApi.query<{ Id: string }>(soql`SELECT Id FROM Contact ORDER BY Id`)).records
    .map((r) => r.Id)
    .filter((id) => linked.has(id));
  assert.ok(ids.length >= 2, 'at least two seeded contacts were synced');
  const [withdrawnId, otherId] = ids as [string, string];
  const accountId = (await sfApi.query<{ Id: string }>(soql`SELECT Id FROM Account LIMIT 1`)).records[0]!.Id;

  // Two new contacts; consent is withdrawn for one of them and for one already-synced contact.
  const created = await sfApi.collections.create('Contact', [
    { LastName: 'Withdrawn-New', AccountId: accountId, Email: 'withdrawn.new@example.test' },
    { LastName: 'Consenting-New', AccountId: accountId, Email: 'consenting.new@example.test' },
  ]);
  const newWithdrawnId = created[0]!.id!;
  const newOtherId = created[1]!.id!;
  await api('/v1/privacy/consents/withdraw', 'POST', { contactId: withdrawnId });
  await api('/v1/privacy/consents/withdraw', 'POST', { email: 'withdrawn.new@example.test' });
  const check = await api<{ purpose: string; allowed: boolean }>(
    `/v1/privacy/consents/check?purpose=sync&contactId=${withdrawnId}`,
  );
  assert.deepEqual(check, { purpose: 'sync', allowed: false });

  // Both existing contacts change in Salesforce.
  await sfApi.collections.update('Contact', [
    { Id: withdrawnId, Title: 'Changed after withdrawal' },
    { Id: otherId, Title: 'Changed with consent' },
  ]);
  const titleBefore = linked.get(withdrawnId)!.title;

  const second = await runSync();
  const after = genesysBySf();
  // Not updated, not created.
  assert.equal(after.get(withdrawnId)!.title, titleBefore);
  assert.notEqual(titleBefore, 'Changed after withdrawal');
  assert.equal(after.has(newWithdrawnId), false);
  // The others still sync.
  assert.equal(after.get(otherId)!.title, 'Changed with consent');
  assert.equal(after.has(newOtherId), true);
  assert.equal(second.created, 1);
  assert.equal(second.updated, 1);
  assert.equal(second.skipped, 2);
  const skipped = (await issuesOf('consent_withdrawn')).filter((i) => i.run_id === second.runId);
  assert.deepEqual(skipped.map((i) => i.sf_id).sort(), [withdrawnId, newWithdrawnId].sort());
});

void test('the runs are counted on /metrics: runs by status, records by outcome, duration, last success', async () => {
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  const value = (re: RegExp) => Number(re.exec(metrics)?.[1] ?? NaN);
  assert.equal(
    value(/^patchbay_contact_sync_runs_total\{status="completed",mode="incremental"\} (\d+)$/m),
    2,
  );
  assert.ok(value(/^patchbay_contact_sync_records_total\{outcome="created"\} (\d+)$/m) >= 2);
  assert.equal(value(/^patchbay_contact_sync_records_total\{outcome="skipped"\} (\d+)$/m), 2);
  assert.equal(value(/^patchbay_contact_sync_run_duration_seconds_count (\d+)$/m), 2);
  assert.ok(value(/^patchbay_contact_sync_api_calls_total\{system="genesys"\} (\d+)$/m) > 0);
  const last = value(/^patchbay_contact_sync_last_success_timestamp_seconds (\d+)$/m);
  assert.ok(Math.abs(last - Date.now() / 1000) < 120, `last success ${last}`);
});
