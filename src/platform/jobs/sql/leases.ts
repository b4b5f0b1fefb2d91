import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';

/** Extends this worker's leases on the given jobs; returns the ids still held (the others were lost). */
export async function renewLeases(
  db: Kysely<Database>,
  workerId: string,
  ids: number[],
  lockedUntil: number,
  now: number,
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('jobs')
    .set({ locked_until: lockedUntil, updated_at: now })
    .where('id', 'in', ids)
    .where('state', '=', 'running')
    .where('locked_by', '=', workerId)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Graceful shutdown: hands jobs still running here back to the queue, due now. The interrupted try
 * does not count as an attempt, so it does not push the job along the backoff schedule.
 */
export async function releaseJobs(
  db: Kysely<Database>,
  workerId: string,
  ids: number[],
  now: number,
): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'queued',
      run_at: now,
      attempts: sql<number>`case when ${eb.ref('attempts')} > 0 then ${eb.ref('attempts')} - 1 else 0 end`,
      locked_by: null,
      locked_until: null,
      updated_at: now,
    }))
    .where('id', 'in', ids)
    .where('state', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * A job whose worker keeps dying never reaches the failure path; once its lease expired and its max
 * age passed, park it rather than reclaim it forever.
 */
export async function parkAbandonedJobs(
  db: Kysely<Database>,
  now: number,
  defaultMaxAgeMs: number,
): Promise<number> {
  const r = await db
    .updateTable('jobs')
    .set({
      state: 'parked',
      last_error: 'lease expired (worker lost) after max age',
      last_error_at: now,
      updated_at: now,
      locked_by: null,
      locked_until: null,
    })
    .where('state', '=', 'running')
    .where('locked_until', '<', now)
    .where(
      sql<number>`coalesce(replayed_at, created_at) + coalesce(max_age_ms, ${defaultMaxAgeMs})`,
      '<',
      now,
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
