/**
 * `npm run bench -- screen-pop`: caller lookup with 100,000 contacts in the hub's mirror.
 * (a) Patchbay's data action at a fixed 1,000 req/s and at max throughput; (b) the seed's approach,
 * a live lookup through the Salesforce sandbox's Apex REST `contact-lookup` with 150 ms injected
 * latency; (c) a no-op route on the same hub server. Prints one JSON line.
 * Options (environment; `_load.ts` owns argv): BENCH_CONTACTS (default 100000), BENCH_SECONDS per run (default 10).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub } from '../src/app.ts';
import { loadConfig } from '../src/platform/config/load.ts';
import { createLogger } from '../src/platform/log/logger.ts';
import { startSalesforceSandbox } from '../sandbox/salesforce/index.ts';
import { runLoad, type LoadResult } from './_load.ts';

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
    SF_MIRROR_CATCHUP_SECONDS: '0',
  },
});
const hub = await createHub({ config, log: createLogger({ level: 'warn' }) });
hub.app.post('/bench/noop', async () => ({ ok: true }));
const url = await hub.start();

const loadStarted = performance.now();
for (;;) {
  const r = await fetch(`${url}/v1/data-actions/contact-lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-patchbay-token': TOKEN },
    body: JSON.stringify({ phoneNumber: phone }),
  });
  const body = (await r.json()) as { success?: boolean };
  const status = (await (await fetch(`${url}/metrics`)).text()).match(/patchbay_sf_mirror_warm (\d)/);
  if (status?.[1] === '1' && body.success) break;
  if (performance.now() - loadStarted > 300_000) throw new Error('mirror not warm after 5 min');
  await new Promise((r) => setTimeout(r, 200));
}
const mirrorLoadMs = Math.round(performance.now() - loadStarted);

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
// Warm up (JIT, SQLite page cache, connection pools) before measuring.
await runLoad({ ...noopReq, connections: 20, durationSeconds: 2 });
await runLoad({ ...lookupReq, connections: 20, durationSeconds: 2 });
const noop1000 = await runLoad({ ...noopReq, ...fixed });
const lookup1000 = await runLoad({ ...lookupReq, ...fixed });
const noopMax = await runLoad({ ...noopReq, ...max });
const lookupMax = await runLoad({ ...lookupReq, ...max });
const seedApex = await runLoad({
  url: `${sf.url}/services/apexrest/contact-lookup`,
  method: 'POST',
  body: JSON.stringify({ phoneNumber: phone }),
  headers: { authorization: `Bearer ${accessToken}` },
  ...max,
});

await hub.stop();
await sf.close();

const fig = (r: LoadResult) => ({
  p50Ms: r.p50Ms,
  p99Ms: r.p99Ms,
  rps: Math.round(r.requestsPerSecond),
  errors: r.errors,
  non2xx: r.non2xx,
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
    lookup1000: fig(lookup1000),
    lookupMax: fig(lookupMax),
    seedApexLive150ms: fig(seedApex),
    noop1000: fig(noop1000),
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
      p50AtMost1_5xNoop: lookup1000.p50Ms <= 1.5 * Math.max(noop1000.p50Ms, 1),
    },
  }),
);
process.exit(0);
