import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { Connection } from 'jsforce';
import { startSalesforceSandbox, type SalesforceSandbox } from './index.ts';
import { MAPPING_OBJECT, ROUTING_OBJECT } from './object-routing.ts';
import { jsforceClient } from '../../test/support/jsforce.ts';

let sb: SalesforceSandbox;
let conn: Connection;
let supportQueue: string;
let otherQueue: string;
let unmonitoredQueue: string;
let agentId: string;

before(async () => {
  sb = await startSalesforceSandbox();
  conn = await jsforceClient(sb.url, sb);
});
after(async () => sb.close());

beforeEach(async () => {
  sb.reset();
  supportQueue = sb.org.supportQueueId;
  const mk = async (Name: string) =>
    (await conn.sobject('Group').create({ Name, Type: 'Queue', DeveloperName: Name.replace(/ /g, '_') })).id!;
  otherQueue = await mk('Billing Queue');
  unmonitoredQueue = await mk('Sales Queue');
  agentId = (
    await conn.sobject('User').create({ Username: 'agent@sb', LastName: 'Agent', Email: 'agent@sb.test' })
  ).id!;
  await conn.sobject(MAPPING_OBJECT).create({
    Salesforce_Queue_Name__c: 'Support Queue',
    CIC_Workgroup_Name__c: 'Support',
  });
  await conn.sobject(MAPPING_OBJECT).create({
    Salesforce_Queue_Name__c: 'Billing Queue',
    CIC_Workgroup_Name__c: 'Billing',
  });
});

type Entry = { Case__c: string; Reason__c: string; Workgroup__c: string; Skills__c: string | null };
async function entries(caseId: string): Promise<Entry[]> {
  const r = await conn.query<Entry>(
    `SELECT Case__c, Reason__c, Workgroup__c, Skills__c FROM ${ROUTING_OBJECT} WHERE Case__c = '${caseId}' ORDER BY CreatedDate`,
  );
  return r.records.map(({ Case__c, Reason__c, Workgroup__c, Skills__c }) => ({
    Case__c,
    Reason__c,
    Workgroup__c,
    Skills__c,
  }));
}
async function markProcessed(caseId: string) {
  const r = await conn.query<{ Id: string }>(`SELECT Id FROM ${ROUTING_OBJECT} WHERE Case__c = '${caseId}'`);
  for (const e of r.records) await conn.sobject(ROUTING_OBJECT).update({ Id: e.Id, Processed__c: true });
}

void test('mapping: QueueID__c is filled on save; queue names match case-sensitively', async () => {
  const m = await conn.query<{ QueueID__c: string }>(
    `SELECT QueueID__c FROM ${MAPPING_OBJECT} WHERE Salesforce_Queue_Name__c = 'Support Queue'`,
  );
  assert.equal(m.records[0]?.QueueID__c, supportQueue);
  await assert.rejects(
    conn
      .sobject(MAPPING_OBJECT)
      .create({ Salesforce_Queue_Name__c: 'support queue', CIC_Workgroup_Name__c: 'X' }),
    /FIELD_CUSTOM_VALIDATION_EXCEPTION|case-sensitive/,
  );
});

void test('email-to-case control: case + inbound EmailMessage in the queue → exactly one "New Case" entry with skills', async () => {
  const res = await fetch(`${sb.url}/__sandbox/email-to-case`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      queue: 'Support Queue',
      fromAddress: 'someone@example.invalid',
      subject: 'Help',
      body: 'Please',
      skills: 'English;Billing',
    }),
  });
  assert.equal(res.status, 201);
  const { caseId, emailMessageId } = (await res.json()) as { caseId: string; emailMessageId: string };
  const c = await conn.sobject('Case').retrieve(caseId);
  assert.equal(c.OwnerId, supportQueue);
  assert.equal(c.Origin, 'Email');
  const m = await conn.sobject('EmailMessage').retrieve(emailMessageId);
  assert.equal(m.Incoming, true);
  assert.deepEqual(await entries(caseId), [
    { Case__c: caseId, Reason__c: 'New Case', Workgroup__c: 'Support', Skills__c: 'English;Billing' },
  ]);
  const bad = await fetch(`${sb.url}/__sandbox/email-to-case`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queue: 'Nope', fromAddress: 'x@example.invalid' }),
  });
  assert.equal(bad.status, 400);
});

void test('unmonitored queue: no entry', async () => {
  const c = await conn.sobject('Case').create({ Subject: 'x', OwnerId: unmonitoredQueue });
  assert.deepEqual(await entries(c.id!), []);
});

void test('update rules: owner change, queue change, non-owner comment, inbound e-mail route; owner comment does not', async () => {
  const c = (await conn.sobject('Case').create({ Subject: 'x', OwnerId: supportQueue })).id!;
  await markProcessed(c);
  // Owner changed (an agent takes the case; it stays in its queue).
  await conn.sobject('Case').update({ Id: c, OwnerId: agentId });
  assert.equal((await entries(c)).at(-1)?.Reason__c, 'Owner Changed');
  await markProcessed(c);
  // Queue changed to another monitored queue.
  await conn.sobject('Case').update({ Id: c, OwnerId: otherQueue });
  const e = await entries(c);
  assert.equal(e.at(-1)?.Reason__c, 'Queue Changed');
  assert.equal(e.at(-1)?.Workgroup__c, 'Billing');
  await markProcessed(c);
  // The owner (the integration user, after taking it) comments: nothing.
  await conn.sobject('Case').update({ Id: c, OwnerId: sb.org.integrationUserId });
  await markProcessed(c);
  const before = (await entries(c)).length;
  await conn.sobject('CaseComment').create({ ParentId: c, CommentBody: 'note to self' });
  assert.equal((await entries(c)).length, before);
  // Someone else owns it; the integration user's comment is a non-owner comment.
  await conn.sobject('Case').update({ Id: c, OwnerId: agentId });
  await markProcessed(c);
  await conn.sobject('CaseComment').create({ ParentId: c, CommentBody: 'customer called' });
  assert.equal((await entries(c)).at(-1)?.Reason__c, 'Comment Added');
  await markProcessed(c);
  // Inbound e-mail on the case.
  await conn.sobject('EmailMessage').create({ ParentId: c, Incoming: true, Subject: 'Re: x' });
  assert.equal((await entries(c)).at(-1)?.Reason__c, 'Inbound Email');
  // Outbound reply by the agent.
  await conn.sobject('EmailMessage').create({ ParentId: c, Incoming: false, Subject: 'Re: x' });
  assert.equal((await entries(c)).at(-1)?.Reason__c, 'Agent Reply');
  // Moving to an unmonitored queue adds nothing.
  await markProcessed(c);
  const n = (await entries(c)).length;
  await conn.sobject('Case').update({ Id: c, OwnerId: unmonitoredQueue });
  assert.equal((await entries(c)).length, n);
});
