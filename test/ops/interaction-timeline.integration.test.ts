/**
 * One trace per interaction: a call end whose Salesforce write fails twice and then succeeds shows,
 * in `GET /v1/interactions/{conversationId}`, the receipt, both failures with their errors and the
 * success, in time order; the job row and the outbound Salesforce and Genesys calls carry the
 * correlation ID.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createFakeClock } from '../../src/platform/jobs/index.ts';
import type { Timeline } from '../../src/platform/trace/index.ts';
import {
  callEndBody,
  postSigned,
  startEmulators,
  type Emulators,
} from '../../src/features/call-end-intake/test-support.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

let e: Emulators;
let t: TestHub;
const clock = createFakeClock(Date.parse('2026-03-14T10:11:00Z'));

before(async () => {
  e = await startEmulators();
  t = await startTestHub({ workers: false, clock, env: { ...e.env, LOG_LEVEL: 'info' } });
});
after(async () => {
  await t?.stop();
  await e?.close();
});

const sfFaults = (rules: unknown[]) =>
  fetch(`${e.sf.url}/__sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules }),
  });

const timeline = async (id: string, key: string | null = t.apiKey) =>
  fetch(`${t.url}/v1/interactions/${encodeURIComponent(id)}`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });

void test('Salesforce write failed twice then succeeded: the timeline shows both failures and the success', async () => {
  await fetch(`${e.sf.url}/__sandbox/requests`, { method: 'DELETE' });
  await fetch(`${e.gc.url}/__sandbox/requests`, { method: 'DELETE' });
  // The write is the Composite POST; the login and lookups stay healthy.
  await sfFaults([{ pathPrefix: '/services/data/', method: 'POST', errorRate: 1, errorStatus: 500 }]);
  const body = callEndBody(e);
  const id = String(body.conversationId);
  try {
    assert.equal((await postSigned(`${t.url}/webhook/call-ended`, body, { nowMs: clock.now() })).status, 202);
    clock.advance(1_000);
    assert.equal(await t.hub.queue.runOnce('activity-log'), 1);
    clock.advance(5_000); // past the first retry (3 s + jitter)
    assert.equal(await t.hub.queue.runOnce('activity-log'), 1);
    await sfFaults([]);
    clock.advance(15_000); // past the second retry (9 s + jitter)
    assert.equal(await t.hub.queue.runOnce('activity-log'), 1);
  } finally {
    await sfFaults([]);
  }

  const res = await timeline(id);
  assert.equal(res.status, 200);
  const tl = (await res.json()) as Timeline & { conversationId: string };
  assert.equal(tl.conversationId, id);
  assert.equal(tl.correlationId, id);
  assert.equal(tl.status, 'completed');
  assert.deepEqual(
    tl.jobs.map((j) => [j.kind, j.state, j.attempts, j.lostAttempts]),
    [['activity-log', 'completed', 3, 0]],
  );
  assert.deepEqual(
    tl.timeline.map((x) => (x.type === 'attempt' ? `attempt ${x.attempt} ${x.outcome}` : x.type)),
    [
      'received',
      'job-enqueued',
      'attempt 1 retried',
      'attempt 2 retried',
      'attempt 3 completed',
      'job-completed',
    ],
  );
  const attempts = tl.timeline.filter((x) => x.type === 'attempt');
  for (const failed of attempts.slice(0, 2)) assert.match(String(failed.error), /500/);
  assert.equal(attempts[2]?.error, null);
  const times = tl.timeline.map((x) => x.at);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'in time order',
  );
  const done = tl.timeline.at(-1);
  assert.ok(done?.type === 'job-completed');
  assert.equal((done.result as { outcome?: string }).outcome, 'logged');

  // The job row and the outbound calls carry the trace.
  const job = (await t.hub.queue.list({ kind: 'activity-log' })).find((j) => j.key === `activity-log:${id}`);
  assert.equal(job?.correlationId, id);
  const logged = (await (
    await fetch(`${e.sf.url}/__sandbox/requests?pathPrefix=/services/data/&method=POST`)
  ).json()) as { requests: Array<{ status: number; headers: Record<string, string> }> };
  assert.ok(logged.requests.length >= 3);
  assert.ok(logged.requests.every((r) => r.headers['x-correlation-id'] === id));
  assert.deepEqual(
    logged.requests.map((r) => r.status >= 500),
    [...logged.requests.slice(0, -1).map(() => true), false],
  );
  // The Genesys SDK calls too: the job looks up the call's recording on every attempt.
  const gcLogged = (await (
    await fetch(`${e.gc.url}/__sandbox/requests?pathPrefix=/api/v2/conversations/${id}/recordings`)
  ).json()) as { requests: Array<{ headers: Record<string, string> }> };
  assert.equal(gcLogged.requests.length, 3);
  assert.deepEqual(
    gcLogged.requests.map((r) => r.headers['x-correlation-id']),
    [id, id, id],
  );
});

void test('the interaction route needs an admin key and answers 404 for an unknown interaction', async () => {
  assert.equal((await timeline('no-such-conversation', null)).status, 401);
  const res = await timeline('no-such-conversation');
  assert.equal(res.status, 404);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
});
