/**
 * The save-log extension point (seed 003) as an HTTP endpoint: `POST /v1/extensions/save-log`
 * with `{ eventName, interaction, callLog }`. Each event is stored and its delta merged into the
 * interaction's log in one transaction; on the configured events the merged log is upserted as
 * a Task (by conversation ID, `CallObject` = interaction ID) and the answer is `{ "id": "<Task
 * id>" }`, otherwise `{ "id": "" }` — never null, as the seed requires. A delayed job with the
 * same version is enqueued in that transaction, so a Salesforce failure during the request is
 * retried later instead of lost (the request then answers `{ "id": "" }`: not saved yet).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { HttpError } from '../../platform/http/errors.ts';
import { storeInbound } from '../../platform/inbox/inbox.ts';
import {
  enqueue,
  PermanentError,
  RetryableError,
  type Clock,
  type Queue,
} from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Database, Migration, Store } from '../../platform/store/index.ts';
import { signedScope } from '../call-end-intake/intake.ts';
import { SAVE_LOG_SOURCE } from '../call-end-intake/jobs.ts';
import type { SalesforcePort } from '../call-end-intake/ports.ts';
import type { TaskKeyMode } from '../call-end-intake/settings.ts';
import type { VerifierConfig } from '../call-end-intake/signatures.ts';
import { writeTask } from '../activity-log/write-task.ts';
import { mergeCallLog, taskFromCallLog, validateSaveLog } from './merge.ts';

declare module '../../platform/store/schema.ts' {
  interface Database {
    save_log_interactions: {
      interaction_id: string;
      call_log: string;
      interaction: string;
      version: number;
      synced_version: number;
      task_id: string | null;
      updated_at: number;
    };
  }
}

export const saveLogMigrations: Migration[] = [
  {
    name: '1430-save-log-interactions',
    async up(db) {
      await db.schema
        .createTable('save_log_interactions')
        .addColumn('interaction_id', 'text', (c) => c.primaryKey())
        .addColumn('call_log', 'text', (c) => c.notNull())
        .addColumn('interaction', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('synced_version', 'integer', (c) => c.notNull())
        .addColumn('task_id', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];

export interface SaveLogDeps {
  store: Store;
  queue: Queue;
  clock: Clock;
  log: Logger;
  verifier: VerifierConfig;
  upsertEvents: readonly string[];
  taskKey: TaskKeyMode;
  salesforce: () => SalesforcePort | undefined;
  /** How long the request waits for Salesforce before answering `{ id: "" }` (default 10 s). */
  inlineTimeoutMs?: number;
  /** The safety-net job runs this long after the event (default 30 s). */
  retryDelayMs?: number;
}

export async function registerSaveLog(app: FastifyInstance, deps: SaveLogDeps): Promise<void> {
  const db = deps.store.db;

  /** Upserts the interaction's merged log if `version` is not synced yet; the Task ID. */
  async function sync(interactionId: string, version: number): Promise<string> {
    const sf = deps.salesforce();
    if (!sf) throw new RetryableError('Salesforce is not configured (SALESFORCE_*)');
    const row = await db
      .selectFrom('save_log_interactions')
      .selectAll()
      .where('interaction_id', '=', interactionId)
      .executeTakeFirst();
    if (!row) throw new PermanentError(`save-log interaction ${interactionId} not found`);
    if (row.synced_version >= version && row.task_id) return row.task_id;
    const task = taskFromCallLog(
      interactionId,
      JSON.parse(row.call_log) as Record<string, unknown>,
      JSON.parse(row.interaction) as Record<string, unknown>,
    );
    const res = await writeTask(
      sf,
      deps.taskKey,
      { conversationId: interactionId, task, contactId: undefined, contactFields: {} },
      { exists: row.task_id !== null },
    );
    await db
      .updateTable('save_log_interactions')
      .set({ task_id: res.taskId })
      .where('interaction_id', '=', interactionId)
      .execute();
    await db
      .updateTable('save_log_interactions')
      .set({ synced_version: row.version })
      .where('interaction_id', '=', interactionId)
      .where('synced_version', '<', row.version)
      .execute();
    return res.taskId;
  }

  deps.queue.define('save-log.upsert', {
    concurrency: 8,
    handler: async (p) => ({ taskId: await sync(p.interactionId, p.version) }),
  });

  await signedScope(
    app,
    { verifier: () => deps.verifier, clock: deps.clock, log: deps.log, source: SAVE_LOG_SOURCE },
    (scope) => {
      scope.post(
        '/v1/extensions/save-log',
        {
          schema: {
            tags: ['call logging'],
            summary:
              'SaveLog extension point (seed 003): merge the callLog delta; upsert the Task on configured events',
            response: { 200: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
          },
        },
        async (req: FastifyRequest, reply: FastifyReply) => {
          const v = validateSaveLog(req.body);
          if (!v.ok) throw new HttpError('validation_failed', v.message, { field: v.field });
          const { eventName, interaction, callLog } = v.value;
          const id = interaction.id;
          const upsert = deps.upsertEvents.includes(eventName);
          const body = req.bodyBytes?.toString('utf8') ?? JSON.stringify(v.value);
          const now = deps.clock.now();
          const version = await deps.store.durable(async (trx) => {
            const ev = await storeInbound(trx, {
              source: SAVE_LOG_SOURCE,
              dedupeKey: `${id}:${createHash('sha256').update(body).digest('hex')}`,
              body,
              receivedAt: now,
              correlationId: id,
            });
            if (!ev.created) return currentVersion(trx, id);
            const next = await mergeDelta(trx, { id, interaction, callLog, now });
            if (upsert)
              await enqueue(
                trx as Kysely<Database>,
                'save-log.upsert',
                { interactionId: id, version: next },
                {
                  key: `save-log:${id}:${next}`,
                  runAt: now + (deps.retryDelayMs ?? 30_000),
                  clock: deps.clock,
                  correlationId: id,
                },
              );
            return next;
          });
          if (!upsert) return reply.send({ id: '' });
          let timer: NodeJS.Timeout | undefined;
          try {
            const taskId = await Promise.race([
              sync(id, version),
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new Error('timeout')), deps.inlineTimeoutMs ?? 10_000);
              }),
            ]);
            return reply.send({ id: taskId });
          } catch (err) {
            deps.log.warn({ err: (err as Error).message, eventName }, 'save-log upsert deferred to the job');
            return reply.send({ id: '' });
          } finally {
            clearTimeout(timer);
          }
        },
      );
    },
  );
}

async function currentVersion(db: Kysely<Database>, id: string): Promise<number> {
  const row = await db
    .selectFrom('save_log_interactions')
    .select('version')
    .where('interaction_id', '=', id)
    .executeTakeFirst();
  return row?.version ?? 0;
}

/**
 * Adds a callLog delta to the interaction's merged log and returns the log's new version. Deltas of
 * one interaction may be written at once — by functions of one group commit (which interleave) or by
 * two transactions — so the write is conditional on the version read; one that lost the race reads
 * again (the winner's write is visible by then: same transaction, or committed) and merges onto it.
 */
async function mergeDelta(
  trx: Kysely<Database>,
  delta: { id: string; interaction: unknown; callLog: Record<string, unknown>; now: number },
): Promise<number> {
  const { id, now } = delta;
  for (let attempt = 0; attempt < 20; attempt++) {
    const row = await trx
      .selectFrom('save_log_interactions')
      .select(['call_log', 'version'])
      .where('interaction_id', '=', id)
      .executeTakeFirst();
    const merged = mergeCallLog(
      row ? (JSON.parse(row.call_log) as Record<string, unknown>) : {},
      delta.callLog,
    );
    const next = (row?.version ?? 0) + 1;
    const values = {
      call_log: JSON.stringify(merged),
      interaction: JSON.stringify(delta.interaction),
      version: next,
      updated_at: now,
    };
    const written = row
      ? (
          await trx
            .updateTable('save_log_interactions')
            .set(values)
            .where('interaction_id', '=', id)
            .where('version', '=', row.version)
            .executeTakeFirst()
        ).numUpdatedRows
      : (
          await trx
            .insertInto('save_log_interactions')
            .values({ interaction_id: id, ...values, synced_version: 0, task_id: null })
            .onConflict((oc) => oc.column('interaction_id').doNothing())
            .executeTakeFirst()
        ).numInsertedOrUpdatedRows;
    if (Number(written ?? 0) > 0) return next;
  }
  throw new Error(`save-log: interaction ${id} kept changing under concurrent deltas`);
}
