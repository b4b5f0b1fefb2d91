/**
 * GDPR erasure end to end on the sandbox: a seeded person (Salesforce Contact, Tasks, Event, consent;
 * Genesys external contact, a recorded call; back-office customer and communication records; Patchbay
 * webhook bodies, job payloads, mirror rows, interaction pairs, log lines) is erased; a residual scan
 * of every system (Salesforce's recycle bin included), Patchbay's database (the SQLite file and WAL;
 * on PostgreSQL every row of every table) and the run's log finds none of their identifiers.
 * Then: Genesys down → the erasure waits and completes later; legal hold vs retention; consent; audit.
 * Every test runs on both dialects, each with its own sandboxes and hub.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startBackofficeSandbox, type BackofficeSandbox } from '../../../sandbox/backoffice/index.ts';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { fixturePeople } from '../../../test/fixtures/pii.ts';
import pg from 'pg';
import {
  testEachDialect,
  unavailableReason,
  waitForLockWaiters,
  withTestDatabase,
  type TestDatabase,
} from '../../../test/support/databases.ts';
import { startTestHub, type TestHub, sandboxEnv } from '../../../test/support/hub.ts';
import { testLogFile } from '../../../test/support/logger.ts';
import { storeInbound } from '../../platform/inbox/inbox.ts';
import { soql } from '../../connectors/salesforce/soql.ts';
import { emptySubject, phoneSpellings } from '../../platform/privacy/index.ts';
import type { ErasureStatusView } from './erasure.ts';
import { eraseSalesforce } from './systems/salesforce.ts';
import { postgresText, tableNames } from './testing/database-text.ts';
import { jsforceClient } from '../../../test/support/jsforce.ts';

// The sandboxes and hub of the running test (tests of a file run one after the other).
let sf: SalesforceSandbox;
let gc: GenesysSandbox;
let bo: BackofficeSandbox;
let hub: TestHub;
/** Moves the Salesforce org's clock (records emptied from its recycle bin leave queryAll after 24 h). */
let sfSkewMs = 0;

const [alice, bob, carol] = fixturePeople;
const BO_ALICE = '6f1c2a4e-8d3b-4c59-9a7e-1b2c3d4e5f60';
const BO_BOB = '7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';

async function json<T>(
  url: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${url} → ${res.status} ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
const admin = <T>(path: string, method = 'GET', body?: unknown) =>
  json<T>(`${hub.url}${path}`, method, body, { authorization: `Bearer ${hub.apiKey}` });

function needlesOf(p: (typeof fixturePeople)[number]): string[] {
  return [p.email, p.lastName, `${p.firstName} ${p.lastName}`, p.phoneNational, ...phoneSpellings(p.phone)];
}

/** A recorded call of `ani`, answered, ended and wrapped up; returns the conversation ID. */
async function recordedCall(ani: string, at?: number): Promise<string> {
  const dir = await json<{
    users: Array<{ id: string }>;
    queues: Array<{ id: string }>;
    wrapupCodes: Array<{ id: string }>;
  }>(`${gc.url}/__sandbox/conversations/directory`);
  const t0 = at ?? Date.now();
  const conv = await json<{ id: string }>(`${gc.url}/__sandbox/conversations`, 'POST', {
    ani,
    queueId: dir.queues[0]!.id,
    at: t0,
  });
  await json(`${gc.url}/__sandbox/conversations/${conv.id}/answer`, 'POST', {
    userId: dir.users[0]!.id,
    at: t0 + 1000,
  });
  await json(`${gc.url}/__sandbox/conversations/${conv.id}/disconnect`, 'POST', {
    by: 'customer',
    at: t0 + 60_000,
  });
  await json(`${gc.url}/__sandbox/conversations/${conv.id}/wrapup`, 'POST', {
    code: dir.wrapupCodes[0]!.id,
    at: t0 + 70_000,
  });
  return conv.id;
}

async function seedPerson(
  p: (typeof fixturePeople)[number],
  customerId: string,
): Promise<{ contactId: string; conversationId: string }> {
  const sfc = hub.hub.connectors.salesforce!;
  const { id: contactId } = await sfc.create('Contact', {
    FirstName: p.firstName,
    LastName: p.lastName,
    Email: p.email,
    Phone: p.phoneNational,
  });
  for (let i = 0; i < 2; i++)
    await sfc.create('Task', {
      WhoId: contactId,
      Subject: `Call with ${p.firstName} ${p.lastName}`,
      Status: 'Completed',
    });
  await sfc.create('Event', {
    WhoId: contactId,
    Subject: `Visit ${p.lastName}`,
    StartDateTime: new Date().toISOString(),
    EndDateTime: new Date(Date.now() + 3_600_000).toISOString(),
  });
  await sfc.create('Contact_Consent__c', {
    Name: 'service consent v1',
    Contact__c: contactId,
    Email__c: p.email,
    Consent_Given__c: true,
    Consent_Type__c: 'service',
    Consent_Channel__c: 'phone',
    Consent_Version__c: 'v1',
  });
  await hub.hub.connectors.genesys!.externalContacts.create({
    firstName: p.firstName,
    lastName: p.lastName,
    workEmail: p.email,
    cellPhone: { display: p.phone },
  });
  const conversationId = await recordedCall(p.phone);
  bo.addCustomer({
    id: customerId,
    firstName: p.firstName,
    lastName: p.lastName,
    email: p.email,
    phone: p.phone,
  });
  await json(`${bo.url}/communicationRecords`, 'POST', {
    direction: 'INBOUND',
    communicatedAt: new Date().toISOString(),
    source: 'genesys',
    domain: 'support',
    customerHandle: p.phone,
    interactionId: conversationId,
    title: `Call from ${p.firstName} ${p.lastName}`,
    channel: 'VOICE',
    customerId,
    body: `${p.email} called about the card`,
  });
  await json(`${bo.url}/communicationRecords`, 'POST', {
    direction: 'INBOUND',
    communicatedAt: new Date().toISOString(),
    source: 'genesys',
    domain: 'support',
    customerHandle: p.phone,
    interactionId: `${conversationId}-2`,
    title: 'Unpaired call',
    channel: 'VOICE',
    body: '',
  });
  // Patchbay: a stored webhook body, job payloads, a mirror row, an interaction pair, a log line.
  const db = hub.hub.store.db;
  const body = JSON.stringify({
    conversationId,
    callerId: p.phone,
    attributes: { contact_name: `${p.firstName} ${p.lastName}`, contact_id: contactId },
  });
  await hub.hub.store.durable((trx) =>
    storeInbound(trx, { source: 'genesys-webhook', dedupeKey: conversationId, body, receivedAt: Date.now() }),
  );
  const now = Date.now();
  for (const state of ['completed', 'parked', 'queued'] as const)
    await db
      .insertInto('jobs')
      .values({
        kind: 'activity-log',
        key: `test:${conversationId}:${state}`,
        payload: JSON.stringify({ conversationId, callerId: p.phoneNational, email: p.email }),
        state,
        run_at: now + 3_600_000,
        attempts: 1,
        max_age_ms: null,
        created_at: now,
        updated_at: now,
        result: state === 'completed' ? JSON.stringify({ contact: `${p.firstName} ${p.lastName}` }) : null,
      })
      .execute();
  await db
    .insertInto('sf_mirror_contacts' as never)
    .values({
      id: contactId,
      first_name: p.firstName,
      last_name: p.lastName,
      email: p.email,
      account_id: null,
      account_name: null,
      tier: null,
      modstamp: now,
      deleted: 0,
      synced_at: now,
    })
    .execute();
  await db
    .insertInto('sf_mirror_phones' as never)
    .values({ phone_key: p.phone, contact_id: contactId, field: 'Phone' })
    .execute();
  await db
    .insertInto('support_interactions' as never)
    .values({ interaction_id: conversationId, customer_id: customerId, created_at: now })
    .execute();
  await db
    .insertInto('alerts')
    .values({
      condition: `test.${conversationId}`,
      severity: 'info',
      message: `lookup failed for ${p.phone}`,
      details: JSON.stringify({ email: p.email }),
      state: 'resolved',
      count: 1,
      opened_at: now,
      last_seen_at: now,
      last_notified_at: now,
      resolved_at: now,
      resolve_message: 'ok',
    })
    .execute();
  // The hub's logger redacts; a line that tries to log the person must not leak them.
  hub.hub.log.info(
    { callerId: p.phone, note: `caller ${p.email} / ${p.phoneNational}` },
    'test: call from a person',
  );
  return { contactId, conversationId };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const completed = (id: string) =>
  waitFor(`erasure ${id}`, async () => {
    const v = await admin<ErasureStatusView>(`/v1/privacy/erasures/${id}`);
    return v.status === 'completed' ? v : undefined;
  });

/** Runs `fn` with fresh sandboxes and a hub on the test's database, and stops them all afterwards. */
async function withPrivacyHub(db: TestDatabase, fn: () => Promise<void>): Promise<void> {
  sfSkewMs = 0;
  sf = await startSalesforceSandbox({ now: () => Date.now() + sfSkewMs });
  gc = await startGenesysSandbox({ gdprStepMs: 150, sweepIntervalMs: 50 });
  bo = await startBackofficeSandbox();
  try {
    hub = await startTestHub({
      ...(db.config.databaseUrl ? { databaseUrl: db.config.databaseUrl } : {}),
      env: {
        ...(db.config.databaseUrl ? {} : { PATCHBAY_SQLITE_PATH: db.config.sqlitePath }),
        ...sandboxEnv(sf, gc),
        GENESYS_RATE_LIMIT_PER_MINUTE: '6000',
        BACKOFFICE_URL: bo.url,
        SF_MIRROR_ENABLED: 'false',
        PATCHBAY_JOBS_POLL_MS: '100',
        PRIVACY_CONVERSATION_LOOKBACK_DAYS: '31',
      },
    });
    try {
      await fn();
    } finally {
      await hub.stop();
    }
  } finally {
    await Promise.allSettled([sf.close(), gc.close(), bo.close()]);
  }
}

/** Everything Patchbay's database holds, as text: the SQLite file and its WAL, or every row on PostgreSQL. */
async function databaseText(): Promise<string> {
  const store = hub.hub.store;
  if (store.dialect === 'postgres') return postgresText(store.db, await tableNames(store));
  const path = hub.hub.config.sqlitePath;
  return [path, `${path}-wal`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('\n');
}

testEachDialect(
  'erasure reaches every system; the residual scan finds the person nowhere (hashes only in the audit)',
  (_t, db) =>
    withPrivacyHub(db, async () => {
      const p = alice;
      const { contactId, conversationId } = await seedPerson(p, BO_ALICE);
      // Another person stays untouched.
      const other = await seedPerson(carol, '8b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e');

      // Admin reads of personal data are audited.
      await admin('/v1/admin/jobs?kind=activity-log');

      const req = await admin<ErasureStatusView>('/v1/privacy/erasures', 'POST', {
        phone: p.phoneNational,
        reference: 'ticket-1',
      });
      assert.equal(req.status, 'resolving');
      const done = await completed(req.id);
      assert.deepEqual(
        done.steps.map((s) => [s.step, s.state]),
        [
          ['salesforce', 'done'],
          ['genesys', 'done'],
          ['backoffice', 'done'],
          ['patchbay', 'done'],
        ],
      );
      const sfResult = done.steps[0]!.result as {
        contacts: number;
        tasks: number;
        events: number;
        consents: number;
        recycleBin: string;
      };
      assert.deepEqual([sfResult.contacts, sfResult.tasks, sfResult.events, sfResult.consents], [1, 2, 1, 1]);
      assert.equal(sfResult.recycleBin, 'emptied');
      const gcResult = done.steps[1]!.result as {
        externalContacts: number;
        recordings: number;
        gdprStatus: string;
      };
      assert.equal(gcResult.externalContacts, 1);
      assert.ok(gcResult.recordings >= 1, 'the call recording got a deleteDate');
      assert.equal(gcResult.gdprStatus, 'COMPLETED');
      assert.deepEqual(done.steps[2]!.result, { customers: 1, records: 2 });

      // ---- residual scan
      const needles = needlesOf(p);
      const leaks: string[] = [];
      const scan = (where: string, text: string) => {
        const t = text.toLowerCase();
        for (const n of needles) if (t.includes(n.toLowerCase())) leaks.push(`${where}: ${n}`);
      };
      // Salesforce: live records and the recycle bin. Emptied records stay visible to queryAll for about a
      // day on the platform (and in the sandbox) before they are physically deleted: let that day pass.
      const sfc = hub.hub.connectors.salesforce!;
      const deleted = await sfc.query<{ Id: string; IsDeleted: boolean }>(
        soql`SELECT Id, IsDeleted FROM Contact WHERE Id = ${contactId}`,
        { all: true },
      );
      assert.deepEqual(
        deleted.records.map((r) => r.IsDeleted),
        [true],
      );
      sfSkewMs += 25 * 3600_000;
      for (const o of ['Contact', 'Task', 'Event', 'Contact_Consent__c'])
        scan(`salesforce ${o} (queryAll)`, JSON.stringify([...sf.store.scan(sf.store.meta(o), true)]));
      for (const q of [
        soql`SELECT Id FROM Contact WHERE Id = ${contactId}`,
        soql`SELECT Id FROM Task WHERE WhoId = ${contactId}`,
        soql`SELECT Id FROM Event WHERE WhoId = ${contactId}`,
        soql`SELECT Id FROM Contact_Consent__c WHERE Email__c = ${p.email}`,
      ])
        assert.equal((await sfc.query(q, { all: true })).totalSize, 0, q.text);
      // Genesys: external contacts, GDPR subject search, the recording.
      const gcApi = hub.hub.connectors.genesys!;
      for (const v of [p.email, p.phone])
        scan('genesys contacts', JSON.stringify(await gcApi.externalContacts.reverseLookup(v)));
      assert.deepEqual(await gcApi.getRecordings(conversationId).catch(() => []), []);
      // Back office: every customer and record.
      scan('backoffice records', JSON.stringify(bo.records()));
      scan('backoffice customers', JSON.stringify([...bo.store.customers.values()]));
      // Patchbay's database and this run's log.
      const dbText = await databaseText();
      scan(`database (${db.dialect})`, dbText);
      const logFile = testLogFile();
      if (existsSync(logFile)) scan('log', readFileSync(logFile, 'utf8'));
      assert.deepEqual(leaks, []);

      // The other person is still everywhere.
      assert.ok(sf.store.get(other.contactId));
      assert.ok(bo.store.customers.has('8b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e'));
      assert.ok(dbText.includes(carol.email), 'the other person is still in the database');

      // The audit has the erasure with hashes, never identifiers; the admin read is there too.
      const audit = await admin<{
        entries: Array<{ action: string; subjectHash: string | null; details: unknown }>;
      }>('/v1/privacy/audit');
      const actions = audit.entries.map((e) => e.action);
      assert.ok(actions.includes('erasure.requested'));
      assert.ok(actions.includes('erasure.completed'));
      assert.ok(actions.includes('personal-data.read'));
      const completedEntry = audit.entries.find((e) => e.action === 'erasure.completed')!;
      assert.match(completedEntry.subjectHash ?? '', /^[0-9a-f]{64}$/);
      const auditText = JSON.stringify(audit).toLowerCase();
      for (const n of needles) assert.ok(!auditText.includes(n.toLowerCase()), `audit holds ${n}`);
    }),
);

// The Salesforce step alone: it touches no Patchbay table, so one dialect is enough.
test('Salesforce step: hard delete off → soft_deleted_only; retried with it on → emptied, except what Salesforce refuses', () =>
  withTestDatabase('sqlite', (db) =>
    withPrivacyHub(db, async () => {
      const sfc = hub.hub.connectors.salesforce!;
      const { id: contactId } = await sfc.create('Contact', { LastName: bob.lastName, Email: bob.email });
      await sfc.create('Task', { WhoId: contactId, Subject: 'Call', Status: 'Completed' });
      // A duplicate Contact of the person that an agent deleted before the request.
      const { id: agentDeleted } = await sfc.create('Contact', { LastName: bob.lastName, Email: bob.email });
      const agentApp = { clientId: 'pb-agent-app', clientSecret: 'pb-agent-app-secret' };
      sf.auth.addClient({ ...agentApp, runAsUsername: 'agent@patchbay.sandbox' });
      await sfc.create('User', {
        Username: 'agent@patchbay.sandbox',
        LastName: 'Agent',
        Email: 'agent@patchbay.sandbox',
      });
      const agent = await jsforceClient(sf.url, agentApp);
      await agent.sobject('Contact').destroy(agentDeleted);

      const subject = {
        ...emptySubject(),
        salesforceContactIds: [contactId, agentDeleted],
        emails: [bob.email],
      };
      const inQueryAll = async () =>
        (await sfc.query(soql`SELECT Id FROM Contact WHERE Email = ${bob.email}`, { all: true })).totalSize;

      const soft = await eraseSalesforce(sfc, subject, { hardDelete: false });
      assert.deepEqual([soft.contacts, soft.tasks, soft.recycleBin], [2, 1, 'soft_deleted_only']);
      assert.match(soft.note ?? '', /PRIVACY_SF_HARD_DELETE.*15 days/);
      sfSkewMs += 25 * 3600_000;
      assert.equal(await inQueryAll(), 2, 'still in the recycle bin a day later');

      // The step again, as a retry runs it, hard delete on, the integration user without Modify All
      // Data: what it deleted is emptied; the agent's delete is refused and waits for the 15-day purge.
      await json(`${sf.url}/__sandbox/recycle-bin`, 'PUT', { modifyAllData: false });
      const refused = await eraseSalesforce(sfc, subject, { hardDelete: true });
      assert.equal(refused.recycleBin, 'soft_deleted_only');
      assert.match(refused.note ?? '', /INSUFFICIENT_ACCESS_OR_READONLY.*Modify All Data/);

      // With Modify All Data: the rest goes; what the last attempt emptied (still in queryAll for a day) is no error.
      await json(`${sf.url}/__sandbox/recycle-bin`, 'PUT', { modifyAllData: true });
      assert.equal((await eraseSalesforce(sfc, subject, { hardDelete: true })).recycleBin, 'emptied');
      sfSkewMs += 25 * 3600_000;
      assert.equal(await inQueryAll(), 0);
    }),
  ));

testEachDialect(
  'Genesys down: the erasure waits on that step, shows it, and completes once Genesys is back',
  (_t, db) =>
    withPrivacyHub(db, async () => {
      const p = bob;
      await seedPerson(p, BO_BOB);
      await json(`${gc.url}/__sandbox/faults`, 'PUT', {
        rules: [{ pathPrefix: '/api/v2/', errorRate: 1, errorStatus: 503 }],
      });
      // Resolution reads Genesys too: with it down the request waits at "resolving"; let it through resolution
      // by failing only the erasure's Genesys writes: the GDPR and external-contact routes.
      await json(`${gc.url}/__sandbox/faults`, 'PUT', {
        rules: [
          { pathPrefix: '/api/v2/gdpr', errorRate: 1, errorStatus: 503 },
          { pathPrefix: '/api/v2/externalcontacts/contacts/', errorRate: 1, errorStatus: 503 },
        ],
      });
      const req = await admin<ErasureStatusView>('/v1/privacy/erasures', 'POST', { email: p.email });
      const waiting = await waitFor('the Genesys step to fail while the others finish', async () => {
        const v = await admin<ErasureStatusView>(`/v1/privacy/erasures/${req.id}`);
        const g = v.steps.find((s) => s.step === 'genesys');
        const others = v.steps.filter((s) => s.step === 'salesforce' || s.step === 'backoffice');
        return g &&
          g.state === 'waiting' &&
          g.lastError &&
          others.length === 2 &&
          others.every((s) => s.state === 'done')
          ? v
          : undefined;
      });
      assert.equal(waiting.status, 'in_progress');
      assert.equal(waiting.steps.find((s) => s.step === 'patchbay')?.state, 'pending');
      assert.match(waiting.steps.find((s) => s.step === 'genesys')!.lastError!, /503|unavailable|Service/i);

      await json(`${gc.url}/__sandbox/faults`, 'DELETE');
      // The queue's backoff (3 s, 9 s, …) brings the job back; no manual replay.
      const done = await completed(req.id);
      assert.ok(done.steps.every((s) => s.state === 'done'));
      assert.ok(done.steps.find((s) => s.step === 'genesys')!.attempts >= 2);
    }),
);

// On PostgreSQL the external steps finish in transactions of their own (other batches, other
// replicas). The last two finishing together must still start the final step: each used to see the
// other's step as open (not yet committed) and leave it to the other, so the erasure stayed
// in_progress. Here every step is held at its last write (its audit entry) until all three wait.
test('PostgreSQL: external steps finishing at the same moment still start the final step', async (t) => {
  const reason = unavailableReason('postgres');
  if (reason !== undefined) return t.skip(reason);
  await withTestDatabase('postgres', (db) =>
    withPrivacyHub(db, async () => {
      const p = alice;
      await seedPerson(p, BO_ALICE);
      // Slow deletes, so that the lock below is taken while the steps are still at work.
      for (const url of [sf.url, bo.url])
        await json(`${url}/__sandbox/faults`, 'PUT', { rules: [{ method: 'DELETE', latencyMs: 1500 }] });
      const locker = new pg.Client({ connectionString: db.config.databaseUrl });
      await locker.connect();
      try {
        const req = await admin<ErasureStatusView>('/v1/privacy/erasures', 'POST', { email: p.email });
        await waitFor('the steps to start', async () => {
          const { rows } = await locker.query<{ status: string }>(
            'select status from privacy_erasures where id = $1',
            [req.id],
          );
          return rows[0]?.status === 'in_progress' ? true : undefined;
        });
        await locker.query('begin');
        await locker.query('lock table privacy_audit in exclusive mode');
        // All three steps wait at their last write.
        await waitForLockWaiters(locker, 3, '%privacy%', 40_000);
        await locker.query('commit');
        const done = await completed(req.id);
        assert.deepEqual(
          done.steps.map((s) => s.state),
          ['done', 'done', 'done', 'done'],
        );
      } finally {
        await locker.query('rollback').catch(() => undefined);
        await locker.end();
      }
    }),
  );
});

testEachDialect(
  'retention: legal hold keeps a recording that retention would delete; an expired one goes',
  (_t, db) =>
    withPrivacyHub(db, async () => {
      const eightYears = 8 * 365 * 86_400_000;
      const held = await recordedCall('+14155550177', Date.now() - eightYears);
      const expired = await recordedCall('+14155550178', Date.now() - eightYears);
      const recent = await recordedCall('+14155550179');
      await admin('/v1/privacy/legal-holds', 'POST', { conversationId: held, reason: 'litigation 2026-17' });
      const report = await admin<{
        counts: Record<string, number>;
        deleted: Array<{ conversationId: string; reason: string }>;
        keptOnHold: Array<{ conversationId: string }>;
      }>('/v1/privacy/retention/run', 'POST');
      assert.ok(report.keptOnHold.some((r) => r.conversationId === held));
      assert.ok(report.deleted.some((r) => r.conversationId === expired && r.reason === 'delete-expired'));
      assert.ok(!report.deleted.some((r) => r.conversationId === held || r.conversationId === recent));
      const gcApi = hub.hub.connectors.genesys!;
      assert.equal((await gcApi.getRecordings(held)).length, 1);
      assert.equal((await gcApi.getRecordings(recent)).length, 1);
      assert.deepEqual(await gcApi.getRecordings(expired).catch(() => []), []);
      const runs = await admin<{ runs: unknown[] }>('/v1/privacy/retention/runs');
      assert.ok(runs.runs.length >= 1);
    }),
);

testEachDialect(
  'consent: a contact is created only with explicit consent; withdrawal stops sync and logging',
  (_t, db) =>
    withPrivacyHub(db, async () => {
      const refused = await fetch(`${hub.url}/v1/privacy/consents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hub.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          contact: { lastName: 'Without-Consent', email: 'nobody@example.org' },
          consent: { type: 'service', channel: 'web', version: 'v3', given: false },
        }),
      });
      assert.equal(refused.status, 400);
      const created = await admin<{ contactId: string; consentId: string }>('/v1/privacy/consents', 'POST', {
        contact: {
          firstName: 'Dana',
          lastName: 'Consenting',
          email: 'dana.c@example.org',
          phone: '+14155550166',
        },
        consent: { type: 'service', channel: 'web', version: 'v3', given: true },
      });
      const consent = sf.store.get(created.consentId)!;
      assert.equal(consent.Contact__c, created.contactId);
      assert.equal(consent.Consent_Given__c, true);
      const privacy = hub.hub.privacy;
      assert.equal(await privacy.hasConsent({ contactId: created.contactId }, 'sync'), true);
      await admin('/v1/privacy/consents/withdraw', 'POST', { contactId: created.contactId });
      assert.equal(sf.store.get(created.consentId)!.Consent_Withdrawn__c, true);
      assert.equal(await privacy.hasConsent({ contactId: created.contactId }, 'sync'), false);
      assert.equal(await privacy.hasConsent({ email: 'dana.c@example.org' }, 'logging'), false);
      assert.equal(await privacy.hasConsent({ phone: '(415) 555-0166' }, 'sync'), false);
      // Someone else is unaffected.
      assert.equal(await privacy.hasConsent({ email: 'someone.else@example.org' }, 'sync'), true);
      const audit = await admin<{ entries: Array<{ action: string }> }>(
        '/v1/privacy/audit?action=consent.withdrawn',
      );
      assert.equal(audit.entries.length, 1);
    }),
);
