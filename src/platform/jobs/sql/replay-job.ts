import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';

/** Parked → queued, due now, attempts reset and a fresh max age (from replayed_at). False if not parked. */
export async function replayJob(db: Kysely<Database>, id: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ state: 'queued', run_at: now, attempts: 0, replayed_at: now, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'parked')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
