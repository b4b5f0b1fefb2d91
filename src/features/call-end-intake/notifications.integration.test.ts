/**
 * The conversation-end source without a public endpoint, against the Genesys emulator's
 * notification channel: a call through a configured queue ends and is wrapped up → one stored
 * event and one Task; the same conversation end then delivered by webhook → no second Task.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { callEndBody, postSigned, startEmulators, waitFor, type Emulators } from './test-support.ts';

let e: Emulators;
let t: TestHub;
let queueId: string;
before(async () => {
  e = await startEmulators();
  const queue = e.gc.ctx.directory.queues()[0];
  if (!queue) throw new Error('the Genesys sandbox has no queues');
  queueId = queue.id;
  t = await startTestHub({
    env: {
      ...e.env,
      PATCHBAY_JOBS_POLL_MS: '20',
      SF_MIRROR_ENABLED: 'false',
      CALL_END_NOTIFICATION_QUEUE_IDS: queueId,
    },
  });
});
after(async () => {
  await t.stop();
  await e.close();
});

/** Drives the emulator's simulated conversation (its control API, as the desktop or a phone would). */
async function control(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${e.gc.url}/__sandbox/conversations${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const storedEvents = (conversationId: string) =>
  t.hub.store.db
    .selectFrom('inbound_events')
    .select('id')
    .where('dedupe_key', '=', `${conversationId}:conversation.ended`)
    .execute();

const tasksOf = (conversationId: string) => e.tasks().filter((x) => x.Conversation_Id__c === conversationId);

void test('a conversation end on the notification channel → one stored event and one Task; the same end by webhook → no second Task', async () => {
  // The leader has opened a channel and subscribed to the queue's conversations topic.
  await waitFor(
    async () => {
      const res = await fetch(`${e.gc.url}/__sandbox/notifications/channels`);
      const { channels } = (await res.json()) as {
        channels: Array<{ topics: string[]; connected: boolean }>;
      };
      return channels.some(
        (c) => c.connected && c.topics.includes(`v2.routing.queues.${queueId}.conversations`),
      )
        ? true
        : undefined;
    },
    20_000,
    'the queue subscription',
  );

  const conv = await control('', { ani: e.contact.phone, queueId });
  const id = String(conv.id);
  await control(`/${id}/answer`, { userId: e.userId });
  await control(`/${id}/disconnect`, { by: 'customer' });
  // Not finished until the agent wraps up: nothing is accepted yet.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await storedEvents(id)).length, 0, 'no event before the wrap-up');
  await control(`/${id}/wrapup`, { code: e.wrapupCodeId });

  const task = await waitFor(() => tasksOf(id)[0], 20_000, 'the Task');
  assert.equal(task.WhoId, e.contact.id);
  assert.equal(task.CallObject, id);
  assert.equal(task.CallType, 'Inbound');
  const events = await storedEvents(id);
  assert.equal(events.length, 1);

  // The same conversation end delivered by webhook too (a flow's data action, say).
  const dup = await postSigned(`${t.url}/webhook/call-ended`, callEndBody(e, { conversationId: id }));
  assert.equal(dup.status, 202);
  assert.equal(dup.json.duplicate, true);
  assert.equal(dup.json.eventId, events[0]!.id);
  const job = await waitFor(
    async () => {
      const jobs = (await t.hub.queue.list({ kind: 'activity-log' })).filter(
        (j) => j.key === `activity-log:${id}`,
      );
      assert.equal(jobs.length, 1, 'one job for the conversation');
      return jobs[0]?.state === 'completed' ? jobs[0] : undefined;
    },
    20_000,
    'the job to complete',
  );
  assert.equal((job.result as { outcome: string }).outcome, 'logged');
  assert.equal(tasksOf(id).length, 1);
  assert.equal((await storedEvents(id)).length, 1);
});
