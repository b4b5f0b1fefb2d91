/**
 * `npm run bench -- sf-sandbox`: the Salesforce emulator must never be the bottleneck. Loads
 * 100,000 contacts in-process, times the indexed phone query (Phone OR MobilePhone) against the
 * same predicate without the index (a full scan: the baseline), then Collections insert
 * throughput over HTTP. Prints one JSON line.
 */
import { startSalesforceSandbox } from '../sandbox/salesforce/index.ts';
import { runQuery } from '../sandbox/salesforce/soql/engine.ts';

const sb = await startSalesforceSandbox();
const t0 = performance.now();
const summary = sb.seed({ accounts: 2000, contactsPerAccount: 50 });
const seedMs = performance.now() - t0;
const phones = summary.samplePhones;
const store = sb.store;
const now = Date.now();

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const time = (fn: () => void, n: number): number[] => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    fn();
    out.push(performance.now() - s);
  }
  return out;
};

const indexed = time(() => {
  const p = phones[Math.floor(Math.random() * phones.length)] ?? '+14155550000';
  const r = runQuery(`SELECT Id, Name, AccountId FROM Contact WHERE Phone = '${p}' OR MobilePhone = '${p}'`, {
    store,
    now,
    version: '65.0',
  });
  if (r.totalSize === 0) throw new Error(`no match for ${p}`);
}, 500);
// Baseline: the same predicate with the index defeated (LIKE without wildcards forces a scan).
const scan = time(() => {
  const p = phones[0] ?? '+14155550000';
  runQuery(`SELECT Id, Name, AccountId FROM Contact WHERE Phone LIKE '${p}' OR MobilePhone LIKE '${p}'`, {
    store,
    now,
    version: '65.0',
  });
}, 10);

const tokenRes = await fetch(`${sb.url}/services/oauth2/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: sb.clientId,
    client_secret: sb.clientSecret,
  }),
});
const { access_token } = (await tokenRes.json()) as { access_token: string };
const batches = 20;
const c0 = performance.now();
for (let b = 0; b < batches; b++) {
  const res = await fetch(`${sb.url}/services/data/v65.0/composite/sobjects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      allOrNone: true,
      records: Array.from({ length: 200 }, (_, i) => ({
        attributes: { type: 'Contact' },
        LastName: `Bench ${b}-${i}`,
        Phone: `+1555${String(b * 200 + i).padStart(7, '0')}`,
      })),
    }),
  });
  if (res.status !== 200) throw new Error(`collections insert failed: ${res.status}`);
}
const insertSec = (performance.now() - c0) / 1000;
await sb.close();

const p50 = pct(indexed, 50);
const baseline = pct(scan, 50);
console.log(
  JSON.stringify({
    bench: 'sf-sandbox',
    metric: 'phone_query_p50_ms',
    value: Number(p50.toFixed(4)),
    baseline: Number(baseline.toFixed(3)),
    ratio: Number((p50 / baseline).toFixed(5)),
    phone_query_p99_ms: Number(pct(indexed, 99).toFixed(4)),
    baseline_desc: 'same predicate as a full scan (LIKE, no index)',
    contacts: store.count('Contact') - batches * 200,
    seed_ms: Math.round(seedMs),
    collections_insert_records_per_s: Math.round((batches * 200) / insertSec),
  }),
);
