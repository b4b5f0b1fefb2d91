/**
 * presence: change → dashboard latency. 1,000 agents on the Genesys emulator, the hub's feed over
 * notification channels, 50 dashboard WebSocket clients, 20 presence changes per second. Baseline in
 * the same run: a poller reading bulk presence for all agents every 5 s (the approach without
 * notifications); its latency is the time from the change to the poll that first sees it.
 * Target: p99 ≤ 250 ms.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startGenesysSandbox } from '../sandbox/genesys/index.ts';
import { createHub } from '../src/app.ts';
import { createApiKey } from '../src/platform/auth/api-keys.ts';
import { loadConfig } from '../src/platform/config/load.ts';
import { createLogger } from '../src/platform/log/logger.ts';

const AGENTS = 1000;
const CLIENTS = 50;
const RATE = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const POLL_MS = 5000;

const gc = await startGenesysSandbox({ seed: { users: AGENTS, queues: 4 }, rateLimitPerMinute: 1_000_000 });
const dir = mkdtempSync(join(tmpdir(), 'pb-bench-'));
const config = loadConfig({
  env: {
    PATCHBAY_PORT: '0',
    PATCHBAY_SQLITE_PATH: join(dir, 'bench.sqlite'),
    LOG_LEVEL: 'warn',
    GENESYS_API_URL: gc.url,
    GENESYS_CLIENT_ID: gc.clientId,
    GENESYS_CLIENT_SECRET: gc.clientSecret,
  },
});
const hub = await createHub({ config, log: createLogger({ level: 'warn' }) });
const url = await hub.start();
const deadline = Date.now() + 60_000;
while (hub.presence.feed() === undefined || hub.presence.stale()) {
  if (Date.now() > deadline) throw new Error('feed did not come up');
  await new Promise((r) => setTimeout(r, 50));
}

// A dashboard session (admin key → cookie), shared by the 50 clients.
const { key } = await createApiKey(hub.store.db, 'bench');
const login = await fetch(`${url}/dashboard/auth/admin`, {
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ apiKey: key }).toString(),
});
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

const pending = new Map<string, { at: number; status: string }>(); // userId → last change
const latencies: number[] = [];
const clients = await Promise.all(
  Array.from(
    { length: CLIENTS },
    () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`${url.replace('http', 'ws')}/dashboard/presence/ws`, {
          headers: { cookie },
        });
        ws.on('message', (data: Buffer) => {
          const m = JSON.parse(data.toString()) as { type: string; agent?: { id: string; status: string } };
          if (m.type === 'snapshot') resolve(ws);
          if (m.type !== 'agent' || !m.agent) return;
          const p = pending.get(m.agent.id);
          if (p && p.status === m.agent.status) latencies.push(performance.now() - p.at);
        });
        ws.on('error', reject);
      }),
  ),
);

const tokenRes = await fetch(`${gc.url}/oauth/token`, {
  method: 'POST',
  headers: {
    authorization: `Basic ${Buffer.from(`${gc.clientId}:${gc.clientSecret}`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: 'grant_type=client_credentials',
});
const token = ((await tokenRes.json()) as { access_token: string }).access_token;
const ids = [...gc.directory.users.keys()];
const statuses = ['Available', 'Busy', 'Away', 'Break', 'Meal', 'On Queue', 'Training'];

// Baseline: poll bulk presence for every agent every 5 s.
const polled = new Map<string, { at: number; status: string }>();
const baseline: number[] = [];
let polling = true;
const poller = (async () => {
  while (polling) {
    const started = performance.now();
    for (let i = 0; i < ids.length; i += 50) {
      const q = ids
        .slice(i, i + 50)
        .map((id) => `id=${id}`)
        .join('&');
      const res = await fetch(`${gc.url}/api/v2/users/presences/purecloud/bulk?${q}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const seenAt = performance.now();
      for (const p of (await res.json()) as Array<{
        userId: string;
        presenceDefinition: { systemPresence: string };
      }>) {
        const c = polled.get(p.userId);
        if (
          c &&
          c.status.toUpperCase().replace(/ /g, '_') ===
            p.presenceDefinition.systemPresence.toUpperCase().replace(/ /g, '_')
        ) {
          baseline.push(seenAt - c.at);
          polled.delete(p.userId);
        }
      }
    }
    await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - (performance.now() - started))));
  }
})();

let n = 0;
const total = RATE * SECONDS;
const start = performance.now();
while (n < total) {
  const due = start + (n * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const id = ids[(n * 7919) % ids.length] as string;
  const current = hub.presence.board.agents.get(id)?.status ?? '';
  const norm = (x: string) => x.toUpperCase().replace(/ /g, '_');
  let next = statuses[n % statuses.length] as string;
  if (norm(next) === current) next = statuses[(n + 1) % statuses.length] as string;
  const at = performance.now();
  pending.set(id, { at, status: next.toUpperCase().replace(/ /g, '_') });
  polled.set(id, { at, status: next });
  void fetch(`${gc.url}/api/v2/users/${id}/presences/purecloud`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ presenceDefinition: { id: next } }),
  });
  n++;
}
await new Promise((r) => setTimeout(r, POLL_MS + 1000));
polling = false;
await poller;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number);
};
const round = (x: number) => Math.round(x * 10) / 10;
const p99 = pct(latencies, 99);
const b99 = pct(baseline, 99);
console.log(
  JSON.stringify({
    bench: 'presence',
    metric: 'change_to_dashboard_p99_ms',
    value: round(p99),
    baseline: round(b99),
    ratio: round(b99 / p99),
    p50_ms: round(pct(latencies, 50)),
    baseline_p50_ms: round(pct(baseline, 50)),
    baseline_kind: 'bulk presence poll every 5 s',
    agents: AGENTS,
    clients: CLIENTS,
    changes_per_second: RATE,
    changes: total,
    deliveries: latencies.length,
    expected_deliveries: total * CLIENTS,
    channels: hub.presence.feed()?.channelCount(),
    target_p99_ms: 250,
  }),
);
for (const c of clients) c.close();
await hub.stop();
await gc.close();
process.exit(0);
