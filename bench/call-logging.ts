/**
 * call-logging: (a) Patchbay's durable, signed intake of conversation ends vs (b) the seed's
 * inline handler (contact lookup, Task create and Contact patch inside the request) vs (c) a
 * no-op route — same server, 32 concurrent senders, Salesforce emulator RTT 150 ms, (a) and (c)
 * in four alternating rounds each (runAlternating) — and the
 * end-to-end time from a call end's 202 to its Task committed in Salesforce (p50/p95).
 * Targets: intake ≥ 0.5 × no-op, intake p99 ≤ 10 ms; call end → Task p95 ≤ one RTT + 50 ms.
 * Every request carries a fresh body (a new conversation, signed), so nothing is deduplicated.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHub } from '../src/app.ts';
import { soql } from '../src/connectors/salesforce/soql.ts';
import { loadConfig } from '../src/platform/config/load.ts';
import { createLogger } from '../src/platform/log/logger.ts';
import { callEndBody, postSigned, startEmulators } from '../src/features/call-end-intake/test-support.ts';
import { CALL_END_SOURCE } from '../src/features/call-end-intake/jobs.ts';
import { measureDurable } from './_durable-stats.ts';
import { ratioOf, runAlternating, runLoad, type LoadOptions } from './_load.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
/** The no-op's and the intake's time is split into this many rounds, run in turn. */
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const RTT_MS = 150;

const e = await startEmulators();
const { GENESYS_API_URL: _a, GENESYS_CLIENT_ID: _b, GENESYS_CLIENT_SECRET: _c, ...env } = e.env;
const dir = mkdtempSync(join(tmpdir(), 'pb-bench-cl-'));
const config = loadConfig({
  env: {
    ...env,
    PATCHBAY_PORT: '0',
    PATCHBAY_SQLITE_PATH: join(dir, 'bench.sqlite'),
    LOG_LEVEL: 'warn',
    PATCHBAY_JOBS_POLL_MS: '10',
    SF_MIRROR_ENABLED: 'false', // the mirror's load and catch-up are not what is measured
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  },
});
const hub = await createHub({ config, log: createLogger({ level: 'warn' }), workers: false });
const sf = hub.connectors.salesforce!;

hub.app.post('/bench/noop', async (_req, reply) => reply.code(202).send({ accepted: true }));
// The seed's handler: everything inside the request (and lost if it fails).
hub.app.post('/bench/inline', async (req, reply) => {
  const b = req.body as { callerId: string; durationSeconds: number };
  const { records } = await sf.query<{ Id: string; Name: string; AccountId: string }>(
    soql`SELECT Id, Name, AccountId FROM Contact WHERE Phone = ${b.callerId} OR MobilePhone = ${b.callerId} LIMIT 1`,
  );
  const c = records[0];
  if (!c) return reply.code(200).send({ message: 'Contact not found' });
  const task = await sf.create('Task', {
    Subject: `Call with ${c.Name}`,
    WhoId: c.Id,
    Status: 'Completed',
    CallDurationInSeconds: b.durationSeconds,
  });
  await sf.update('Contact', c.Id, {
    Last_Call_Date__c: new Date().toISOString(),
    Last_Call_Duration__c: b.durationSeconds,
  });
  return reply.code(200).send({ taskId: task.id });
});
const url = await hub.start();
await sf.query(soql`SELECT Id FROM Contact LIMIT 1`); // log in before measuring

async function setLatency(ms: number) {
  await fetch(`${e.sf.url}/__sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules: ms > 0 ? [{ pathPrefix: '/services/data', latencyMs: ms }] : [] }),
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) * 10) / 10;
};

/** `connections` autocannon senders for `duration` s, each request a fresh signed call end. */
const phase = (path: string, duration = seconds): LoadOptions => ({
  url: `${url}${path}`,
  method: 'POST',
  connections,
  durationSeconds: duration,
  perRequest: {
    module: join(import.meta.dirname, '../src/features/call-end-intake/test-support.ts'),
    name: 'signedCallEnds',
    args: e.contact,
  },
});

await setLatency(RTT_MS);
await runLoad(phase('/bench/noop', 4)); // warm-up
const durablePhase = measureDurable(hub.store);
const startedAt = Date.now();
const [noop, durable] = await runAlternating(
  [phase('/bench/noop', seconds / rounds), phase('/webhook/call-ended', seconds / rounds)],
  rounds,
);
if (noop === undefined || durable === undefined) throw new Error('the load process returned no result');
const durableStore = durablePhase();
const inline = await runLoad(phase('/bench/inline'));
// Every request was a new conversation end: one stored event each, none deduplicated (the stored
// count also includes the requests still in flight when the load stopped, up to `connections`).
const { n: stored } = await hub.store.db
  .selectFrom('inbound_events')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .where('source', '=', CALL_END_SOURCE)
  .where('received_at', '>=', startedAt) // a PostgreSQL database may hold earlier runs' events
  .executeTakeFirstOrThrow();

// End to end: workers on, a steady 20 call ends/s, ack → Task committed in Salesforce.
await hub.store.db.deleteFrom('jobs').where('kind', '=', 'activity-log').execute();
hub.queue.start();
const taskMeta = e.sf.store.meta('Task');
const e2e: number[] = [];
await Promise.all(
  Array.from({ length: 10 }, async (_, i) => {
    await new Promise((r) => setTimeout(r, i * 50));
    for (let n = 0; n < 20; n++) {
      const body = callEndBody(e);
      const r = await postSigned(`${url}/webhook/call-ended`, body);
      const acked = performance.now();
      if (r.status !== 202) continue;
      for (;;) {
        if ((e.sf.store.lookup(taskMeta, 'Conversation_Id__c', String(body.conversationId))?.size ?? 0) > 0)
          break;
        await new Promise((res) => setTimeout(res, 1));
      }
      e2e.push(performance.now() - acked);
      await new Promise((res) => setTimeout(res, 500));
    }
  }),
);
await hub.stop();
await e.close();

console.log(
  JSON.stringify({
    bench: 'call-logging',
    metric: 'durable_intake_rps',
    value: Math.round(durable.requestsPerSecond),
    baseline: Math.round(noop.requestsPerSecond),
    ratio: ratioOf(durable.requestsPerSecond, noop.requestsPerSecond),
    ratio_rounds: durable.roundsPerSecond.map((d, i) => ratioOf(d, noop.roundsPerSecond[i] ?? 0)),
    noop_rounds_rps: noop.roundsPerSecond,
    durable_rounds_rps: durable.roundsPerSecond,
    durable_p50_ms: durable.p50Ms,
    durable_p99_ms: durable.p99Ms,
    durable_requests: durable.total,
    durable_stored: Number(stored),
    noop_rps: Math.round(noop.requestsPerSecond),
    noop_p99_ms: noop.p99Ms,
    inline_rps: Math.round(inline.requestsPerSecond),
    inline_p50_ms: inline.p50Ms,
    inline_p99_ms: inline.p99Ms,
    e2e_task_p50_ms: pct(e2e, 50),
    e2e_task_p95_ms: pct(e2e, 95),
    e2e_samples: e2e.length,
    // Transport errors and non-2xx answers (a refused signature or a duplicate would show here).
    errors: [durable, noop, inline].reduce((n, r) => n + r.errors + r.non2xx, 0),
    salesforce_rtt_ms: RTT_MS,
    connections,
    seconds,
    rounds,
    database: hub.store.dialect,
    ...durableStore,
    targets: { ratio: 0.5, p99_ms: 10, e2e_p95_ms: RTT_MS + 50 },
  }),
);
