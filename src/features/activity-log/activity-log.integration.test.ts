/**
 * Conversation end → one Salesforce Task through the real hub, the Salesforce and Genesys
 * emulators: the seed's mapping, one Composite request, the Contact's call fields (never
 * LastActivityDate), idempotency of the write, and the not-found policies.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSalesforceConnector } from '../../connectors/salesforce/client.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { testLogger } from '../../../test/support/logger.ts';
import {
  callEndBody,
  postSigned,
  startEmulators,
  waitFor,
  type Emulators,
} from '../call-end-intake/test-support.ts';
import { writeTask } from './write-task.ts';

let e: Emulators;
let t: TestHub;
before(async () => {
  e = await startEmulators();
  t = await startTestHub({
    // No mirror here, so a caller number resolves live; the index has its own test below.
    env: {
      ...e.env,
      PATCHBAY_JOBS_POLL_MS: '20',
      PATCHBAY_TIMEZONE: 'America/Los_Angeles',
      SF_MIRROR_ENABLED: 'false',
    },
  });
});
after(async () => {
  await t.stop();
  await e.close();
});

const job = (conversationId: string) =>
  waitFor(
    async () => {
      const j = (await t.hub.queue.list({ kind: 'activity-log' })).find(
        (x) => x.key === `activity-log:${conversationId}`,
      );
      return j?.state === 'completed' || j?.state === 'parked' ? j : undefined;
    },
    20_000,
    'activity-log job',
  );

void test('call end → one Task with the seed mapping in ONE Composite request, Contact call fields updated', async () => {
  await fetch(`${e.sf.url}/__sandbox/requests`, { method: 'DELETE' });
  const body = callEndBody(e, { endTime: '2026-03-15T02:10:30Z' });
  const id = String(body.conversationId);
  assert.equal((await postSigned(`${t.url}/webhook/call-ended`, body)).status, 202);
  const j = await job(id);
  assert.equal(j.state, 'completed', j.lastError ?? '');
  assert.deepEqual(
    { ...(j.result as object), taskId: undefined },
    {
      outcome: 'logged',
      taskId: undefined,
      created: true,
      contactVia: 'attribute',
      recording: false,
    },
  );
  const tasks = e.tasks().filter((x) => x.Conversation_Id__c === id);
  assert.equal(tasks.length, 1);
  const task = tasks[0]!;
  assert.equal(task.Subject, `Call with ${e.contact.name}`);
  assert.equal(task.WhoId, e.contact.id);
  assert.equal(task.WhatId, e.contact.accountId);
  assert.equal(task.CallObject, id);
  assert.equal(task.TaskSubtype, 'Call');
  assert.equal(task.CallType, 'Inbound');
  assert.equal(task.Status, 'Completed');
  assert.equal(task.CallDurationInSeconds, 630);
  // 02:10 UTC on the 15th is still the 14th in the org's time zone.
  assert.equal(task.ActivityDate, '2026-03-14');
  assert.match(
    String(task.Description),
    /Duration: 10 min 30 s\nAgent: Agent Smith\nQueue: Support Queue\nStart: 2026-03-14T10:00:00Z\nEnd: 2026-03-15T02:10:30Z\nRecording: not available/,
  );
  const contact = e.sf.store.get(e.contact.id)!;
  assert.equal(Number(contact.Last_Call_Date__c), Date.parse('2026-03-15T02:10:30Z')); // stored as epoch ms
  assert.equal(contact.Last_Call_Duration__c, 630);
  const { requests: log } = (await (await fetch(`${e.sf.url}/__sandbox/requests`)).json()) as {
    requests: Array<{ method: string; path: string }>;
  };
  const writes = log.filter((r) => r.method !== 'GET' && !r.path.includes('oauth2'));
  assert.deepEqual(
    writes.map((r) => r.path.replace(/v\d+\.\d+/, 'vX')),
    ['/services/data/vX/composite'],
  );
});

void test('a repeated write (retry after a crash) updates the same Task, never a second one', async () => {
  const sf = createSalesforceConnector({
    loginUrl: e.sf.url,
    clientId: e.sf.clientId,
    clientSecret: e.sf.clientSecret,
    log: testLogger(),
  });
  const w = {
    conversationId: 'retry-conv-1',
    task: { Subject: 'Call with X', Status: 'Completed', TaskSubtype: 'Call', CallObject: 'retry-conv-1' },
    contactId: e.contact.id,
    contactFields: { Last_Call_Duration__c: 5 },
  };
  const first = await writeTask(sf, 'external-id', w);
  const second = await writeTask(sf, 'external-id', { ...w, task: { ...w.task, Subject: 'Call with Y' } });
  assert.equal(first.created, true);
  assert.equal(second.created, false);
  assert.equal(second.taskId, first.taskId);
  const tasks = e.tasks().filter((x) => x.Conversation_Id__c === 'retry-conv-1');
  assert.equal(tasks.length, 1);
  assert.equal(tasks[0]!.Subject, 'Call with Y');
  // Orgs without Conversation_Id__c: CallObject is checked first.
  const a = await writeTask(sf, 'call-object', {
    ...w,
    conversationId: 'retry-conv-2',
    task: { ...w.task, CallObject: 'retry-conv-2' },
  });
  const b = await writeTask(sf, 'call-object', {
    ...w,
    conversationId: 'retry-conv-2',
    task: { ...w.task, CallObject: 'retry-conv-2' },
  });
  assert.equal(b.taskId, a.taskId);
  assert.equal(e.tasks().filter((x) => x.CallObject === 'retry-conv-2').length, 1);
  await sf.close();
});

void test('contact resolution: live lookup by caller number; no contact → skip (recorded in the job result)', async () => {
  const live = callEndBody(e, { attributes: {}, callerId: '(415) 555-0142' });
  assert.equal((await postSigned(`${t.url}/webhook/call-ended`, live)).status, 202);
  const j = await job(String(live.conversationId));
  assert.equal((j.result as { contactVia: string }).contactVia, 'live');
  const task = e.tasks().find((x) => x.Conversation_Id__c === live.conversationId)!;
  assert.equal(task.WhoId, e.contact.id);

  const unknown = callEndBody(e, { attributes: {}, callerId: '+14155559876' });
  assert.equal((await postSigned(`${t.url}/webhook/call-ended`, unknown)).status, 202);
  const k = await job(String(unknown.conversationId));
  assert.deepEqual(k.result, {
    outcome: 'skipped',
    reason: 'contact_not_found',
    policy: 'skip',
    recording: false,
  });
  assert.equal(e.tasks().filter((x) => x.Conversation_Id__c === unknown.conversationId).length, 0);
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  assert.match(metrics, /patchbay_activity_log_contacts_not_found_total 1/);
  assert.match(metrics, /patchbay_activity_log_total\{outcome="logged"\} [1-9]/);
});

void test('contact resolution: the screen-pop index answers by caller number, no live Salesforce lookup', async () => {
  const hub = await startTestHub({ env: { ...e.env, PATCHBAY_JOBS_POLL_MS: '20' } });
  try {
    await waitFor(
      async () => {
        const res = await fetch(`${hub.url}/v1/admin/screen-pop/status`, {
          headers: { authorization: `Bearer ${hub.apiKey}` },
        });
        const s = (await res.json()) as { mirror: { warm: boolean } };
        return s.mirror.warm ? true : undefined;
      },
      20_000,
      'the mirror to be warm',
    );
    await fetch(`${e.sf.url}/__sandbox/requests`, { method: 'DELETE' });
    const body = callEndBody(e, { attributes: {}, callerId: '(415) 555-0142' });
    assert.equal((await postSigned(`${hub.url}/webhook/call-ended`, body)).status, 202);
    const j = await waitFor(
      async () => {
        const x = (await hub.hub.queue.list({ kind: 'activity-log' })).find(
          (k) => k.key === `activity-log:${String(body.conversationId)}`,
        );
        return x?.state === 'completed' ? x : undefined;
      },
      20_000,
      'activity-log job',
    );
    assert.equal((j.result as { contactVia: string }).contactVia, 'index');
    const task = e.tasks().find((x) => x.Conversation_Id__c === body.conversationId)!;
    assert.equal(task.WhoId, e.contact.id);
    assert.equal(task.Subject, `Call with ${e.contact.name}`);
    // The live lookup would be a query or search naming the caller's number: none was made.
    const { requests: log } = (await (await fetch(`${e.sf.url}/__sandbox/requests`)).json()) as {
      requests: Array<{ path: string; query: string }>;
    };
    const lookups = log.filter(
      (r) =>
        /\/(query|search|parameterizedSearch)/.test(r.path) &&
        /5550142|555-0142/.test(decodeURIComponent(r.query)),
    );
    assert.deepEqual(lookups, []);
  } finally {
    await hub.stop();
  }
});

void test('unknown-caller-account and create-contact policies', async () => {
  const account = e.sf.store.insert('Account', { Name: 'Unknown callers' });
  const hub = await startTestHub({
    env: {
      ...e.env,
      PATCHBAY_JOBS_POLL_MS: '20',
      ACTIVITY_LOG_NOT_FOUND: 'unknown-caller-account',
      ACTIVITY_LOG_UNKNOWN_CALLER_ACCOUNT_ID: String(account.Id),
    },
  });
  try {
    const body = callEndBody(e, { attributes: {}, callerId: '+14155559877' });
    await postSigned(`${hub.url}/webhook/call-ended`, body);
    await waitFor(() => e.tasks().find((x) => x.Conversation_Id__c === body.conversationId), 20_000, 'task');
    const task = e.tasks().find((x) => x.Conversation_Id__c === body.conversationId)!;
    assert.equal(task.WhatId, account.Id);
    assert.equal(task.WhoId ?? null, null);
  } finally {
    await hub.stop();
  }
  const hub2 = await startTestHub({
    env: { ...e.env, PATCHBAY_JOBS_POLL_MS: '20', ACTIVITY_LOG_NOT_FOUND: 'create-contact' },
  });
  try {
    const body = callEndBody(e, { attributes: {}, callerId: '+14155559878' });
    await postSigned(`${hub2.url}/webhook/call-ended`, body);
    const task = await waitFor(
      () => e.tasks().find((x) => x.Conversation_Id__c === body.conversationId),
      20_000,
      'task',
    );
    const created = e.sf.store.get(String(task.WhoId))!;
    assert.equal(created.Phone, '+14155559878');
    assert.equal(created.Last_Call_Duration__c, 630);
  } finally {
    await hub2.stop();
  }
});

void test('withdrawn consent for logging: no Task for that caller; other callers are still logged', async () => {
  const account = e.sf.store.insert('Account', { Name: 'Consent Test Ltd' });
  const withdrawn = e.sf.store.insert('Contact', {
    FirstName: 'Quinn',
    LastName: 'Withdrawn',
    Phone: '+14155550177',
    AccountId: account.Id,
  });
  const res = await fetch(`${t.url}/v1/privacy/consents/withdraw`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contactId: withdrawn.Id }),
  });
  assert.equal(res.status, 200, await res.text());

  // Found by the flow's attribute and, in another call, live by the caller's number: both skipped.
  const byAttribute = callEndBody(e, {
    callerId: '+14155550177',
    attributes: { contact_id: withdrawn.Id, contact_name: 'Quinn Withdrawn', account_id: account.Id },
  });
  const byNumber = callEndBody(e, { callerId: '+14155550177', attributes: {} });
  const other = callEndBody(e);
  for (const body of [byAttribute, byNumber, other])
    assert.equal((await postSigned(`${t.url}/webhook/call-ended`, body)).status, 202);
  for (const body of [byAttribute, byNumber]) {
    const j = await job(String(body.conversationId));
    assert.equal(j.state, 'completed', j.lastError ?? '');
    assert.deepEqual(j.result, { outcome: 'skipped', reason: 'consent_withdrawn', recording: false });
    assert.equal(e.tasks().filter((x) => x.Conversation_Id__c === body.conversationId).length, 0);
  }
  assert.equal(e.sf.store.get(String(withdrawn.Id))!.Last_Call_Duration__c ?? null, null);
  const j = await job(String(other.conversationId));
  assert.equal((j.result as { outcome: string }).outcome, 'logged');
  assert.equal(e.tasks().filter((x) => x.Conversation_Id__c === other.conversationId).length, 1);
});
