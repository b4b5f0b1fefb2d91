/**
 * ingest-floor: the durable intake path (store a 1 KB JSON event + enqueue its job in one
 * committed transaction, then answer 202) against a no-op route on the same server, at the
 * same concurrency, in the same run: four rounds of each, in turn (runAlternating), so that both
 * paths see the same machine. SQLite with synchronous=FULL (fsync on commit).
 * Target: durable ≥ 0.5 × no-op throughput and p99 ≤ 10 ms at 32 concurrent clients.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub } from '../src/app.ts';
import { loadConfig } from '../src/platform/config/load.ts';
import { rawBodyText } from '../src/platform/http/server.ts';
import { enqueue } from '../src/platform/jobs/index.ts';
import { storeInbound } from '../src/platform/inbox/inbox.ts';
import { createLogger } from '../src/platform/log/logger.ts';
import { measureDurable } from './_durable-stats.ts';
import { ratioOf, runAlternating, runLoad, type LoadOptions } from './_load.ts';

declare module '../src/platform/jobs/types.ts' {
  interface JobKinds {
    'bench.ingest': { eventId: string };
  }
}

const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 10);
/** Each path's time is split into this many rounds, the no-op's and the durable's in turn. */
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const dir = mkdtempSync(join(tmpdir(), 'pb-bench-'));
const config = loadConfig({
  env: {
    PATCHBAY_PORT: '0',
    PATCHBAY_SQLITE_PATH: join(dir, 'bench.sqlite'),
    LOG_LEVEL: 'warn',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  },
});
const hub = await createHub({ config, log: createLogger({ level: 'warn' }), workers: false });

let seq = 0;
hub.app.post('/bench/noop', async (_req, reply) => reply.code(202).send({ accepted: true }));
hub.app.post('/bench/durable', async (req, reply) => {
  const key = `${process.pid}-${++seq}`;
  const body = rawBodyText(req);
  const id = await hub.store.durable(async (trx) => {
    const ev = await storeInbound(trx, { source: 'bench', dedupeKey: key, body, receivedAt: Date.now() });
    await enqueue(trx, 'bench.ingest', { eventId: ev.id }, { key: `bench.ingest:${ev.id}` });
    return ev.id;
  });
  return reply.code(202).send({ accepted: true, id });
});
const url = await hub.start();

const event = JSON.stringify({
  eventType: 'conversation.ended',
  conversationId: '00000000-0000-4000-8000-000000000000',
  pad: 'x'.repeat(900),
});
const phase = (path: string, seconds: number): LoadOptions => ({
  url: `${url}${path}`,
  method: 'POST',
  body: event,
  connections,
  durationSeconds: seconds,
});
await runLoad(phase('/bench/noop', 5)); // warm-up of the server and the JIT, not reported
const durablePhase = measureDurable(hub.store);
const startedAt = Date.now();
const [noop, durable] = await runAlternating(
  [phase('/bench/noop', durationSeconds / rounds), phase('/bench/durable', durationSeconds / rounds)],
  rounds,
);
if (noop === undefined || durable === undefined) throw new Error('the load process returned no result');
const durableStore = durablePhase();
const { n: stored } = await hub.store.db
  .selectFrom('inbound_events')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .where('source', '=', 'bench')
  .where('received_at', '>=', startedAt) // a PostgreSQL database may hold earlier runs' events
  .executeTakeFirstOrThrow();
await hub.stop();

console.log(
  JSON.stringify({
    bench: 'ingest-floor',
    metric: 'durable_intake_rps',
    value: Math.round(durable.requestsPerSecond),
    baseline: Math.round(noop.requestsPerSecond),
    ratio: ratioOf(durable.requestsPerSecond, noop.requestsPerSecond),
    ratio_rounds: durable.roundsPerSecond.map((d, i) => ratioOf(d, noop.roundsPerSecond[i] ?? 0)),
    noop_rounds_rps: noop.roundsPerSecond,
    durable_rounds_rps: durable.roundsPerSecond,
    durable_p50_ms: durable.p50Ms,
    durable_p99_ms: durable.p99Ms,
    noop_p50_ms: noop.p50Ms,
    noop_p99_ms: noop.p99Ms,
    errors: durable.errors + durable.non2xx,
    events_stored: Number(stored),
    responses_2xx: durable.total - durable.non2xx,
    body_bytes: Buffer.byteLength(event),
    connections,
    seconds: durationSeconds,
    rounds,
    database: hub.store.dialect,
    ...durableStore,
    targets: { ratio: 0.5, p99_ms: 10 },
  }),
);
