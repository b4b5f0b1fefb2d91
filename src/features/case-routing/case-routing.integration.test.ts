/**
 * Case routing end to end on the sandbox: Salesforce (with the Object Routing package) + the CIC
 * primary/switchover pair + a real hub on SQLite. Scenarios share one org and one CIC; each works
 * on its own cases.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Connection } from 'jsforce';
import { startCicSandbox, type CicSandbox } from '../../../sandbox/cic/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { jsforceClient } from '../../../test/support/jsforce.ts';

const ROUTING = 'ININ_Object_Routing_Queue__c';
const CIC_PASSWORD = 'sors-sandbox-password';
let sf: SalesforceSandbox;
let cic: CicSandbox;
let conn: Connection;
let hub: TestHub;
const dir = mkdtempSync(join(tmpdir(), 'pb-routing-'));
const sqlitePath = join(dir, 'patchbay.sqlite');
const env = {
  PATCHBAY_SQLITE_PATH: sqlitePath,
  CASE_ROUTING_ENABLED: 'true',
  CASE_ROUTING_INSTANCE_NAME: 'acme',
  PATCHBAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  PATCHBAY_JOBS_POLL_MS: '50',
};

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${hub.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${hub.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function emailToCase(queue: string, skills?: string): Promise<string> {
  const res = await fetch(`${sf.url}/__sandbox/email-to-case`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      queue,
      fromAddress: 'customer@example.invalid',
      subject: 'Invoice question',
      body: 'Hello',
      ...(skills === undefined ? {} : { skills }),
    }),
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { caseId: string }).caseId;
}

type Entry = {
  Id: string;
  Reason__c: string;
  Processed__c: boolean;
  Status__c: string;
  Error_Message__c: string | null;
  Interaction_Id__c: string | null;
};
const entries = (caseId: string): Entry[] =>
  [...sf.store.scan(sf.store.meta(ROUTING))]
    .filter((e) => e.Case__c === caseId)
    .sort(
      (a, b) =>
        (a.CreatedDate as number) - (b.CreatedDate as number) || String(a.Id).localeCompare(String(b.Id)),
    ) as unknown as Entry[];
const interactions = (caseId: string) =>
  [...cic.state.interactions.values()].filter((i) => i.caseId === caseId);
const active = (caseId: string) => interactions(caseId).filter((i) => i.state !== 'E');
const allProcessed = (caseId: string) => {
  const e = entries(caseId);
  return e.length > 0 && e.every((x) => x.Processed__c);
};

async function setCredentials(): Promise<void> {
  const c = await api('PUT', '/routing/credentials/cic', {
    server: cic.primaryUrl,
    switchoverServer: cic.switchoverUrl,
    userId: 'sors',
    password: CIC_PASSWORD,
    autoDisconnect: true,
  });
  assert.equal(c.status, 204, await c.text());
  const s = await api('PUT', '/routing/credentials/salesforce', {
    loginUrl: sf.url,
    clientId: sf.clientId,
    clientSecret: sf.clientSecret,
  });
  assert.equal(s.status, 204, await s.text());
}

before(async () => {
  sf = await startSalesforceSandbox();
  cic = await startCicSandbox();
  conn = await jsforceClient(sf.url, sf, '62.0');
  for (const Name of ['Billing Queue', 'Sales Queue'])
    await conn.sobject('Group').create({ Name, Type: 'Queue', DeveloperName: Name.replace(' ', '_') });
  await conn
    .sobject('Interaction_Routing_Queue__c')
    .create({ Salesforce_Queue_Name__c: 'Support Queue', CIC_Workgroup_Name__c: 'Support' });
  await conn
    .sobject('Interaction_Routing_Queue__c')
    .create({ Salesforce_Queue_Name__c: 'Billing Queue', CIC_Workgroup_Name__c: 'Billing' });
  hub = await startTestHub({ env });
  await setCredentials();
  await until('heartbeat healthy', async () => (await fetch(`${hub.url}/routing/heartbeat`)).status === 200);
});

after(async () => {
  await hub?.stop();
  await cic?.close();
  await sf?.close();
});

void test('credentials: stored encrypted (no plaintext in the SQLite files), never returned', async () => {
  for (const f of [sqlitePath, `${sqlitePath}-wal`]) {
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    assert.equal(bytes.includes(CIC_PASSWORD), false, `${f} holds the CIC password`);
    assert.equal(bytes.includes(sf.clientSecret), false, `${f} holds the Salesforce secret`);
  }
  const res = await api('GET', '/routing/credentials');
  const text = await res.text();
  assert.equal(res.status, 200);
  assert.ok(!text.includes(CIC_PASSWORD) && !text.includes(sf.clientSecret));
  const body = JSON.parse(text) as { cic: { userId: string; keyId: string } };
  assert.equal(body.cic.userId, 'sors');
  assert.match(body.cic.keyId, /^[0-9a-f]{16}$/);
  assert.equal((await fetch(`${hub.url}/routing/credentials`)).status, 401);
  const bad = await api('PUT', '/routing/credentials/cic', {
    server: cic.primaryUrl,
    userId: 'sors',
    password: 'wrong',
  });
  assert.equal(bad.status, 400);
});

void test('end to end: e-mail → case → entry → interaction in the workgroup with skills → skilled agent → reply → disconnected → processed', async () => {
  const unmonitored = await emailToCase('Sales Queue', 'English');
  const caseId = await emailToCase('Billing Queue', 'Billing');
  await until('entry processed', () => allProcessed(caseId));
  const [entry] = entries(caseId);
  assert.equal(entry?.Reason__c, 'New Case');
  assert.equal(entry?.Status__c, 'Processed');
  const [i] = interactions(caseId);
  assert.equal(interactions(caseId).length, 1);
  assert.equal(i?.interactionId, entry?.Interaction_Id__c);
  assert.equal(i?.workgroup, 'Billing');
  assert.deepEqual(i?.requiredSkills, ['Billing']);
  assert.equal(i?.state, 'A');
  assert.equal(i?.assignedTo, 'agent.one'); // the only Billing member with the Billing skill
  assert.equal(i?.custom.SF_URLPop, `${sf.url}/lightning/r/Case/${caseId}/view`);
  const row = await hub.hub.store.db
    .selectFrom('case_routing_interactions')
    .selectAll()
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  assert.equal(row?.interaction_id, i?.interactionId);
  // The agent replies from Salesforce: an outbound EmailMessage on the case.
  await conn
    .sobject('EmailMessage')
    .create({ ParentId: caseId, Incoming: false, Subject: 'Re: Invoice question', TextBody: 'Done' });
  await until('reply processed', () => entries(caseId).length === 2 && allProcessed(caseId));
  assert.equal(entries(caseId)[1]?.Reason__c, 'Agent Reply');
  assert.equal(interactions(caseId)[0]?.state, 'E');
  // The unmonitored queue's case (sent first, streamed first) got no entry and no interaction.
  assert.deepEqual(entries(unmonitored), []);
  assert.deepEqual(interactions(unmonitored), []);
});

void test("every update rule routes; the owner's own comment does not", async () => {
  const agent = (
    await conn
      .sobject('User')
      .create({ Username: 'rules-agent@sb', LastName: 'Agent', Email: 'agent@sb.test' })
  ).id!;
  const caseId = await emailToCase('Support Queue');
  await until('new case routed', () => allProcessed(caseId));
  const reply = async () => {
    await conn.sobject('EmailMessage').create({ ParentId: caseId, Incoming: false, Subject: 'Re' });
    await until('disconnected', () => active(caseId).length === 0 && allProcessed(caseId));
  };
  /** Runs the action (a case update, a comment, an e-mail) and waits until it is routed. */
  const expectRouted = async (reason: string, action: () => Promise<unknown>) => {
    const n = entries(caseId).length;
    await action();
    await until(
      `${reason} routed`,
      () => entries(caseId).length > n && allProcessed(caseId) && active(caseId).length === 1,
    );
    const last = entries(caseId).at(-1);
    assert.equal(last?.Reason__c, reason);
    assert.equal(last?.Interaction_Id__c, active(caseId)[0]?.interactionId);
  };
  await reply();
  await expectRouted('Owner Changed', () => conn.sobject('Case').update({ Id: caseId, OwnerId: agent }));
  await reply();
  const billing = (await conn.query<{ Id: string }>("SELECT Id FROM Group WHERE Name = 'Billing Queue'"))
    .records[0]!.Id;
  await expectRouted('Queue Changed', () => conn.sobject('Case').update({ Id: caseId, OwnerId: billing }));
  assert.equal(active(caseId)[0]?.workgroup, 'Billing');
  await reply();
  // The integration user owns the case: its comment is the owner's own → nothing.
  await expectRouted('Owner Changed', () =>
    conn.sobject('Case').update({ Id: caseId, OwnerId: sf.org.integrationUserId }),
  );
  await reply();
  const before = entries(caseId).length;
  await conn.sobject('CaseComment').create({ ParentId: caseId, CommentBody: 'note to self' });
  // Someone else takes it; now the integration user's comment is a non-owner comment.
  await expectRouted('Owner Changed', () => conn.sobject('Case').update({ Id: caseId, OwnerId: agent }));
  assert.equal(entries(caseId).length, before + 1, 'the owner comment added no entry');
  await reply();
  await expectRouted('Comment Added', () =>
    conn.sobject('CaseComment').create({ ParentId: caseId, CommentBody: 'customer called' }),
  );
  await reply();
  await expectRouted('Inbound Email', () =>
    conn.sobject('EmailMessage').create({ ParentId: caseId, Incoming: true, Subject: 'Re: more' }),
  );
});

void test('invalid skills (leading space, pipe, 256 characters): entry marked with the error, alert raised, nothing routed', async () => {
  const bad = [' English', 'English|Billing', 'A'.repeat(256)];
  const ids = [];
  for (const skills of bad) ids.push(await emailToCase('Support Queue', skills));
  for (const caseId of ids) {
    await until('entry rejected', () => allProcessed(caseId));
    const [e] = entries(caseId);
    assert.equal(e?.Status__c, 'Error');
    assert.ok(e?.Error_Message__c && e.Error_Message__c.length > 10, e?.Error_Message__c ?? '');
    assert.deepEqual(interactions(caseId), []);
  }
  assert.match(entries(ids[0]!)[0]!.Error_Message__c!, /begins with a space/);
  assert.match(entries(ids[1]!)[0]!.Error_Message__c!, /"\|"/);
  assert.match(entries(ids[2]!)[0]!.Error_Message__c!, /256 characters/);
  // The entry is marked in Salesforce first, then the alert is raised: wait for the alert too.
  for (const caseId of ids)
    await until(`alert for ${caseId}`, async () => {
      const alerts = await hub.hub.store.db.selectFrom('alerts').selectAll().execute();
      return alerts.some((a) => a.message.includes(caseId));
    });
});

void test('primary CIC down mid-stream: every case routed exactly once via the switchover, back to primary afterwards', async () => {
  const cases: string[] = [];
  for (let k = 0; k < 20; k++) {
    if (k === 8) cic.failPrimary('503');
    cases.push(await emailToCase('Support Queue'));
  }
  for (const caseId of cases) await until('routed', () => allProcessed(caseId));
  const hb = (await (await fetch(`${hub.url}/routing/heartbeat`)).json()) as {
    cic: { server: string; switchovers: number };
  };
  assert.equal(hb.cic.server, 'switchover');
  assert.ok(hb.cic.switchovers >= 1);
  for (const caseId of cases) {
    assert.equal(interactions(caseId).length, 1, `case ${caseId}: one interaction`);
    assert.equal(entries(caseId)[0]?.Interaction_Id__c, interactions(caseId)[0]?.interactionId);
  }
  cic.failPrimary(null);
  await until('back on primary', async () => {
    const b = (await (await fetch(`${hub.url}/routing/heartbeat`)).json()) as {
      cic: { server: string } | null;
    };
    return b.cic?.server === 'primary';
  });
  const after = await emailToCase('Support Queue');
  await until('routed on primary', () => allProcessed(after));
  assert.equal(interactions(after).length, 1);
});

void test('restart with 50 unrouted entries: each routed exactly once', async () => {
  await hub.stop();
  const cases: string[] = [];
  for (let k = 0; k < 50; k++) cases.push(await emailToCase('Support Queue'));
  assert.ok(cases.every((c) => entries(c).length === 1 && !entries(c)[0]!.Processed__c));
  hub = await startTestHub({ env });
  for (const caseId of cases) await until('routed after restart', () => allProcessed(caseId), 30_000);
  for (const caseId of cases) {
    assert.equal(interactions(caseId).length, 1, `case ${caseId}`);
    assert.equal(entries(caseId).length, 1);
  }
  const keys = new Set(cases.map((c) => `case-routing:${entries(c)[0]!.Id}`));
  const jobsOfCases = async () =>
    (
      await hub.hub.store.db
        .selectFrom('jobs')
        .select(['key', 'state'])
        .where('kind', '=', 'case-routing-entry')
        .execute()
    ).filter((j) => j.key !== null && keys.has(j.key));
  // The job marks the entry processed in Salesforce, then settles: wait for the settlement.
  await until('jobs settled', async () => (await jobsOfCases()).every((j) => j.state === 'completed'));
  const mine = await jobsOfCases();
  assert.equal(mine.length, 50);
  assert.ok(mine.every((j) => j.state === 'completed'));
});
