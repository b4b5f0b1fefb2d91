import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../../store/index.ts';
import type { Database, JobsTable } from '../../store/schema.ts';

export interface ClaimInput {
  kind: string;
  limit: number;
  workerId: string;
  now: number;
  leaseMs: number;
}

/**
 * Moves up to `limit` due jobs of one kind to `running` under this worker's lease, oldest first, and
 * returns them. Due: queued with run_at ≤ now, or running with an expired lease (its worker died).
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` in the subquery lets concurrent workers claim disjoint rows
 * without waiting on each other. SQLite: the single UPDATE runs under the database's one write lock.
 */
export async function claimJobs(
  db: Kysely<Database>,
  dialect: Dialect,
  input: ClaimInput,
): Promise<Selectable<JobsTable>[]> {
  const due = db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', input.kind)
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'queued'), eb('run_at', '<=', input.now)]),
        eb.and([eb('state', '=', 'running'), eb('locked_until', '<', input.now)]),
      ]),
    )
    .orderBy('run_at')
    .orderBy('id')
    .limit(input.limit)
    .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked());
  return db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'running',
      locked_by: input.workerId,
      locked_until: input.now + input.leaseMs,
      attempts: eb('attempts', '+', 1),
      updated_at: input.now,
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}
