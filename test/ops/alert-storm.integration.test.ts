/**
 * An alert storm end to end: Salesforce down for 10 minutes (fake clock) while 1,000 conversation
 * ends arrive. Every job fails and retries; the sinks hear one alert per condition and one recovery
 * message once Salesforce answers again — not thousands. The platform's parked-jobs check stays
 * quiet (nothing is parked within the max age) and raises/resolves once when a job is parked.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import {
  callEndBody,
  postSigned,
  startEmulators,
  type Emulators,
} from '../../src/features/call-end-intake/test-support.ts';
import { evaluateCheck, listAlerts, parkedJobsCheck } from '../../src/platform/alerts/index.ts';
import { createFakeClock } from '../../src/platform/jobs/index.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

interface HookBody {
  patchbay: { event: string; alert: { condition: string } };
}

let e: Emulators;
let t: TestHub;
const bodies: HookBody[] = [];
const hook = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookBody);
    res.writeHead(200).end('ok');
  });
});
const clock = createFakeClock(Date.now());

before(async () => {
  e = await startEmulators();
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const { GENESYS_API_URL: _a, GENESYS_CLIENT_ID: _b, GENESYS_CLIENT_SECRET: _c, ...env } = e.env;
  t = await startTestHub({
    workers: false,
    clock,
    env: {
      ...env,
      LOG_LEVEL: 'info',
      PATCHBAY_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks`,
    },
  });
});
after(async () => {
  await t?.stop();
  await e?.close();
  await new Promise<void>((resolve) => hook.close(() => resolve()));
});

const sfFaults = (rules: unknown[]) =>
  fetch(`${e.sf.url}/__sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules }),
  });

void test(
  'Salesforce down for 10 minutes during 1,000 calls: one alert per condition, then one recovery message',
  { timeout: 180_000 },
  async () => {
    const CALLS = 1000;
    const parked = parkedJobsCheck(t.hub.queue);
    await sfFaults([{ pathPrefix: '/services', errorRate: 1, errorStatus: 503 }]);
    try {
      const all = Array.from({ length: CALLS }, () => callEndBody(e));
      for (let i = 0; i < all.length; i += 50) {
        const res = await Promise.all(
          all
            .slice(i, i + 50)
            .map((b) => postSigned(`${t.url}/webhook/call-ended`, b, { nowMs: clock.now() })),
        );
        assert.ok(res.every((r) => r.status === 202));
      }
      // Ten minutes of outage: retries at 3 s, 9 s, 27 s, then every 5 minutes; checks run meanwhile.
      const outageEnd = clock.now() + 10 * 60_000;
      for (const ms of [0, 3_500, 9_500, 28_000, 300_000, 300_000]) {
        clock.advance(ms);
        await t.hub.queue.runOnce();
        await evaluateCheck(t.hub.alerts, parked);
      }
      assert.ok(clock.now() >= outageEnd - 60_000);
    } finally {
      await sfFaults([]);
    }
    // Recovery.
    clock.advance(300_000);
    await t.hub.queue.runOnce();
    await evaluateCheck(t.hub.alerts, parked);
    await t.hub.queue.runOnce(); // the sink jobs of the recovery

    const tasks = e.tasks().length;
    assert.ok(tasks >= CALLS, `every call logged after the outage (${tasks} Tasks)`);
    const byCondition = new Map<string, string[]>();
    for (const b of bodies)
      byCondition.set(b.patchbay.alert.condition, [
        ...(byCondition.get(b.patchbay.alert.condition) ?? []),
        b.patchbay.event,
      ]);
    assert.ok(byCondition.has('activity-log.failure-rate'), 'the logging failure rate alerted');
    for (const [condition, events] of byCondition)
      assert.deepEqual(events, ['raised', 'resolved'], `${condition}: one alert, one recovery`);
    assert.ok(!byCondition.has('jobs.parked'), 'nothing parked within the max age');
    const { open, recent } = await listAlerts(t.hub.store.db);
    assert.deepEqual(open, []);
    const failure = recent.find((a) => a.condition === 'activity-log.failure-rate');
    assert.ok(failure !== undefined && failure.count >= 1);
  },
);

void test('parked jobs: the platform check raises one alert and resolves it when none is left', async () => {
  bodies.length = 0;
  const check = parkedJobsCheck(t.hub.queue);
  // A permanent failure parks at once: a Task refused with 400.
  await sfFaults([{ pathPrefix: '/services/data/', method: 'POST', errorRate: 1, errorStatus: 400 }]);
  try {
    assert.equal(
      (await postSigned(`${t.url}/webhook/call-ended`, callEndBody(e), { nowMs: clock.now() })).status,
      202,
    );
    await t.hub.queue.runOnce('activity-log');
  } finally {
    await sfFaults([]);
  }
  const parkedJobs = await t.hub.queue.parked({ kind: 'activity-log' });
  assert.equal(parkedJobs.length, 1);
  await evaluateCheck(t.hub.alerts, check);
  await evaluateCheck(t.hub.alerts, check);
  assert.ok(await t.hub.queue.replay(parkedJobs[0]!.id));
  await t.hub.queue.runOnce('activity-log');
  await evaluateCheck(t.hub.alerts, check);
  await t.hub.queue.runOnce();
  assert.deepEqual(
    bodies.filter((b) => b.patchbay.alert.condition === 'jobs.parked').map((b) => b.patchbay.event),
    ['raised', 'resolved'],
  );
});
