/**
 * The CDC mode fed by the Salesforce mirror's change feed, on a hub wired as in production
 * (`src/app.ts`): a Contact edited in the Salesforce emulator → ContactChangeEvent → mirror → one
 * `contact-sync-run` job in `cdc` mode with that ID → the Genesys contact is updated, without a
 * scheduled or requested run.
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

type RunView = { id: string; mode: string; status: string; summary: RunSummary | null; error: string | null };

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

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const runs = async () => (await api<{ runs: RunView[] }>('/v1/sync/runs')).runs;

before(async () => {
  sf = await startSalesforceSandbox({
    seed: { accounts: 2, contactsPerAccount: 5 },
    clients: [{ clientId: 'pb-cs-cdc-sf', clientSecret: fixtureSecrets[2] }],
  });
  gc = await startGenesysSandbox({ faultRetryAfterSeconds: 1 });
  gc.seed({ externalContacts: 0 });
  gc.setRateLimit(3000);
  gc.addOAuthClient({ clientId: 'pb-cs-cdc-gc', clientSecret: fixtureSecrets[2] });
  t = await startTestHub({
    env: {
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: 'pb-cs-cdc-sf',
      SALESFORCE_CLIENT_SECRET: fixtureSecrets[2],
      SALESFORCE_API_VERSION: '65.0',
      GENESYS_API_URL: gc.url,
      GENESYS_CLIENT_ID: 'pb-cs-cdc-gc',
      GENESYS_CLIENT_SECRET: fixtureSecrets[2],
      GENESYS_RATE_LIMIT_PER_MINUTE: '3000',
      CONTACT_SYNC_ENABLED: 'true',
      // Not during the test: only the change feed starts runs.
      CONTACT_SYNC_CRON: '0 0 1 1 *',
      PATCHBAY_LEADER_TTL_SECONDS: '2',
    },
  });
  await until('the mirror to be warm', 20_000, async () => {
    const s = await api<{ mirror: { warm: boolean } }>('/v1/admin/screen-pop/status');
    return s.mirror.warm ? s : undefined;
  });
});

after(async () => {
  await t.stop();
  await Promise.all([sf.close(), gc.close()]);
});

void test('a Contact change in Salesforce reaches Genesys through the mirror feed and a cdc run', async () => {
  await api('/v1/sync/runs', 'POST', {});
  const initial = await until('the initial run', 30_000, async () => {
    const r = (await runs())[0];
    return r && r.status !== 'running' ? r : undefined;
  });
  assert.equal(initial.status, 'completed', `initial run: ${initial.error}`);
  assert.ok(initial.summary!.created > 0);
  const before = await runs();
  assert.equal(before.filter((r) => r.mode === 'cdc').length, 0, 'no change yet, no cdc run');

  const sfApi = t.hub.connectors.salesforce!;
  const synced = new Set(
    gc.contacts
      .search('')
      .flatMap((c) => ((c.externalIds as Array<{ value: string }> | undefined) ?? []).map((x) => x.value)),
  );
  const id = (await sfApi.query<{ Id: string }>(soql`SELECT Id FROM Contact ORDER BY Id`)).records
    .map((r) => r.Id)
    .find((x) => synced.has(x))!;
  assert.ok(id, 'a synced contact');
  await sfApi.collections.update('Contact', [{ Id: id, Title: 'Changed via CDC' }]);

  const cdc = await until('a cdc run', 20_000, async () => {
    const r = (await runs()).find((x) => x.mode === 'cdc');
    return r && r.status !== 'running' ? r : undefined;
  });
  assert.equal(cdc.status, 'completed', `cdc run: ${cdc.error}`);
  assert.equal(cdc.summary!.read, 1, 'only the changed contact is read');
  assert.equal(cdc.summary!.updated, 1);
  const inGenesys = gc.contacts
    .search('')
    .find((c) => ((c.externalIds as Array<{ value: string }> | undefined) ?? []).some((x) => x.value === id));
  assert.equal(inGenesys?.title, 'Changed via CDC');
  // Only the feed started it: the initial run and this one.
  assert.equal((await runs()).length, before.length + 1);
});
