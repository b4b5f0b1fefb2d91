/**
 * "Every conversation end Patchbay acknowledged produces exactly one record in each target."
 *
 * - Salesforce outage during N call ends (fake clock): every delivery is acknowledged, every job
 *   fails for the whole outage, and after recovery there are exactly N Tasks, one per conversation.
 * - The hub (a child process) SIGKILLed at random points during deliveries of call ends and
 *   supportResults, restarted, senders retrying what was not acknowledged: every acknowledged
 *   event has exactly one Task and one communication record.
 *
 * Short variant in `npm test`; `npm run test:reliability` runs the full one (RELIABILITY=full:
 * 1,000 call ends through a simulated 24 h outage, 20 kill trials of 1,000 deliveries).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createFakeClock } from '../../../platform/jobs/index.ts';
import { spawnTs, type TestProcess } from '../../../../test/support/processes.ts';
import { startTestHub } from '../../../../test/support/hub.ts';
import {
  callEndBody,
  postSigned,
  startEmulators,
  supportResultBody,
  type Emulators,
} from '../test-support.ts';

const FULL = process.env.RELIABILITY === 'full';
const OUTAGE_CALLS = 1000;
const OUTAGE_HOURS = FULL ? 24 : 0.25;
const KILL_TRIALS = FULL ? 20 : 1;
const KILL_DELIVERIES = FULL ? 1000 : 500; // conversations; each gets a call end and a supportResult

let e: Emulators;
before(async () => {
  e = await startEmulators();
});
after(async () => {
  await e.close();
});

const sfFaults = (rules: unknown[]) =>
  fetch(`${e.sf.url}/__sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules }),
  });

void test(
  `Salesforce outage (${OUTAGE_HOURS} h, fake clock) during ${OUTAGE_CALLS} call ends → exactly ${OUTAGE_CALLS} Tasks, each once`,
  { timeout: FULL ? 1_800_000 : 120_000 },
  async (tc) => {
    const clock = createFakeClock(Date.now());
    const { GENESYS_API_URL: _a, GENESYS_CLIENT_ID: _b, GENESYS_CLIENT_SECRET: _c, ...env } = e.env;
    const t = await startTestHub({ workers: false, clock, env: { ...env, LOG_LEVEL: 'info' } });
    try {
      await sfFaults([{ pathPrefix: '/services', errorRate: 1, errorStatus: 503 }]);
      const ids: string[] = [];
      const bodies = Array.from({ length: OUTAGE_CALLS }, () => callEndBody(e));
      for (let i = 0; i < bodies.length; i += 50) {
        const res = await Promise.all(
          bodies
            .slice(i, i + 50)
            .map((b) => postSigned(`${t.url}/webhook/call-ended`, b, { nowMs: clock.now() })),
        );
        assert.ok(res.every((r) => r.status === 202));
      }
      for (const b of bodies) ids.push(String(b.conversationId));
      // The outage: jobs retry on the schedule (3 s, 9 s, 27 s, then every 5 min) and keep failing.
      let attempts = 0;
      const step = async (ms: number) => {
        clock.advance(ms);
        attempts += await t.hub.queue.runOnce('activity-log');
      };
      for (const ms of [0, 3_500, 9_500, 28_000]) await step(ms);
      const end = clock.now() + OUTAGE_HOURS * 3_600_000;
      while (clock.now() < end) await step(FULL && clock.now() > end - 23 * 3_600_000 ? 3_600_000 : 300_000);
      assert.ok(attempts >= OUTAGE_CALLS * 4, `every job retried through the outage (${attempts} attempts)`);
      assert.equal(e.tasks().filter((x) => ids.includes(String(x.Conversation_Id__c))).length, 0);
      const parked = await t.hub.queue.parked({ kind: 'activity-log' });
      assert.equal(parked.length, 0, 'nothing parked within the 72 h max age');
      // Recovery.
      await sfFaults([]);
      await step(300_000);
      await step(300_000);
      const byId = new Map<string, number>();
      for (const task of e.tasks()) {
        const k = String(task.Conversation_Id__c);
        if (ids.includes(k)) byId.set(k, (byId.get(k) ?? 0) + 1);
      }
      assert.equal(byId.size, OUTAGE_CALLS);
      assert.ok([...byId.values()].every((n) => n === 1));
      const jobs = await t.hub.queue.list({ kind: 'activity-log', state: 'completed', limit: 5000 });
      assert.equal(
        jobs.filter((j) => ids.includes(String(j.key).slice('activity-log:'.length))).length,
        OUTAGE_CALLS,
      );
      tc.diagnostic(`${attempts} failed attempts during the outage, then ${byId.size} Tasks, each once`);
    } finally {
      await sfFaults([]);
      await t.stop();
    }
  },
);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

void test(
  `hub SIGKILLed at random points during deliveries (${KILL_TRIALS} trial(s) × ${KILL_DELIVERIES} conversations) → every acknowledged event has exactly one Task and one record`,
  { timeout: FULL ? 3_600_000 : 120_000 },
  async (tc) => {
    for (let trial = 0; trial < KILL_TRIALS; trial++) {
      const dir = mkdtempSync(join(tmpdir(), 'pb-kill-'));
      const port = await freePort();
      const env = {
        ...e.env,
        PATCHBAY_PORT: String(port),
        PATCHBAY_SQLITE_PATH: join(dir, 'hub.sqlite'),
        PATCHBAY_JOBS_POLL_MS: '20',
        PATCHBAY_JOBS_LEASE_SECONDS: '5',
        LOG_LEVEL: 'warn',
      };
      const url = `http://127.0.0.1:${port}`;
      const script = join(import.meta.dirname, 'hub-process.ts');
      let child: TestProcess = spawnTs(script, env);
      await child.waitForLine(/^LISTENING/);

      const convs = Array.from({ length: KILL_DELIVERIES }, () => callEndBody(e));
      const pending: Array<{ kind: 'call' | 'result'; body: Record<string, unknown> }> = convs.flatMap(
        (b) => [
          { kind: 'call' as const, body: b },
          { kind: 'result' as const, body: supportResultBody(e, String(b.conversationId)) },
        ],
      );
      const acked = { call: new Set<string>(), result: new Set<string>() };
      const killAt = new Set([Math.floor(Math.random() * pending.length * 0.8) + 1]);
      if (FULL) killAt.add(Math.floor(Math.random() * pending.length) + 1);
      let sent = 0;
      let kills = 0;
      let restarting: Promise<void> | undefined;
      const restart = async () => {
        child.kill('SIGKILL');
        await child.exited;
        kills++;
        child = spawnTs(script, env);
        await child.waitForLine(/^LISTENING/);
      };
      // 16 senders; a failed delivery goes back to the queue (the sender's retry).
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (;;) {
            const d = pending.shift();
            if (!d) return;
            sent++;
            if (killAt.has(sent) && !restarting)
              restarting = restart().finally(() => (restarting = undefined));
            try {
              const r =
                d.kind === 'call'
                  ? await postSigned(`${url}/webhook/call-ended`, d.body)
                  : await postSigned(`${url}/customers/supportResult`, d.body, { scheme: 'token' });
              if (r.status === 202) acked[d.kind].add(String(d.body.conversationId));
              else pending.push(d);
            } catch {
              pending.push(d);
              await (restarting ?? new Promise((res) => setTimeout(res, 50)));
            }
          }
        }),
      );
      assert.ok(kills >= 1, 'the hub was killed during the deliveries');
      // Everything acknowledged is eventually written, exactly once.
      const delivered = Date.now();
      const deadline = delivered + (FULL ? 300_000 : 90_000);
      const count = () => {
        const tasks = new Map<string, number>();
        for (const t of e.tasks())
          tasks.set(String(t.Conversation_Id__c), (tasks.get(String(t.Conversation_Id__c)) ?? 0) + 1);
        const recs = new Map<string, number>();
        for (const r of e.bo.records()) recs.set(r.interactionId, (recs.get(r.interactionId) ?? 0) + 1);
        return { tasks, recs };
      };
      let c = count();
      while (
        Date.now() < deadline &&
        ([...acked.call].some((id) => !c.tasks.has(id)) || [...acked.result].some((id) => !c.recs.has(id)))
      ) {
        await new Promise((res) => setTimeout(res, 200));
        c = count();
      }
      const drainMs = Date.now() - delivered;
      child.kill('SIGTERM');
      await child.exited;
      for (const id of acked.call) assert.equal(c.tasks.get(id), 1, `Task for ${id}`);
      for (const id of acked.result) assert.equal(c.recs.get(id), 1, `record for ${id}`);
      assert.equal(acked.call.size, KILL_DELIVERIES, 'every call end acknowledged once the sender retried');
      assert.equal(acked.result.size, KILL_DELIVERIES);
      tc.diagnostic(
        `trial ${trial + 1}: ${kills} kill(s), ${sent} sends for ${2 * KILL_DELIVERIES} events, every acknowledged one written once ${drainMs} ms after the last acknowledgement`,
      );
    }
  },
);
