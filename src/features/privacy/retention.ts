/**
 * The daily recording retention job: lists conversations over the policy horizon (Genesys analytics),
 * decides per recording (`decideRetention`), deletes through `deleteDate`, and stores a report.
 * Legal holds by conversation or subject live in `privacy_legal_holds`.
 */
import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import { HttpError } from '../../platform/http/errors.ts';
import type { Clock, Queue } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import { phoneKey } from '../../platform/phone/normalize.ts';
import type { Store } from '../../platform/store/index.ts';
import type { Audit } from './audit.ts';
import { decideRetention, retentionDays, type RetentionDecision } from './retention-decide.ts';
import type { PrivacySettings } from './settings.ts';
import { deleteRecording, listConversations, recordingsOf } from './systems/genesys.ts';

declare module '../../platform/jobs/types.ts' {
  interface JobKinds {
    'privacy-retention': Record<string, never>;
    'privacy-deadlines': Record<string, never>;
  }
}

export interface RetentionReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  conversations: number;
  recordings: number;
  counts: Record<RetentionDecision, number>;
  deleted: Array<{ conversationId: string; recordingId: string; reason: RetentionDecision }>;
  keptOnHold: Array<{ conversationId: string; recordingId: string }>;
}

export interface LegalHold {
  id: string;
  conversationId: string | null;
  subjectHash: string | null;
  reason: string;
  createdBy: string;
  createdAt: string;
  releasedAt: string | null;
}

export interface Retention {
  run(): Promise<RetentionReport>;
  runs(limit?: number): Promise<RetentionReport[]>;
  hold(
    input: { conversationId?: string; email?: string; phone?: string; reason: string },
    actor: string,
  ): Promise<LegalHold>;
  release(id: string, actor: string): Promise<boolean>;
  holds(): Promise<LegalHold[]>;
}

export function createRetention(deps: {
  store: Store;
  queue: Queue;
  clock: Clock;
  log: Logger;
  audit: Audit;
  settings: PrivacySettings;
  region: CountryCode;
  genesys: () => GenesysConnector | undefined;
  erasedHashes: () => Promise<Set<string>>;
}): Retention {
  const { store, clock, audit, settings } = deps;
  const db = store.db;
  const iso = (v: number | null) => (v === null ? null : new Date(Number(v)).toISOString());
  const toHold = (r: {
    id: string;
    conversation_id: string | null;
    subject_hash: string | null;
    reason: string;
    created_by: string;
    created_at: number;
    released_at: number | null;
  }): LegalHold => ({
    id: r.id,
    conversationId: r.conversation_id,
    subjectHash: r.subject_hash,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    releasedAt: iso(r.released_at),
  });

  async function run(): Promise<RetentionReport> {
    const gc = deps.genesys();
    const started = clock.now();
    const counts: Record<RetentionDecision, number> = {
      keep: 0,
      'keep-legal-hold': 0,
      'delete-erased-subject': 0,
      'delete-expired': 0,
    };
    const deleted: RetentionReport['deleted'] = [];
    const keptOnHold: RetentionReport['keptOnHold'] = [];
    let conversations = 0;
    let recordings = 0;
    if (gc) {
      const holds = await db
        .selectFrom('privacy_legal_holds')
        .selectAll()
        .where('released_at', 'is', null)
        .execute();
      const ctx = {
        now: started,
        policy: { defaultDays: settings.retention.defaultDays, byMedia: settings.retention.byMedia },
        heldConversations: new Set(holds.flatMap((h) => (h.conversation_id ? [h.conversation_id] : []))),
        heldSubjects: new Set(holds.flatMap((h) => (h.subject_hash ? [h.subject_hash] : []))),
        erasedSubjects: await deps.erasedHashes(),
      };
      // Look a year past the longest policy (recordings made before Patchbay ran), and at least 10 years.
      const longest = Math.max(settings.retention.defaultDays, ...Object.values(settings.retention.byMedia));
      const horizonDays = Math.max(longest + 366, 3653);
      const convs = await listConversations(gc, {
        from: started - horizonDays * 86_400_000,
        to: started + 60_000,
      });
      conversations = convs.length;
      for (const c of convs) {
        const hashes = c.anis.map((a) => audit.hash(phoneKey(a, deps.region) ?? a));
        for (const r of await recordingsOf(gc, c.conversationId)) {
          if (r.deleteDate !== undefined && r.deleteDate <= started) continue; // already going
          recordings++;
          const d = decideRetention(
            {
              conversationId: c.conversationId,
              media: r.media,
              start: r.start || c.start,
              subjectHashes: hashes,
            },
            ctx,
          );
          counts[d]++;
          if (d === 'keep-legal-hold')
            keptOnHold.push({ conversationId: c.conversationId, recordingId: r.recordingId });
          if (d === 'delete-erased-subject' || d === 'delete-expired') {
            await deleteRecording(gc, r, started);
            deleted.push({ conversationId: c.conversationId, recordingId: r.recordingId, reason: d });
          }
        }
      }
    }
    const finished = clock.now();
    const body = {
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      conversations,
      recordings,
      counts,
      deleted,
      keptOnHold,
      ...(gc ? {} : { note: 'Genesys is not configured: nothing to check' }),
    };
    const runId = await store.durable(async (trx) => {
      const row = await trx
        .insertInto('privacy_retention_runs')
        .values({ started_at: started, finished_at: finished, report: JSON.stringify(body) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit.record(trx, {
        action: 'retention.run',
        actor: 'system',
        at: finished,
        details: {
          runId: String(row.id),
          counts,
          policyDays: retentionDays(
            { defaultDays: settings.retention.defaultDays, byMedia: settings.retention.byMedia },
            'audio',
          ),
        },
      });
      return String(row.id);
    });
    deps.log.info({ runId, counts }, 'privacy: retention run');
    return { runId, ...body };
  }

  deps.queue.define('privacy-retention', {
    handler: async () => {
      const r = await run();
      return { runId: r.runId, counts: r.counts };
    },
    concurrency: 1,
  });

  return {
    run,
    async runs(limit = 20) {
      const rows = await db
        .selectFrom('privacy_retention_runs')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        runId: String(r.id),
        ...(JSON.parse(r.report) as Omit<RetentionReport, 'runId'>),
      }));
    },
    async hold(input, actor) {
      if (typeof input.reason !== 'string' || input.reason.trim() === '')
        throw new HttpError('validation_failed', 'reason is required', { field: 'reason' });
      let subjectHash: string | null = null;
      if (input.email) subjectHash = audit.hash(input.email.trim().toLowerCase());
      else if (input.phone) {
        const k = phoneKey(input.phone, deps.region);
        if (!k) throw new HttpError('validation_failed', 'phone: not a phone number', { field: 'phone' });
        subjectHash = audit.hash(k);
      }
      const conversationId = input.conversationId ?? null;
      if (!conversationId && !subjectHash)
        throw new HttpError('validation_failed', 'conversationId, email or phone is required');
      const now = clock.now();
      const row = {
        id: randomUUID(),
        conversation_id: conversationId,
        subject_hash: subjectHash,
        reason: input.reason.slice(0, 500),
        created_by: actor,
        created_at: now,
        released_at: null,
      };
      await store.durable(async (trx) => {
        await trx.insertInto('privacy_legal_holds').values(row).execute();
        await audit.record(trx, {
          action: 'legal-hold.set',
          actor,
          subjectHash,
          at: now,
          details: { holdId: row.id, conversationId },
        });
      });
      return toHold(row);
    },
    async release(id, actor) {
      const now = clock.now();
      return store.durable(async (trx) => {
        const r = await trx
          .updateTable('privacy_legal_holds')
          .set({ released_at: now })
          .where('id', '=', id)
          .where('released_at', 'is', null)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
        await audit.record(trx, { action: 'legal-hold.released', actor, at: now, details: { holdId: id } });
        return true;
      });
    },
    async holds() {
      return (await db.selectFrom('privacy_legal_holds').selectAll().orderBy('created_at').execute()).map(
        toHold,
      );
    },
  };
}
