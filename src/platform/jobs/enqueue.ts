import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { currentCorrelationId } from '../trace/context.ts';
import { systemClock } from './clock.ts';
import { signalEnqueued } from './wakeup.ts';
import type { Clock, JobKind, JobKinds } from './types.ts';

export interface EnqueueOptions {
  /** Idempotency key: if a job with this key exists (any state), it is returned instead (`created: false`). */
  key?: string | undefined;
  /** Not before this time (default: now). */
  runAt?: Date | number | undefined;
  /** Park instead of retrying once the job is this old (default: the queue's, 72 h). */
  maxAgeMs?: number | undefined;
  clock?: Clock | undefined;
  /**
   * The interaction this job works for (one trace per interaction, see platform/trace). Default: the
   * current context's (a job enqueued by a traced job inherits its trace); `null` for none.
   */
  correlationId?: string | null | undefined;
}

/**
 * Adds a job. Pass the transaction that writes the state the job belongs to, so both commit together
 * (or neither does): `store.durable((trx) => { …insert event…; return enqueue(trx, 'kind', payload) })`.
 */
export async function enqueue<K extends JobKind>(
  db: Kysely<Database>,
  kind: K,
  payload: JobKinds[K],
  options: EnqueueOptions = {},
): Promise<{ id: string; created: boolean }> {
  const now = (options.clock ?? systemClock).now();
  const runAt = options.runAt === undefined ? now : +options.runAt;
  const values = {
    kind,
    key: options.key ?? null,
    payload: JSON.stringify(payload),
    state: 'queued' as const,
    run_at: runAt,
    attempts: 0,
    max_age_ms: options.maxAgeMs ?? null,
    created_at: now,
    updated_at: now,
    correlation_id:
      options.correlationId === undefined ? (currentCorrelationId() ?? null) : options.correlationId,
  };
  if (options.key === undefined) {
    const row = await db.insertInto('jobs').values(values).returning('id').executeTakeFirstOrThrow();
    signalEnqueued(kind);
    return { id: String(row.id), created: true };
  }
  const inserted = await db
    .insertInto('jobs')
    .values(values)
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted !== undefined) {
    signalEnqueued(kind);
    return { id: String(inserted.id), created: true };
  }
  const existing = await db
    .selectFrom('jobs')
    .select('id')
    .where('key', '=', options.key)
    .executeTakeFirstOrThrow();
  return { id: String(existing.id), created: false };
}
