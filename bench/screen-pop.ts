/**
 * `npm run bench -- screen-pop`: caller lookup with 100,000 contacts in the hub's mirror.
 * (a) Patchbay's data action at a fixed 1,000 req/s and at max throughput; (b) the seed's approach,
 * a live lookup through the Salesforce sandbox's Apex REST `contact-lookup` with 150 ms injected
 * latency; (c) a no-op route on the same hub server. Prints one JSON line.
 * The fixed-rate runs use the open-loop generator (`_open-loop.ts`, a small C program: fractional-ms
 * latencies from each request's due time, load offered on schedule whatever the server does); the
 * max-throughput runs use autocannon.
 * Options (environment; `_load.ts` owns argv): BENCH_CONTACTS (default 100000), BENCH_SECONDS per run (default 10).
 * Profile the hub side with `node --cpu-prof bench/screen-pop.ts` (the hub runs in this process).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub } from '../src/app.ts';
import { loadConfig } from '../src/platform/config/load.ts';
import { createLogger } from '../src/platform/log/logger.ts';
import { sql } from 'kysely';
import { startSalesforceSandbox } from '../sandbox/salesforce/index.ts';
import { runLoad, type LoadResult } from './_load.ts';
import { runOpenLoop, type OpenLoopResult } from './_open-loop.ts';

const contacts = Number(process.env.BENCH_CONTACTS ?? 100_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const TOKEN = 'bench-token';

const sf = await startSalesforceSandbox();
const seed = sf.seed({ accounts: Math.ceil(contacts / 50), contactsPerAccount: 50 });
const phone = seed.samplePhones[0] ?? '+14155550000';

const config = loadConfig({
  env: {
    PATCHBAY_PORT: '0',
    PATCHBAY_SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'pb-bench-')), 'bench.sqlite'),
    LOG_LEVEL: 'warn',
    SALESFORCE_LOGIN_URL: sf.url,
    SALESFORCE_CLIENT_ID: sf.clientId,
    SALESFORCE_CLIENT_SECRET: sf.clientSecret,
    SCREEN_POP_TOKEN: TOKEN,
    // Only the index answers: a live fallback (and its cache) would answer while the mirror loads.
    SCREEN_POP_FALLBACK: 'never',
    SF_MIRROR_CATCHUP_SECONDS: '0',
  },
});
const hub = await createHub({ config, log: createLogger({ level: 'warn' }) });
hub.app.post('/bench/noop', async () => ({ ok: true }));
// The hub's start runs the leader's tasks, the mirror's initial load among them: time it from here.
const loadStarted = performance.now();
const url = await hub.start();
const metric = async (name: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  // Anchored: the `# HELP` line also starts with the metric's name.
  const m = new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
};
while ((await metric('patchbay_sf_mirror_warm')) !== 1) {
  if (performance.now() - loadStarted > 300_000) throw new Error('mirror not warm after 5 min');
  await new Promise((r) => setTimeout(r, 200));
}
const mirrorLoadMs = Math.round(performance.now() - loadStarted);
// Callers: 1,000 numbers of the mirror in random order (one number only would keep its row hot).
const callers = await hub.store.db
  .selectFrom('sf_mirror_phones')
  .select('phone_key')
  .orderBy(sql`random()`)
  .limit(1_000)
  .execute();
const bodies = callers.map((c) => JSON.stringify({ phoneNumber: c.phone_key }));
const indexHits = () => metric('patchbay_screen_pop_lookups_total{endpoint="contact",outcome="index_hit"}');

const lookupReq = {
  url: `${url}/v1/data-actions/contact-lookup`,
  method: 'POST' as const,
  body: JSON.stringify({ phoneNumber: phone }),
  headers: { 'x-patchbay-token': TOKEN },
};
const noopReq = {
  url: `${url}/bench/noop`,
  method: 'POST' as const,
  body: JSON.stringify({ phoneNumber: phone }),
};

const tokenRes = await fetch(`${sf.url}/services/oauth2/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: sf.clientId,
    client_secret: sf.clientSecret,
  }),
});
const accessToken = ((await tokenRes.json()) as { access_token: string }).access_token;
await fetch(`${sf.url}/__sandbox/faults`, {
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ rules: [{ pathPrefix: '/services/apexrest', latencyMs: 150 }] }),
});

const fixed = { connections: 20, durationSeconds: seconds, rate: 1000 };
const max = { connections: 50, durationSeconds: seconds };
const callersInTurn = {
  perRequest: { module: join(import.meta.dirname, '_open-loop.ts'), name: 'bodiesInTurn', args: bodies },
};
// Warm up (JIT, SQLite page cache, connection pools) before measuring.
await runLoad({ ...noopReq, connections: 20, durationSeconds: 2 });
await runLoad({ ...lookupReq, connections: 20, durationSeconds: 2 });
const noop1000 = await runOpenLoop({ ...noopReq, body: bodies, ...fixed });
const hitsBefore = await indexHits();
const lookup1000 = await runOpenLoop({ ...lookupReq, body: bodies, ...fixed });
// Every measured lookup must have been answered by the index (not a miss, not an error).
const lookup1000IndexHits = (await indexHits()) - hitsBefore;
// The same fixed rate while the hub commits 50 writes a second (as call ends would): each commit by
// the writer empties the reader's page cache, so lookups read some pages from the file again.
await sql`create table bench_writes (at bigint not null)`.execute(hub.store.db);
const writer = setInterval(() => {
  void hub.store.durable((trx) => sql`insert into bench_writes (at) values (${Date.now()})`.execute(trx));
}, 20);
const lookup1000Writes = await runOpenLoop({ ...lookupReq, body: bodies, ...fixed });
clearInterval(writer);
const { n: writes } = (await sql<{ n: number }>`select count(*) as n from bench_writes`.execute(hub.store.db))
  .rows[0] ?? { n: 0 };
const noopMax = await runLoad({ ...noopReq, ...callersInTurn, ...max });
const lookupMax = await runLoad({ ...lookupReq, ...callersInTurn, ...max });
const seedApex = await runLoad({
  url: `${sf.url}/services/apexrest/contact-lookup`,
  method: 'POST',
  body: JSON.stringify({ phoneNumber: phone }),
  headers: { authorization: `Bearer ${accessToken}` },
  ...max,
});

await hub.stop();
await sf.close();

const fig = (r: Omit<LoadResult, 'roundsPerSecond'>) => ({
  p50Ms: r.p50Ms,
  p99Ms: r.p99Ms,
  rps: Math.round(r.requestsPerSecond),
  errors: r.errors,
  non2xx: r.non2xx,
});
const fixedFig = (r: OpenLoopResult) => ({
  ...fig(r),
  p999Ms: r.p999Ms,
  maxMs: r.maxMs,
  generatorLateP99Ms: r.lateP99Ms,
});
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
console.log(
  JSON.stringify({
    bench: 'screen-pop',
    contacts: seed.contacts,
    mirrorLoadMs,
    metric: 'lookup_p99_ms_at_1000rps',
    value: lookup1000.p99Ms,
    baseline: seedApex.p99Ms,
    lookup1000: { ...fixedFig(lookup1000), callers: bodies.length, indexHits: lookup1000IndexHits },
    lookup1000With50WritesPerS: { ...fixedFig(lookup1000Writes), writes: Number(writes) },
    lookupMax: fig(lookupMax),
    seedApexLive150ms: fig(seedApex),
    noop1000: fixedFig(noop1000),
    noopMax: fig(noopMax),
    ratio: {
      lookupOverNoopP50At1000: ratio(lookup1000.p50Ms, noop1000.p50Ms),
      lookupOverNoopP99At1000: ratio(lookup1000.p99Ms, noop1000.p99Ms),
      lookupOverNoopRpsMax: ratio(lookupMax.requestsPerSecond, noopMax.requestsPerSecond),
      seedOverLookupP50: ratio(seedApex.p50Ms, lookupMax.p50Ms),
      seedOverLookupP99: ratio(seedApex.p99Ms, lookupMax.p99Ms),
    },
    targets: {
      p99AtMost5msAt1000rps: lookup1000.p99Ms <= 5,
      p50AtMost1_5xNoop: lookup1000.p50Ms <= 1.5 * noop1000.p50Ms,
    },
  }),
);
process.exit(0);
