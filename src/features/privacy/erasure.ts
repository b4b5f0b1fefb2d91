/**
 * Erasure requests as a durable workflow: resolve the subject across systems, then one job per
 * system (Salesforce, Genesys, back office) retried until done or parked, then Patchbay itself
 * (every registered eraser in one transaction). See docs/features/privacy.md.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import type { Alerts } from '../../platform/alerts/index.ts';
import { HttpError } from '../../platform/http/errors.ts';
import type { Clock, Queue } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import { phoneKey } from '../../platform/phone/normalize.ts';
import {
  emptySubject,
  mentionsAny,
  mergeSubjects,
  subjectHashes,
  subjectNeedles,
  type PersonalDataRegistry,
  type Subject,
} from '../../platform/privacy/index.ts';
import type { Database, Store } from '../../platform/store/index.ts';
import type { Audit } from './audit.ts';
import type { ErasureStatus, StepName, StepState } from './migrations.ts';
import type { PrivacySettings } from './settings.ts';
import type { BackofficePrivacy } from './systems/backoffice.ts';
import { findSalesforce, eraseSalesforce } from './systems/salesforce.ts';
import { eraseGenesys, findGenesys, listConversations, type GenesysStepState } from './systems/genesys.ts';

declare module '../../platform/jobs/types.ts' {
  interface JobKinds {
    'privacy-erasure-resolve': { erasureId: string };
    'privacy-erasure-step': { erasureId: string; step: StepName };
  }
}

export interface ErasureInput {
  email?: string | undefined;
  phone?: string | undefined;
  salesforceContactId?: string | undefined;
  backofficeCustomerId?: string | undefined;
  reference?: string | undefined;
}

export interface StepStatus {
  step: StepName;
  state: StepState | 'parked';
  attempts: number;
  lastError: string | null;
  result: unknown;
  completedAt: string | null;
}

export interface ErasureStatusView {
  id: string;
  status: ErasureStatus;
  reference: string | null;
  receivedAt: string;
  dueAt: string;
  completedAt: string | null;
  overdue: boolean;
  steps: StepStatus[];
}

export interface ErasureDeps {
  store: Store;
  queue: Queue;
  clock: Clock;
  log: Logger;
  audit: Audit;
  registry: PersonalDataRegistry;
  settings: PrivacySettings;
  alerts?: Alerts | undefined;
  region: CountryCode;
  salesforce: () => SalesforceConnector | undefined;
  genesys: () => GenesysConnector | undefined;
  backoffice: () => BackofficePrivacy | undefined;
}

const EXTERNAL: readonly StepName[] = ['salesforce', 'genesys', 'backoffice'];
const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** The identifiers of a request as a starting subject; throws 400 on bad input. */
export function subjectFromInput(input: ErasureInput, region: CountryCode): Subject {
  const s = emptySubject();
  if (input.email !== undefined) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email))
      throw new HttpError('validation_failed', 'email: not an e-mail address', { field: 'email' });
    s.emails.push(input.email.trim().toLowerCase());
  }
  if (input.phone !== undefined) {
    const k = phoneKey(input.phone, region);
    if (!k) throw new HttpError('validation_failed', 'phone: not a phone number', { field: 'phone' });
    s.phones.push(k);
  }
  if (input.salesforceContactId !== undefined) {
    if (!/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(input.salesforceContactId))
      throw new HttpError('validation_failed', 'salesforceContactId: not a Salesforce ID', {
        field: 'salesforceContactId',
      });
    s.salesforceContactIds.push(input.salesforceContactId);
  }
  if (input.backofficeCustomerId !== undefined) {
    if (input.backofficeCustomerId.trim() === '' || input.backofficeCustomerId.length > 100)
      throw new HttpError('validation_failed', 'backofficeCustomerId: invalid', {
        field: 'backofficeCustomerId',
      });
    s.backofficeCustomerIds.push(input.backofficeCustomerId);
  }
  if (
    s.emails.length + s.phones.length + s.salesforceContactIds.length + s.backofficeCustomerIds.length ===
    0
  )
    throw new HttpError(
      'validation_failed',
      'one of email, phone, salesforceContactId, backofficeCustomerId is required',
    );
  return s;
}

export interface Erasures {
  create(
    input: ErasureInput,
    actor: string,
  ): Promise<{ id: string; created: boolean; status: ErasureStatusView }>;
  status(id: string): Promise<ErasureStatusView | undefined>;
  list(filter?: { status?: ErasureStatus }): Promise<ErasureStatusView[]>;
  /** Raises or resolves the deadline alert; returns the requests at risk. */
  checkDeadlines(): Promise<{ atRisk: number; overdue: number }>;
  /** Keyed hashes of every completed erasure's subject (the retention job deletes their recordings). */
  erasedHashes(): Promise<Set<string>>;
}

export function createErasures(deps: ErasureDeps): Erasures {
  const { store, queue, clock, audit, registry, settings } = deps;
  const db = store.db;

  async function view(id: string): Promise<ErasureStatusView | undefined> {
    const row = await db.selectFrom('privacy_erasures').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const steps = await db
      .selectFrom('privacy_erasure_steps')
      .selectAll()
      .where('erasure_id', '=', id)
      .execute();
    const order: StepName[] = ['salesforce', 'genesys', 'backoffice', 'patchbay'];
    steps.sort((a, b) => order.indexOf(a.step) - order.indexOf(b.step));
    const jobs = await db
      .selectFrom('jobs')
      .select(['key', 'state'])
      .where(
        'key',
        'in',
        steps.map((s) => stepKey(id, s.step)),
      )
      .execute()
      .catch(() => []);
    const parked = new Set(jobs.filter((j) => j.state === 'parked').map((j) => j.key));
    const now = clock.now();
    return {
      id: row.id,
      status: row.status,
      reference: row.reference,
      receivedAt: iso(row.received_at)!,
      dueAt: iso(row.due_at)!,
      completedAt: iso(row.completed_at),
      overdue: row.status !== 'completed' && now > Number(row.due_at),
      steps: steps.map((s) => ({
        step: s.step,
        state: s.state !== 'done' && parked.has(stepKey(id, s.step)) ? 'parked' : s.state,
        attempts: Number(s.attempts),
        lastError: s.last_error,
        result: s.result === null ? null : (JSON.parse(s.result) as unknown),
        completedAt: iso(s.completed_at),
      })),
    };
  }

  const stepKey = (id: string, step: StepName) => `privacy-erasure-step:${id}:${step}`;
  const jobOpts = (key: string) => ({ key, maxAgeMs: settings.deadlineMs });

  async function loadSubject(id: string): Promise<{ subject: Subject; status: ErasureStatus } | undefined> {
    const row = await db
      .selectFrom('privacy_erasures')
      .select(['subject', 'identifiers', 'status'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const text = row.subject ?? row.identifiers;
    return { subject: text ? (JSON.parse(text) as Subject) : emptySubject(), status: row.status };
  }

  /** Conversation IDs in Patchbay's stored webhook bodies that mention the subject. */
  async function conversationsInInbox(s: Subject): Promise<string[]> {
    const needles = subjectNeedles({ ...s, conversationIds: [] });
    if (needles.length === 0) return [];
    const rows = await db
      .selectFrom('inbound_events')
      .select('body')
      .where(mentionsAny('body', needles))
      .execute();
    const ids: string[] = [];
    for (const r of rows) {
      try {
        const b = JSON.parse(r.body) as Record<string, unknown>;
        for (const k of ['conversationId', 'interactionId'])
          if (typeof b[k] === 'string' && b[k] !== '') ids.push(b[k]);
      } catch {
        /* not JSON */
      }
    }
    return ids;
  }

  async function resolve(id: string): Promise<Subject> {
    const loaded = await loadSubject(id);
    if (!loaded) throw new Error(`erasure ${id} not found`);
    let s = loaded.subject;
    const sf = deps.salesforce();
    const gc = deps.genesys();
    const bo = deps.backoffice();
    // Two rounds: an e-mail found in the back office can lead to another Contact, and so on.
    for (let round = 0; round < 2; round++) {
      if (sf) s = mergeSubjects(s, await findSalesforce(sf, s, deps.region));
      if (bo) s = mergeSubjects(s, await bo.find(s));
      if (gc) s = mergeSubjects(s, await findGenesys(gc, s));
    }
    s = mergeSubjects(s, { conversationIds: await conversationsInInbox(s) });
    if (gc) {
      const now = clock.now();
      const convs = await listConversations(gc, { from: now - settings.lookbackMs, to: now + 60_000 }, [
        ...s.phones,
        ...s.emails,
      ]);
      s = mergeSubjects(s, { conversationIds: convs.map((c) => c.conversationId) });
    }
    return s;
  }

  async function onResolve(erasureId: string): Promise<unknown> {
    const loaded = await loadSubject(erasureId);
    if (!loaded || loaded.status !== 'resolving') return { skipped: true };
    const subject = await resolve(erasureId);
    const now = clock.now();
    const steps: StepName[] = [
      ...(deps.salesforce() ? (['salesforce'] as const) : []),
      ...(deps.genesys() ? (['genesys'] as const) : []),
      ...(deps.backoffice() ? (['backoffice'] as const) : []),
    ];
    await store.durable(async (trx) => {
      await trx
        .updateTable('privacy_erasures')
        .set({
          status: 'in_progress',
          subject: JSON.stringify(subject),
          subject_hashes: JSON.stringify(subjectHashes(audit.hashKey, subject)),
          updated_at: now,
        })
        .where('id', '=', erasureId)
        .execute();
      for (const step of [...steps, 'patchbay' as const])
        await trx
          .insertInto('privacy_erasure_steps')
          .values({
            erasure_id: erasureId,
            step,
            state: 'pending',
            attempts: 0,
            last_error: null,
            result: null,
            updated_at: now,
            completed_at: null,
          })
          .onConflict((oc) => oc.columns(['erasure_id', 'step']).doNothing())
          .execute();
      for (const step of steps.length > 0 ? steps : (['patchbay'] as const))
        await queue.enqueue(
          trx,
          'privacy-erasure-step',
          { erasureId, step },
          jobOpts(stepKey(erasureId, step)),
        );
    });
    return {
      systems: steps,
      identifiers: {
        emails: subject.emails.length,
        phones: subject.phones.length,
        salesforceContacts: subject.salesforceContactIds.length,
        backofficeCustomers: subject.backofficeCustomerIds.length,
        genesysContacts: subject.genesysExternalContactIds.length,
        conversations: subject.conversationIds.length,
      },
    };
  }

  async function setStep(
    db2: Kysely<Database>,
    erasureId: string,
    step: StepName,
    patch: {
      state: StepState;
      last_error?: string | null;
      result?: string | null;
      completed_at?: number | null;
    },
  ) {
    await db2
      .updateTable('privacy_erasure_steps')
      .set({ ...patch, updated_at: clock.now() })
      .where('erasure_id', '=', erasureId)
      .where('step', '=', step)
      .execute();
  }

  async function runExternal(erasureId: string, step: StepName, subject: Subject): Promise<unknown> {
    switch (step) {
      case 'salesforce': {
        const sf = deps.salesforce();
        if (!sf) return { skipped: 'not configured' };
        return eraseSalesforce(sf, subject, { hardDelete: settings.sfHardDelete });
      }
      case 'genesys': {
        const gc = deps.genesys();
        if (!gc) return { skipped: 'not configured' };
        const row = await db
          .selectFrom('privacy_erasure_steps')
          .select('result')
          .where('erasure_id', '=', erasureId)
          .where('step', '=', 'genesys')
          .executeTakeFirst();
        const state = (row?.result ? JSON.parse(row.result) : {}) as GenesysStepState;
        return eraseGenesys(gc, subject, state, clock.now(), (st) =>
          setStep(db, erasureId, 'genesys', { state: 'running', result: JSON.stringify(st) }),
        );
      }
      case 'backoffice': {
        const bo = deps.backoffice();
        if (!bo) return { skipped: 'not configured' };
        return bo.erase(subject);
      }
      case 'patchbay':
        throw new Error('patchbay is not an external step');
      default: {
        const never: never = step;
        throw new Error(`unknown step ${String(never)}`);
      }
    }
  }

  async function finishPatchbay(erasureId: string, subject: Subject): Promise<unknown> {
    const now = clock.now();
    const hashes = subjectHashes(audit.hashKey, subject);
    const counts = await store.durable(async (trx) => {
      const erased = await registry.erase(trx, subject, now);
      await setStep(trx, erasureId, 'patchbay', {
        state: 'done',
        last_error: null,
        result: JSON.stringify(erased),
        completed_at: now,
      });
      await trx
        .updateTable('privacy_erasures')
        .set({
          status: 'completed',
          identifiers: null,
          subject: null,
          subject_hashes: JSON.stringify(hashes),
          completed_at: now,
          updated_at: now,
        })
        .where('id', '=', erasureId)
        .execute();
      const steps = await trx
        .selectFrom('privacy_erasure_steps')
        .select(['step', 'result'])
        .where('erasure_id', '=', erasureId)
        .execute();
      await audit.record(trx, {
        action: 'erasure.completed',
        actor: 'system',
        subjectHash: hashes[0] ?? null,
        at: now,
        details: {
          erasureId,
          subjectHashes: hashes,
          steps: Object.fromEntries(
            steps.map((s) => [s.step, s.result ? (JSON.parse(s.result) as unknown) : null]),
          ),
        },
      });
      return erased;
    });
    if (store.dialect === 'sqlite') {
      // Deleted rows were zeroed (secure_delete); the WAL still holds the old pages until checkpointed.
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    }
    deps.log.info({ erasureId, stores: counts }, 'privacy: erasure completed');
    return counts;
  }

  async function onStep(erasureId: string, step: StepName): Promise<unknown> {
    const loaded = await loadSubject(erasureId);
    if (!loaded || loaded.status === 'completed') return { skipped: true };
    await db
      .updateTable('privacy_erasure_steps')
      .set((eb) => ({ state: 'running', attempts: eb('attempts', '+', 1), updated_at: clock.now() }))
      .where('erasure_id', '=', erasureId)
      .where('step', '=', step)
      .execute();
    try {
      if (step === 'patchbay') return await finishPatchbay(erasureId, loaded.subject);
      const result = await runExternal(erasureId, step, loaded.subject);
      const now = clock.now();
      await store.durable(async (trx) => {
        // The erasure's row first, as a lock: on PostgreSQL the last two steps finishing at once would
        // otherwise each see the other still open (not yet committed) and neither start the final step.
        await trx
          .updateTable('privacy_erasures')
          .set({ updated_at: now })
          .where('id', '=', erasureId)
          .execute();
        await setStep(trx, erasureId, step, {
          state: 'done',
          last_error: null,
          result: JSON.stringify(result),
          completed_at: now,
        });
        await audit.record(trx, {
          action: 'erasure.step',
          actor: 'system',
          at: now,
          details: { erasureId, step, result },
        });
        const open = await trx
          .selectFrom('privacy_erasure_steps')
          .select('step')
          .where('erasure_id', '=', erasureId)
          .where('step', '!=', 'patchbay')
          .where('state', '!=', 'done')
          .execute();
        if (open.length === 0)
          await queue.enqueue(
            trx,
            'privacy-erasure-step',
            { erasureId, step: 'patchbay' },
            jobOpts(stepKey(erasureId, 'patchbay')),
          );
      });
      return result;
    } catch (err) {
      await setStep(db, erasureId, step, {
        state: 'waiting',
        last_error: (err as Error).message.slice(0, 500),
      });
      throw err;
    }
  }

  queue.define('privacy-erasure-resolve', { handler: (p) => onResolve(p.erasureId), concurrency: 2 });
  queue.define('privacy-erasure-step', { handler: (p) => onStep(p.erasureId, p.step), concurrency: 4 });

  return {
    async create(input, actor) {
      const subject = subjectFromInput(input, deps.region);
      const now = clock.now();
      const id = randomUUID();
      const hashes = subjectHashes(audit.hashKey, subject);
      await store.durable(async (trx) => {
        await trx
          .insertInto('privacy_erasures')
          .values({
            id,
            status: 'resolving',
            identifiers: JSON.stringify(subject),
            subject: null,
            subject_hashes: JSON.stringify(hashes),
            reference: input.reference ?? null,
            requested_by: actor,
            received_at: now,
            due_at: now + settings.deadlineMs,
            completed_at: null,
            updated_at: now,
          })
          .execute();
        await queue.enqueue(
          trx,
          'privacy-erasure-resolve',
          { erasureId: id },
          jobOpts(`privacy-erasure:${id}`),
        );
        await audit.record(trx, {
          action: 'erasure.requested',
          actor,
          subjectHash:
            hashes[0] ??
            audit.hash(subject.salesforceContactIds[0] ?? subject.backofficeCustomerIds[0] ?? id),
          at: now,
          details: { erasureId: id, dueAt: new Date(now + settings.deadlineMs).toISOString() },
        });
      });
      return { id, created: true, status: (await view(id))! };
    },
    status: view,
    async list(filter = {}) {
      let q = db.selectFrom('privacy_erasures').select('id').orderBy('received_at', 'desc').limit(500);
      if (filter.status) q = q.where('status', '=', filter.status);
      const ids = await q.execute();
      const out: ErasureStatusView[] = [];
      for (const r of ids) {
        const v = await view(r.id);
        if (v) out.push(v);
      }
      return out;
    },
    async checkDeadlines() {
      const now = clock.now();
      const open = await db
        .selectFrom('privacy_erasures')
        .select(['id', 'due_at'])
        .where('status', '!=', 'completed')
        .execute();
      const overdue = open.filter((r) => Number(r.due_at) < now);
      const atRisk = open.filter((r) => Number(r.due_at) - settings.warnMs <= now);
      if (atRisk.length === 0) {
        await deps.alerts?.resolve(
          'privacy.erasure-deadline',
          'No erasure request is close to its deadline.',
        );
      } else {
        await deps.alerts?.raise({
          condition: 'privacy.erasure-deadline',
          severity: overdue.length > 0 ? 'critical' : 'warning',
          message:
            overdue.length > 0
              ? `${overdue.length} erasure request(s) past the one-month deadline (GDPR Art. 12(3))`
              : `${atRisk.length} erasure request(s) due within ${Math.round(settings.warnMs / 86_400_000)} days`,
          details: { erasureIds: atRisk.map((r) => r.id) },
        });
      }
      return { atRisk: atRisk.length, overdue: overdue.length };
    },
    async erasedHashes() {
      const rows = await db
        .selectFrom('privacy_erasures')
        .select('subject_hashes')
        .where('status', '=', 'completed')
        .execute();
      return new Set(rows.flatMap((r) => JSON.parse(r.subject_hashes) as string[]));
    },
  };
}

export { EXTERNAL as externalSteps };
