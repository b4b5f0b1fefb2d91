/**
 * Seed 003: the event sequence of a real call (as Genesys Cloud for Salesforce calls onSaveLog)
 * produces one Task with the merged fields, `{ id: "" }` before the configured events and the
 * Task ID on them — never null. Unknown event → 400.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { testEachDialect } from '../../../test/support/databases.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { postSigned, startEmulators, type Emulators } from '../call-end-intake/test-support.ts';

let e: Emulators;
let t: TestHub;
before(async () => {
  e = await startEmulators();
  t = await startTestHub({ env: { ...e.env, PATCHBAY_JOBS_POLL_MS: '20' } });
});
after(async () => {
  await t.stop();
  await e.close();
});

const save = (body: unknown) => postSigned(`${t.url}/v1/extensions/save-log`, body, { scheme: 'token' });

void test('a real call: one Task, merged fields, the right return values', async () => {
  const id = randomUUID();
  const interaction = (state: Record<string, unknown>) => ({
    id,
    name: e.contact.name,
    ani: e.contact.phone,
    direction: 'Inbound',
    isConnected: true,
    isDisconnected: false,
    isDone: false,
    ...state,
  });
  const steps: Array<[string, Record<string, unknown>, Record<string, unknown>, 'empty' | 'task']> = [
    [
      'openCallLog',
      interaction({}),
      { Subject: `Call with ${e.contact.name}`, WhoId: e.contact.id },
      'empty',
    ],
    ['interactionChanged', interaction({}), { Description: 'Customer asks about card' }, 'empty'],
    [
      'interactionDisconnected',
      interaction({ isConnected: false, isDisconnected: true }),
      { CallDurationInSeconds: 312 },
      'task',
    ],
    [
      'interactionChangedAfterDisconnect',
      interaction({ isDisconnected: true }),
      { Description: 'Card reissued', CallDisposition: 'Resolved' },
      'task',
    ],
    [
      'interactionACWCompleted',
      interaction({ isDisconnected: true, isDone: true }),
      { Status: 'Completed' },
      'task',
    ],
    ['interactionRemoved', interaction({ isDisconnected: true, isDone: true }), {}, 'empty'],
  ];
  const ids: string[] = [];
  for (const [eventName, inter, callLog, expected] of steps) {
    const r = await save({ eventName, interaction: inter, callLog });
    assert.equal(r.status, 200, `${eventName}: ${JSON.stringify(r.json)}`);
    assert.equal(typeof r.json.id, 'string', `${eventName} never null`);
    if (expected === 'empty') assert.equal(r.json.id, '', eventName);
    else {
      assert.notEqual(r.json.id, '', eventName);
      ids.push(String(r.json.id));
    }
  }
  assert.equal(new Set(ids).size, 1, 'the same Task every time');
  const tasks = e.tasks().filter((x) => x.CallObject === id);
  assert.equal(tasks.length, 1);
  const task = tasks[0]!;
  assert.equal(task.Id, ids[0]);
  assert.equal(task.Subject, `Call with ${e.contact.name}`);
  assert.equal(task.WhoId, e.contact.id);
  assert.equal(task.Description, 'Card reissued');
  assert.equal(task.CallDurationInSeconds, 312);
  assert.equal(task.CallDisposition, 'Resolved');
  assert.equal(task.Status, 'Completed');
  assert.equal(task.TaskSubtype, 'Call');
  assert.equal(task.CallType, 'Inbound');
});

void test('unknown event → 400 naming eventName; unsigned → 401', async () => {
  const r = await save({ eventName: 'interactionExploded', interaction: { id: 'x' }, callLog: {} });
  assert.equal(r.status, 400);
  assert.deepEqual((r.json.error as { details: unknown }).details, { field: 'eventName' });
  const u = await fetch(`${t.url}/v1/extensions/save-log`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventName: 'openCallLog', interaction: { id: 'x' }, callLog: {} }),
  });
  assert.equal(u.status, 401);
});

void test('Salesforce down during the request → { id: "" }, and the job saves it later', async () => {
  const id = randomUUID();
  const faults = (rules: unknown[]) =>
    fetch(`${e.sf.url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules }),
    });
  await faults([{ pathPrefix: '/services/data', errorRate: 1, errorStatus: 503 }]);
  const r = await save({
    eventName: 'interactionDisconnected',
    interaction: { id, isDisconnected: true },
    callLog: { Subject: 'Call' },
  });
  assert.deepEqual(r.json, { id: '' });
  await faults([]);
  const job = (await t.hub.queue.list({ kind: 'save-log.upsert' })).find((j) => j.key === `save-log:${id}:1`);
  assert.ok(job);
  // The safety net runs 30 s later: run it now instead of waiting.
  await t.hub.store.db
    .updateTable('jobs')
    .set({ run_at: Date.now() })
    .where('id', '=', Number(job.id))
    .execute();
  const deadline = Date.now() + 20_000;
  while (e.tasks().filter((x) => x.CallObject === id).length === 0 && Date.now() < deadline)
    await new Promise((res) => setTimeout(res, 50));
  assert.equal(e.tasks().filter((x) => x.CallObject === id).length, 1);
});

testEachDialect(
  'deltas of one interaction sent at once all land in its merged call log, none overwritten',
  async (_t, { dialect, config }) => {
    // Their own hub per dialect (the file's hub is SQLite's): the deltas share a group commit there.
    const own = await startTestHub({
      env: e.env,
      ...(dialect === 'postgres' && config.databaseUrl !== undefined
        ? { databaseUrl: config.databaseUrl }
        : {}),
    });
    try {
      const id = randomUUID();
      const interaction = { id, name: e.contact.name, ani: e.contact.phone, direction: 'Inbound' };
      const fields = Array.from({ length: 12 }, (_, i) => `Note_${i}__c`);
      const responses = await Promise.all(
        fields.map((field, i) =>
          postSigned(
            `${own.url}/v1/extensions/save-log`,
            { eventName: 'interactionChanged', interaction, callLog: { [field]: `note ${i}` } },
            { scheme: 'token' },
          ),
        ),
      );
      assert.deepEqual(
        responses.map((r) => r.status),
        fields.map(() => 200),
      );
      const row = await own.hub.store.db
        .selectFrom('save_log_interactions')
        .select(['call_log', 'version'])
        .where('interaction_id', '=', id)
        .executeTakeFirstOrThrow();
      const merged = JSON.parse(row.call_log) as Record<string, unknown>;
      assert.deepEqual(Object.keys(merged).sort(), [...fields].sort());
      assert.equal(row.version, fields.length, 'one version per delta');
    } finally {
      await own.stop();
    }
  },
);
