/**
 * Case routing to a Genesys Cloud mapping end to end: Salesforce sandbox (with the Object Routing
 * package) + Genesys sandbox + a real hub on SQLite. A case in the mapped Salesforce queue becomes
 * an ACD e-mail conversation in the Genesys queue of that exact name, with the case's skills and
 * the screen-pop attribute; a crash between the create and the local record (simulated by a
 * SQLite trigger that makes the record fail) is retried without a second conversation.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Connection } from 'jsforce';
import { sql } from 'kysely';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { jsforceClient } from '../../../test/support/jsforce.ts';

const ROUTING = 'ININ_Object_Routing_Queue__c';
const GC_QUEUE = 'Cloud Support';
let sf: SalesforceSandbox;
let gc: GenesysSandbox;
let conn: Connection;
let hub: TestHub;
let gcToken: string;
const dir = mkdtempSync(join(tmpdir(), 'pb-routing-gc-'));

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Entry = { Id: string; Processed__c: boolean; Status__c: string; Interaction_Id__c: string | null };
const entries = (caseId: string): Entry[] =>
  [...sf.store.scan(sf.store.meta(ROUTING))].filter((e) => e.Case__c === caseId) as unknown as Entry[];

async function emailToCase(queue: string, skills: string): Promise<string> {
  const res = await fetch(`${sf.url}/__sandbox/email-to-case`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      queue,
      fromAddress: 'customer@example.invalid',
      subject: 'Invoice question',
      body: 'Hello',
      skills,
    }),
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { caseId: string }).caseId;
}

const gcApi = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${gc.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${gcToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.equal(res.status, 200, `${method} ${path}`);
  return await res.json();
};

/** Distinct Genesys conversations carrying the case's SF_CaseId attribute. */
async function conversationsOfCase(caseId: string): Promise<string[]> {
  const r = (await gcApi('POST', '/api/v2/conversations/participants/attributes/search', {
    query: [{ type: 'EXACT', fields: ['attributes.SF_CaseId'], value: caseId }],
  })) as { results: { conversationId: string }[] };
  return [...new Set(r.results.map((x) => x.conversationId))];
}

type GcParticipant = {
  purpose: string;
  queueId?: string;
  queueName?: string;
  address?: string;
  attributes?: Record<string, string>;
};
type GcEmailParticipant = {
  purpose: string;
  queue?: { id: string };
  conversationRoutingData?: { queue?: { id: string }; skills?: { id: string }[] };
};

before(async () => {
  sf = await startSalesforceSandbox();
  gc = await startGenesysSandbox({ seed: { queues: [`${GC_QUEUE} 2`, GC_QUEUE] } });
  const tok = await fetch(`${gc.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${gc.clientId}:${gc.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  gcToken = ((await tok.json()) as { access_token: string }).access_token;
  conn = await jsforceClient(sf.url, sf, '62.0');
  await conn.sobject('Group').create({ Name: 'Cloud Queue', Type: 'Queue', DeveloperName: 'Cloud_Queue' });
  await conn.sobject('Interaction_Routing_Queue__c').create({
    Salesforce_Queue_Name__c: 'Cloud Queue',
    CIC_Workgroup_Name__c: GC_QUEUE,
    Target__c: 'Genesys Cloud',
  });
  hub = await startTestHub({
    env: {
      PATCHBAY_SQLITE_PATH: join(dir, 'patchbay.sqlite'),
      CASE_ROUTING_ENABLED: 'true',
      PATCHBAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PATCHBAY_JOBS_POLL_MS: '50',
      GENESYS_API_URL: gc.url,
      GENESYS_CLIENT_ID: gc.clientId,
      GENESYS_CLIENT_SECRET: gc.clientSecret,
    },
  });
  const s = await fetch(`${hub.url}/routing/credentials/salesforce`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${hub.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ loginUrl: sf.url, clientId: sf.clientId, clientSecret: sf.clientSecret }),
  });
  assert.equal(s.status, 204, await s.text());
});

after(async () => {
  await hub?.stop();
  await gc?.close();
  await sf?.close();
});

void test('a case in a Genesys Cloud mapping becomes an ACD e-mail in the queue with skills and the screen pop', async () => {
  const caseId = await emailToCase('Cloud Queue', 'Billing;French');
  await until('entry processed', () => entries(caseId)[0]?.Processed__c === true);
  const [entry] = entries(caseId);
  assert.equal(entry?.Status__c, 'Processed');
  const ids = await conversationsOfCase(caseId);
  assert.equal(ids.length, 1);
  assert.equal(entry?.Interaction_Id__c, ids[0]);

  const queue = gc.ctx.directory.queues().find((q) => q.name === GC_QUEUE)!;
  const skillIds = ['Billing', 'French'].map(
    (n) => [...gc.directory.skills.values()].find((s) => s.name === n)!.id,
  );
  const conv = (await gcApi('GET', `/api/v2/conversations/${ids[0]}`)) as { participants: GcParticipant[] };
  const customer = conv.participants.find((p) => p.purpose === 'customer');
  const acd = conv.participants.find((p) => p.purpose === 'acd');
  assert.equal(acd?.queueId, queue.id, 'the exactly named queue, not "Cloud Support 2"');
  assert.equal(customer?.address, 'customer@example.invalid');
  for (const p of [customer, acd]) {
    assert.equal(p?.attributes?.SF_URLPop, `${sf.url}/lightning/r/Case/${caseId}/view`);
    assert.equal(p?.attributes?.SF_CaseId, caseId);
    assert.equal(p?.attributes?.Patchbay_EntryId, entry?.Id);
  }
  const email = (await gcApi('GET', `/api/v2/conversations/emails/${ids[0]}`)) as {
    participants: GcEmailParticipant[];
  };
  const routing = email.participants.find((p) => p.purpose === 'acd')?.conversationRoutingData;
  assert.equal(routing?.queue?.id, queue.id);
  assert.deepEqual(
    routing?.skills?.map((s) => s.id),
    skillIds,
  );

  const row = await hub.hub.store.db
    .selectFrom('case_routing_interactions')
    .selectAll()
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  assert.equal(row?.interaction_id, ids[0]);
  assert.equal(row?.target, 'genesys-cloud');
  const marker = await hub.hub.store.db
    .selectFrom('case_routing_state')
    .selectAll()
    .where('name', '=', `genesys-create:${entry.Id}`)
    .executeTakeFirst();
  assert.equal(marker, undefined, 'the create marker is removed once the conversation is recorded');
});

void test('a crash between the Genesys create and the local record: the retried job creates no second conversation', async () => {
  const db = hub.hub.store.db;
  // Recording a Genesys interaction fails (as if the process died right after the create).
  await sql`CREATE TRIGGER crash_after_genesys_create BEFORE INSERT ON case_routing_interactions
    WHEN NEW.target = 'genesys-cloud'
    BEGIN SELECT RAISE(ABORT, 'simulated crash after the Genesys create'); END`.execute(db);
  const caseId = await emailToCase('Cloud Queue', 'Billing');
  await until('conversation created', async () => (await conversationsOfCase(caseId)).length > 0);
  const failed = await until('job attempt failed', async () => {
    const jobs = await db
      .selectFrom('jobs')
      .select(['attempts', 'last_error', 'state'])
      .where('key', '=', `case-routing:${entries(caseId)[0]?.Id ?? ''}`)
      .execute();
    return jobs.find((j) => j.last_error?.includes('simulated crash'));
  });
  assert.notEqual(failed.state, 'completed');
  assert.equal(entries(caseId)[0]?.Processed__c, false);
  await sql`DROP TRIGGER crash_after_genesys_create`.execute(db);

  await until('entry processed after the retry', () => entries(caseId)[0]?.Processed__c === true);
  const ids = await conversationsOfCase(caseId);
  assert.equal(ids.length, 1, 'one conversation for the case');
  assert.equal(entries(caseId)[0]?.Interaction_Id__c, ids[0]);
  const row = await db
    .selectFrom('case_routing_interactions')
    .selectAll()
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  assert.equal(row?.interaction_id, ids[0]);
});
