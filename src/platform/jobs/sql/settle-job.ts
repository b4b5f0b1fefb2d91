import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';

/** Identifies one claim: a worker that lost its lease (reclaimed by another) matches no row. */
export interface LeaseRef {
  id: number;
  workerId: string;
  attempt: number;
}

/** Marks the job completed with its result; false if this worker no longer holds the lease. */
export async function completeJob(
  db: Kysely<Database>,
  lease: LeaseRef,
  result: string | null,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({
      state: 'completed',
      result,
      completed_at: now,
      updated_at: now,
      locked_by: null,
      locked_until: null,
    })
    .where('id', '=', lease.id)
    .where('state', '=', 'running')
    .where('locked_by', '=', lease.workerId)
    .where('attempts', '=', lease.attempt)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Records the failure and either re-queues the job at `runAt` or parks it; false if the lease was lost. */
export async function failJob(
  db: Kysely<Database>,
  lease: LeaseRef,
  failure: { error: string; now: number } & ({ park: true } | { park: false; runAt: number }),
): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({
      state: failure.park ? 'parked' : 'queued',
      ...(failure.park ? {} : { run_at: failure.runAt }),
      last_error: failure.error,
      last_error_at: failure.now,
      updated_at: failure.now,
      locked_by: null,
      locked_until: null,
    })
    .where('id', '=', lease.id)
    .where('state', '=', 'running')
    .where('locked_by', '=', lease.workerId)
    .where('attempts', '=', lease.attempt)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
