import type { Insertable, Kysely } from 'kysely';
import type { Database, JobAttemptsTable } from '../../store/schema.ts';

/** One finished attempt of a traced job (see platform/trace). */
export async function recordAttempt(
  db: Kysely<Database>,
  attempt: Insertable<JobAttemptsTable>,
): Promise<void> {
  await db.insertInto('job_attempts').values(attempt).execute();
}
