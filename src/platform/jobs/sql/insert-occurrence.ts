import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.ts';

/**
 * Claims one occurrence of a schedule: true for the single caller whose insert created the row, false
 * for every other scheduler racing for the same (name, fire_at).
 */
export async function insertOccurrence(
  trx: Transaction<Database>,
  name: string,
  fireAt: number,
  now: number,
): Promise<boolean> {
  const row = await trx
    .insertInto('schedule_occurrences')
    .values({ name, fire_at: fireAt, job_id: null, created_at: now })
    .onConflict((oc) => oc.columns(['name', 'fire_at']).doNothing())
    .returning('name')
    .executeTakeFirst();
  return row !== undefined;
}

export async function lastOccurrence(db: Kysely<Database>, name: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('schedule_occurrences')
    .select((eb) => eb.fn.max<number>('fire_at').as('last'))
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? undefined : Number(row.last);
}
