/**
 * `npm run bench -- contact-sync [--contacts 10000] [--changed 1000] [--full 100000] [--limit 300]`
 *
 * On the emulators with 100 ms latency on every Genesys API call: (a) Patchbay's incremental run
 * after `changed` edits among `contacts` linked contacts, (b) the seed's per-contact approach
 * (one reverse lookup + one PATCH/POST per changed contact), and a full initial sync of `full`
 * contacts. API calls are counted from the emulator's request log; the floor is
 * ⌈changed / 100⌉ + Salesforce query pages. `--limit` is the Genesys rate limit per minute (default
 * 300, the platform's); a higher one scales wall time down, and `rateBoundRatio` reports the
 * throughput reached against what that limit allows (100 contacts per call).
 */
import { parseArgs } from 'node:util';
import { startGenesysSandbox } from '../sandbox/genesys/index.ts';
import { startSalesforceSandbox } from '../sandbox/salesforce/index.ts';
import { createConnectors } from '../src/connectors/index.ts';
import { soql } from '../src/connectors/salesforce/soql.ts';
import { contactSyncMigrations } from '../src/features/contact-sync/store.ts';
import { createContactSync } from '../src/features/contact-sync/service.ts';
import { defaultSyncOptions } from '../src/features/contact-sync/engine.ts';
import { defaultMapping } from '../src/features/contact-sync/mapping.ts';
import { loadConfig } from '../src/platform/config/load.ts';
import { createLogger } from '../src/platform/log/logger.ts';
import { createMetrics } from '../src/platform/metrics/registry.ts';
import { openStore } from '../src/platform/store/index.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '10000' },
    changed: { type: 'string', default: '1000' },
    full: { type: 'string', default: '100000' },
    limit: { type: 'string', default: '300' },
  },
});
const CONTACTS = Number(args.contacts);
const CHANGED = Number(args.changed);
const FULL = Number(args.full);
const LIMIT = Number(args.limit);
const LATENCY = 100;

async function world(contacts: number) {
  const perAccount = 20;
  const sf = await startSalesforceSandbox({
    seed: { accounts: Math.ceil(contacts / perAccount), contactsPerAccount: perAccount },
    clients: [{ clientId: 'bench-sf', clientSecret: 'bench-secret-sf-0001' }],
  });
  const gc = await startGenesysSandbox({ rateLimitPerMinute: LIMIT });
  gc.seed({ externalContacts: 0 });
  gc.addOAuthClient({ clientId: 'bench-gc', clientSecret: 'bench-secret-gc-0001' });
  await fetch(`${gc.url}/__sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules: [{ pathPrefix: '/api/v2/', latencyMs: LATENCY }] }),
  });
  const dir = mkdtempSync(join(tmpdir(), 'pb-bench-cs-'));
  const config = loadConfig({
    env: {
      PATCHBAY_SQLITE_PATH: join(dir, 'db.sqlite'),
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: 'bench-sf',
      SALESFORCE_CLIENT_SECRET: 'bench-secret-sf-0001',
      SALESFORCE_API_VERSION: '65.0',
      GENESYS_API_URL: gc.url,
      GENESYS_CLIENT_ID: 'bench-gc',
      GENESYS_CLIENT_SECRET: 'bench-secret-gc-0001',
      GENESYS_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    },
  });
  const log = createLogger({ level: 'error' });
  const store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath });
  await store.migrate(contactSyncMigrations);
  const connectors = createConnectors(config, { store, log, metrics: createMetrics() });
  const sync = createContactSync({
    store,
    log,
    clock: { now: () => Date.now() },
    salesforce: connectors.salesforce,
    genesys: connectors.genesys,
    options: { ...defaultSyncOptions, mapping: defaultMapping, overlapMs: 1000 },
  });
  const apiCalls = (sinceSeq: number) =>
    gc.requests({ sinceSeq }).filter((r) => r.path.startsWith('/api/v2/') && r.status !== 429).length;
  const seq = () => gc.requests().at(-1)?.seq ?? 0;
  const sfPages = (n: number) => Math.max(1, Math.ceil(n / 2000));
  return {
    sf,
    gc,
    sync,
    connectors,
    apiCalls,
    seq,
    sfPages,
    async close() {
      await connectors.close();
      await store.close();
      await Promise.all([sf.close(), gc.close()]);
    },
  };
}

async function editSome(w: Awaited<ReturnType<typeof world>>, n: number, tag: string): Promise<string[]> {
  const ids = (
    await w.connectors.salesforce!.query<{ Id: string }>(soql`SELECT Id FROM Contact`, { maxRecords: 1e6 })
  ).records
    .map((r) => r.Id)
    .slice(0, n);
  await w.connectors.salesforce!.collections.update(
    'Contact',
    ids.map((Id, i) => ({ Id, Title: `${tag} ${i}` })),
  );
  return ids;
}

// (a) Patchbay and (b) the seed's approach on the same changes.
const w = await world(CONTACTS);
await w.sync.run({ mode: 'full' });
await editSome(w, CHANGED, 'A');
let s0 = w.seq();
let t0 = performance.now();
const a = await w.sync.run({ mode: 'incremental' });
const patchbay = { calls: w.apiCalls(s0), wallMs: Math.round(performance.now() - t0), updated: a.updated };

// The seed: query what changed, then per contact GET (lookup by e-mail) and PATCH or POST.
const changedIds = await editSome(w, CHANGED, 'B');
s0 = w.seq();
t0 = performance.now();
const gcx = w.connectors.genesys!;
const recs = (
  await w.connectors.salesforce!.query<{
    Id: string;
    Email: string | null;
    Title: string | null;
    LastName: string;
  }>(soql`SELECT Id, Email, Title, LastName FROM Contact WHERE Id IN ${changedIds}`)
).records;
for (const r of recs) {
  const found = r.Email ? await gcx.externalContacts.reverseLookup(r.Email) : [];
  const hit = found[0];
  if (hit?.id)
    await gcx.externalContacts.patch(hit.id, [
      { field: '$.title', value: r.Title, action: 'Update' },
    ] as never);
  else await gcx.externalContacts.create({ lastName: r.LastName, title: r.Title ?? undefined } as never);
}
const seed = { calls: w.apiCalls(s0), wallMs: Math.round(performance.now() - t0) };
await w.close();

// Full initial sync.
const f = await world(FULL);
const fs0 = f.seq();
const ft0 = performance.now();
const full = await f.sync.run({ mode: 'full' });
const fullWallMs = Math.round(performance.now() - ft0);
const fullCalls = f.apiCalls(fs0);
await f.close();

const floor = Math.ceil(CHANGED / 100) + Math.ceil(CHANGED / 2000);
const allowedPerMs = (LIMIT * 100) / 60_000; // contacts per ms the rate limit allows with bulk calls of 100
console.log(
  JSON.stringify({
    bench: 'contact-sync',
    latencyMs: LATENCY,
    rateLimitPerMinute: LIMIT,
    scaled:
      LIMIT !== 300
        ? `rate limit raised to ${LIMIT}/min to shorten wall time; compare calls and rateBoundRatio`
        : false,
    incremental: { contacts: CONTACTS, changed: CHANGED, patchbay, seed, floor },
    ratios: {
      patchbayCallsToFloor: +(patchbay.calls / floor).toFixed(3),
      seedCallsToPatchbay: +(seed.calls / patchbay.calls).toFixed(1),
      seedWallToPatchbay: +(seed.wallMs / patchbay.wallMs).toFixed(1),
    },
    full: {
      contacts: FULL,
      created: full.created,
      parked: full.parked,
      calls: fullCalls,
      wallMs: fullWallMs,
      floor: Math.ceil(FULL / 100),
      rateBoundRatio: +((full.created + full.parked) / fullWallMs / allowedPerMs).toFixed(3),
    },
  }),
);
