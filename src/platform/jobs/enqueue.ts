import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { hotStatement } from '../store/hot-statement.ts';
import { isSqlite } from '../store/sqlite-dialect.ts';
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

// The insert of every job: on the acknowledgement path, so compiled once (hot-statement.ts). SQLite
// reports the new rowid without RETURNING, which there costs ~2 µs an insert (it buffers the rows):
// a quarter of the insert, measured. PostgreSQL needs RETURNING to learn the ID.
const insertJob = hotStatement(10, (db, v: JobValues) => db.insertInto('jobs').values(jobRow(v)));
const insertJobReturning = hotStatement(10, (db, v: JobValues) =>
  db.insertInto('jobs').values(jobRow(v)).returning('id'),
);
const insertKeyedJob = hotStatement(10, (db, v: JobValues) =>
  db
    .insertInto('jobs')
    .values(jobRow(v))
    .onConflict((oc) => oc.column('key').doNothing()),
);
const insertKeyedJobReturning = hotStatement(10, (db, v: JobValues) =>
  db
    .insertInto('jobs')
    .values(jobRow(v))
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id'),
);

/** The new job's ID, or undefined when the insert did nothing (its key exists). */
async function insertOne(
  db: Kysely<Database>,
  keyed: boolean,
  values: JobValues,
): Promise<string | undefined> {
  if (isSqlite(db)) {
    const r = await (keyed ? insertKeyedJob : insertJob)(db, values);
    return (r.numAffectedRows ?? 0n) > 0n ? String(r.insertId) : undefined;
  }
  const { rows } = await (keyed ? insertKeyedJobReturning : insertJobReturning)(db, values);
  return rows[0] === undefined ? undefined : String(rows[0].id);
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
  const id = await insertOne(db, options.key !== undefined, values);
  if (id !== undefined) {
    signalEnqueued(kind);
    return { id, created: true };
  }
  if (options.key === undefined) throw new Error(`enqueue: the ${kind} job was not inserted`);
  const existing = await db
    .selectFrom('jobs')
    .select('id')
    .where('key', '=', options.key)
    .executeTakeFirstOrThrow();
  return { id: String(existing.id), created: false };
}
