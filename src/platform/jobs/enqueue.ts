import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { hotStatement } from '../store/hot-statement.ts';
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

type JobValues = readonly [
  kind: string,
  key: string | null,
  payload: string,
  state: 'queued',
  runAt: number,
  attempts: number,
  maxAgeMs: number | null,
  createdAt: number,
  updatedAt: number,
  correlationId: string | null,
];

const jobRow = ([
  kind,
  key,
  payload,
  state,
  runAt,
  attempts,
  maxAgeMs,
  createdAt,
  updatedAt,
  correlationId,
]: JobValues) => ({
  kind,
  key,
  payload,
  state,
  run_at: runAt,
  attempts,
  max_age_ms: maxAgeMs,
  created_at: createdAt,
  updated_at: updatedAt,
  correlation_id: correlationId,
});

// The insert of every job: on the acknowledgement path, so compiled once (hot-statement.ts).
const insertJob = hotStatement(10, (db, v: JobValues) =>
  db.insertInto('jobs').values(jobRow(v)).returning('id'),
);
const insertKeyedJob = hotStatement(10, (db, v: JobValues) =>
  db
    .insertInto('jobs')
    .values(jobRow(v))
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id'),
);

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
  const values = [
    kind,
    options.key ?? null,
    JSON.stringify(payload),
    'queued',
    runAt,
    0,
    options.maxAgeMs ?? null,
    now,
    now,
    options.correlationId === undefined ? (currentCorrelationId() ?? null) : options.correlationId,
  ] as const;
  if (options.key === undefined) {
    const { rows } = await insertJob(db, values);
    signalEnqueued(kind);
    return { id: String(rows[0]?.id), created: true };
  }
  const { rows } = await insertKeyedJob(db, values);
  if (rows[0] !== undefined) {
    signalEnqueued(kind);
    return { id: String(rows[0].id), created: true };
  }
  const existing = await db
    .selectFrom('jobs')
    .select('id')
    .where('key', '=', options.key)
    .executeTakeFirstOrThrow();
  return { id: String(existing.id), created: false };
}
