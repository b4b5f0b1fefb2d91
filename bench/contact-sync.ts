/**
 * `npm run bench -- contact-sync [--contacts 10000] [--changed 1000] [--full 100000] [--limit 300]`
 *
 * On the emulators with 100 ms latency on every Genesys API call and the Genesys rate limit at
 * `--limit` per minute (default 300, the platform's):
 *
 * - (a) Patchbay's incremental run after `changed` edits among `contacts` linked contacts;
 * - (b) the seed's per-contact approach (one reverse lookup + one PATCH/POST per changed contact) on
 *   other edits of the same contacts. At 300/min it would take calls ÷ limit minutes of waiting for
 *   tokens, so it runs with the limit raised and its wall time at the limit is computed:
 *   `seed.wallSecondsAtLimit = calls × 60 / limit` (or its measured `seed.wallMsRaisedLimit`, if longer);
 * - a full initial sync of `full` contacts, measured at the limit.
 *
 * Calls: Genesys from the emulator's request log (429 answers not counted) + Salesforce query pages
 * (from the run summary; the seed: one query per 200 ids). Floor = ⌈changed / 100⌉ + Salesforce
 * query pages. `rateBoundRatio`: contacts per second reached ÷ what the limit allows with bulk calls
 * of 100 (limit × 100 per minute). `bucketBoundRatio`: the same against the platform's token bucket
 * for that limit (`bucketLimits`: it refills at 95 % of the limit, so that no minute exceeds it, which
 * caps `rateBoundRatio` near 0.96 on 100,000 contacts). The seed data's duplicate e-mails are made
 * unique first, so every contact is synced.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { bucketLimits } from '../src/connectors/genesys/vendor.ts';
import { soql } from '../src/connectors/salesforce/soql.ts';
import { contactSyncMigrations } from '../src/features/contact-sync/store.ts';
import {
  makeEmailsUnique,
  openContactSync,
  salesforceContacts,
  startSandboxes,
} from '../src/features/contact-sync/testing/world.ts';
import { leaderMigrations } from '../src/platform/leader/index.ts';
import { createLogger } from '../src/platform/log/logger.ts';
import { openStore } from '../src/platform/store/index.ts';

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
const BATCH = 100;
const SF_PAGE = 2000;
/** The seed's query by Id: 200 per query keeps the GET URL within the header size limit. */
const IDS_PER_QUERY = 200;
/** The seed's approach runs with this limit (wall time at LIMIT is computed, see above). */
const RAISED_LIMIT = 100_000;
const log = createLogger({ level: 'error' });

async function world(contacts: number) {
  const perAccount = 20;
  const sb = await startSandboxes({
    accounts: Math.ceil(contacts / perAccount),
    perAccount,
    rateLimitPerMinute: LIMIT,
    latencyMs: LATENCY,
  });
  const store = await openStore({
    sqlitePath: join(mkdtempSync(join(tmpdir(), 'pb-bench-cs-')), 'db.sqlite'),
  });
  await store.migrate([...leaderMigrations, ...contactSyncMigrations]);
  const cs = openContactSync(store, sb.env, { log, options: { overlapMs: 1000 } });
  // The emulator seeds every contact in the same instant: the e-mail fixes must come later than the
  // overlap window, or every incremental run would re-read the whole seed (pages above the floor;
  // an org's data is not all modified within a second of the last sync).
  await sleep(2_500);
  await makeEmailsUnique(cs.connectors);
  const seq = () => sb.gc.requests().at(-1)?.seq ?? 0;
  return {
    ...sb,
    ...cs,
    store,
    seq,
    genesysCalls: (sinceSeq: number) =>
      sb.gc.requests({ sinceSeq }).filter((r) => r.path.startsWith('/api/v2/') && r.status !== 429).length,
    async close() {
      await cs.close();
      await store.close();
      await sb.close();
    },
  };
}
type World = Awaited<ReturnType<typeof world>>;

async function editSome(w: World, n: number, tag: string): Promise<string[]> {
  const ids = (await salesforceContacts(w.connectors)).map((c) => c.Id).slice(0, n);
  await w.connectors.salesforce!.collections.update(
    'Contact',
    ids.map((Id, i) => ({ Id, Title: `${tag} ${i}` })),
  );
  return ids;
}

// (a) Patchbay's incremental run and (b) the seed's approach on the same number of changes.
const w = await world(CONTACTS);
const initial = await w.sync.run({ mode: 'full' });
await editSome(w, CHANGED, 'A');
let s0 = w.seq();
let t0 = performance.now();
const a = await w.sync.run({ mode: 'incremental' });
const patchbay = {
  calls: w.genesysCalls(s0) + a.apiCalls.salesforce,
  wallMs: Math.round(performance.now() - t0),
  updated: a.updated,
};

const changedIds = await editSome(w, CHANGED, 'B');
w.gc.setRateLimit(RAISED_LIMIT);
const raised = openContactSync(
  w.store,
  { ...w.env, GENESYS_RATE_LIMIT_PER_MINUTE: String(RAISED_LIMIT) },
  { log },
);
const gcx = raised.connectors.genesys!;
s0 = w.seq();
t0 = performance.now();
let seedQueries = 0;
for (let i = 0; i < changedIds.length; i += IDS_PER_QUERY) {
  seedQueries++;
  const recs = (
    await raised.connectors.salesforce!.query<{
      Id: string;
      Email: string | null;
      Title: string | null;
      LastName: string;
    }>(
      soql`SELECT Id, Email, Title, LastName FROM Contact WHERE Id IN ${changedIds.slice(i, i + IDS_PER_QUERY)}`,
    )
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
}
const seedCalls = w.genesysCalls(s0) + seedQueries;
const seed = {
  calls: seedCalls,
  wallMsRaisedLimit: Math.round(performance.now() - t0),
  // Its calls wait for tokens at the limit, or for their latency one after the other if that is longer.
  wallSecondsAtLimit: Math.round(Math.max((seedCalls * 60) / LIMIT, (performance.now() - t0) / 1000)),
};
await raised.close();
await w.close();

// Full initial sync.
const f = await world(FULL);
const fs0 = f.seq();
const ft0 = performance.now();
const full = await f.sync.run({ mode: 'full' });
const fullWallMs = Math.round(performance.now() - ft0);
const fullGenesysCalls = f.genesysCalls(fs0);
const fullCalls = fullGenesysCalls + full.apiCalls.salesforce;
await f.close();

const floor = Math.ceil(CHANGED / BATCH) + Math.ceil(CHANGED / SF_PAGE);
const fullFloor = Math.ceil(FULL / BATCH) + Math.ceil(FULL / SF_PAGE);
const allowedPerMs = (LIMIT * BATCH) / 60_000; // contacts per ms the limit allows with bulk calls of 100
const patchbayCallsToFloor = +(patchbay.calls / floor).toFixed(3);
const rateBoundRatio = +(full.created / fullWallMs / allowedPerMs).toFixed(3);
// The platform's bucket for that limit: a burst of capacity − reserve, then refill/s (it refills at
// 90 % of the limit so that no 60 s window exceeds it): the fastest these calls can go through it.
const bucket = bucketLimits(LIMIT);
const bucketBoundWallMs = Math.round(
  (Math.max(0, fullGenesysCalls - (bucket.capacity - bucket.reserve)) / bucket.refillPerSecond) * 1000,
);
console.log(
  JSON.stringify({
    bench: 'contact-sync',
    metric: `incremental API calls (${CONTACTS} contacts, ${CHANGED} changed)`,
    value: patchbay.calls,
    baseline: seed.calls,
    ratio: +(seed.calls / patchbay.calls).toFixed(1),
    latencyMs: LATENCY,
    rateLimitPerMinute: LIMIT,
    initial: { contacts: CONTACTS, created: initial.created, parked: initial.parked },
    incremental: { contacts: CONTACTS, changed: CHANGED, floor, patchbay, seed },
    full: {
      contacts: FULL,
      created: full.created,
      parked: full.parked,
      calls: fullCalls,
      floor: fullFloor,
      wallMs: fullWallMs,
      rateBoundWallMs: Math.round(FULL / allowedPerMs),
      bucketBoundWallMs,
    },
    ratios: {
      patchbayCallsToFloor,
      fullCallsToFloor: +(fullCalls / fullFloor).toFixed(3),
      rateBoundRatio,
      bucketBoundRatio: +(bucketBoundWallMs / fullWallMs).toFixed(3),
      seedCallsToPatchbay: +(seed.calls / patchbay.calls).toFixed(1),
      seedWallAtLimitToPatchbay: +((seed.wallSecondsAtLimit * 1000) / patchbay.wallMs).toFixed(1),
    },
    targets: { patchbayCallsToFloor: '≤ 1.1', rateBoundRatio: '≥ 0.95' },
  }),
);
